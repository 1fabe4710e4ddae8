"""The demo organisation: a province, two communes/wards, three cells and the people of one admission.

Loaded by ``quytrinh demo load`` (and by the test fixtures). Every demo user gets the password from
``QUYTRINH_DEMO_PASSWORD``: there is no built-in password.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from engine.errors import ConfigurationError
from engine.models import User
from engine.passwords import hash_password
from engine.services import definitions, organisation
from engine.uow import UnitOfWork
from workflows.organisation import ROLES

UNITS = [
    ("TW", "Ban Chấp hành Trung ương Đảng", "central", None),
    ("HY", "Đảng bộ tỉnh Hưng Yên", "province", "TW"),
    ("HY-TANTIEN", "Đảng bộ xã Tân Tiến", "commune", "HY"),
    ("HY-TANTIEN-DONG", "Chi bộ thôn Đông", "cell", "HY-TANTIEN"),
    ("HY-TANTIEN-TAY", "Chi bộ thôn Tây", "cell", "HY-TANTIEN"),
    ("HY-HONGCHAU", "Đảng bộ phường Hồng Châu", "commune", "HY"),
    ("HY-HONGCHAU-KP1", "Chi bộ khu phố 1", "cell", "HY-HONGCHAU"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    roles: tuple[tuple[str, str, str], ...]   # (role, unit code, position)
    clearance: int = 0
    is_admin: bool = False


USERS = [
    DemoUser("quantri", "Nguyễn Quản Trị", (), clearance=1, is_admin=True),
    DemoUser("nguyenvanan", "Nguyễn Văn An", ()),
    DemoUser("tranthibinh", "Trần Thị Bình", (("party_member", "HY-TANTIEN-DONG", "Đảng viên"),)),
    DemoUser("levancuong", "Lê Văn Cường", (("party_member", "HY-TANTIEN-DONG", "Đảng viên"),)),
    DemoUser("phamthidung", "Phạm Thị Dung", (("cell_secretary", "HY-TANTIEN-DONG", "Bí thư chi bộ"),
                                              ("party_member", "HY-TANTIEN-DONG", "Đảng viên"))),
    DemoUser("hoangvanem", "Hoàng Văn Em", (("party_building_board", "HY-TANTIEN", "Trưởng Ban Xây dựng Đảng"),),
             clearance=1),
    DemoUser("vuthiphuong", "Vũ Thị Phương", (("standing_board", "HY-TANTIEN", "Bí thư Đảng ủy xã"),), clearance=2),
    DemoUser("dangvangiang", "Đặng Văn Giang", (("committee_office", "HY-TANTIEN", "Chánh Văn phòng Đảng ủy"),),
             clearance=1),
    DemoUser("buithihoa", "Bùi Thị Hoa", (("inspection_committee", "HY-TANTIEN", "Chủ nhiệm Ủy ban Kiểm tra"),),
             clearance=2),
    DemoUser("ngothikhanh", "Ngô Thị Khánh", (("cell_secretary", "HY-TANTIEN-TAY", "Bí thư chi bộ"),)),
    DemoUser("dothilan", "Đỗ Thị Lan", (("cell_secretary", "HY-HONGCHAU-KP1", "Bí thư chi bộ"),)),
    DemoUser("lyvanminh", "Lý Văn Minh", (("cipher_office", "HY", "Trưởng phòng Cơ yếu – CNTT"),), clearance=1),
]

BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn"


def load(uow: UnitOfWork, *, password: str | None, bpmn_dir: Path = BPMN_DIR) -> list[definitions.Deployed]:
    """Create the demo organisation and users (once) and deploy every BPMN file under ``bpmn_dir``."""
    if not password:
        raise ConfigurationError("config.missing_secret", variable="QUYTRINH_DEMO_PASSWORD")
    with uow:
        if uow.session.scalar(select(User.id).where(User.username == USERS[0].username)) is None:
            for code, name in ROLES.items():
                organisation.create_role(uow, code=code, name=name)
            for code, name, level, parent in UNITS:
                organisation.create_unit(uow, code=code, name=name, level=level, parent_code=parent)
            shared_hash = hash_password(password)
            for person in USERS:
                organisation.create_user(uow, username=person.username, full_name=person.full_name, password=None,
                                         password_hash=shared_hash, clearance=person.clearance,
                                         is_admin=person.is_admin)
                for role, unit, position in person.roles:
                    organisation.assign_role(uow, username=person.username, role=role, unit_code=unit,
                                             position=position)
            uow.commit()
    deployed = []
    for path in sorted(bpmn_dir.rglob("*.bpmn")):
        deployed.extend(definitions.deploy_file(uow, path, deployed_by="demo"))
    return deployed
