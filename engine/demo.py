"""The demo organisation: two provinces, three communes/wards, four cells and the people of the procedures.

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
    # A second province, for transfers out of Hưng Yên (P3a, P3b).
    ("HN", "Đảng bộ thành phố Hà Nội", "province", "TW"),
    ("HN-BADINH", "Đảng bộ phường Ba Đình", "commune", "HN"),
    ("HN-BADINH-TDP3", "Chi bộ tổ dân phố số 3", "cell", "HN-BADINH"),
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
    DemoUser("dothilan", "Đỗ Thị Lan", (("cell_secretary", "HY-HONGCHAU-KP1", "Bí thư chi bộ"),
                                        ("party_member", "HY-HONGCHAU-KP1", "Đảng viên"))),
    DemoUser("nongthiquyen", "Nông Thị Quyên", (("party_member", "HY-HONGCHAU-KP1", "Đảng viên"),)),
    DemoUser("lyvanminh", "Lý Văn Minh", (("cipher_office", "HY", "Trưởng phòng Cơ yếu – CNTT"),), clearance=1),
    # Party fees, full membership, transfers, residence comments, badges (P2–P6).
    DemoUser("trinhvanquang", "Trịnh Văn Quang", (("fee_collector", "HY-TANTIEN-DONG", "Đảng viên thu đảng phí"),
                                                  ("party_member", "HY-TANTIEN-DONG", "Đảng viên"))),
    DemoUser("maithithu", "Mai Thị Thu", (("party_member", "HY-TANTIEN-DONG", "Đảng viên dự bị"),)),
    DemoUser("vuongvanlong", "Vương Văn Long", (("party_member", "HY-TANTIEN-DONG", "Đảng viên"),)),
    DemoUser("tongvanxuan", "Tống Văn Xuân", (("standing_board", "HY-HONGCHAU", "Bí thư Đảng ủy phường"),), clearance=2),
    # A ward office with one clerk holding its posts, so a document can be registered and handled there too.
    DemoUser("lamthiyen", "Lâm Thị Yến", (("committee_office", "HY-HONGCHAU", "Chánh Văn phòng Đảng ủy"),
                                          ("office_chief", "HY-HONGCHAU", "Chánh Văn phòng Đảng ủy"),
                                          ("records_clerk", "HY-HONGCHAU", "Văn thư Văn phòng Đảng ủy")), clearance=1),
    DemoUser("caovanhung", "Cao Văn Hùng", (("organisation_board", "HY", "Trưởng Ban Tổ chức Tỉnh ủy"),), clearance=2),
    DemoUser("dinhthilien", "Đinh Thị Liên", (("provincial_standing_board", "HY", "Phó Bí thư Thường trực Tỉnh ủy"),),
             clearance=2),
    DemoUser("tathingoc", "Tạ Thị Ngọc", (("committee_office", "HY", "Chánh Văn phòng Tỉnh ủy"),), clearance=1),
    DemoUser("luongvanson", "Lương Văn Sơn", (("organisation_board", "HN", "Trưởng Ban Tổ chức Thành ủy"),), clearance=2),
    DemoUser("phanthitam", "Phan Thị Tâm", (("standing_board", "HN-BADINH", "Bí thư Đảng ủy phường"),), clearance=2),
    DemoUser("hathiuyen", "Hà Thị Uyên", (("committee_office", "HN-BADINH", "Chánh Văn phòng Đảng ủy"),), clearance=1),
    DemoUser("kieuvanvinh", "Kiều Văn Vinh", (("cell_secretary", "HN-BADINH-TDP3", "Bí thư chi bộ"),)),
    # Party cards, exemption, annual rating, denunciations, documents and secret telegrams (P7–P10, P12): the
    # commune office and inspection committee, cleared up to "tuyệt mật" so the classified flows can be shown.
    DemoUser("nguyenthivan", "Nguyễn Thị Vân", (("records_clerk", "HY-TANTIEN", "Văn thư Văn phòng Đảng ủy"),),
             clearance=3),
    DemoUser("lethimai", "Lê Thị Mai", (("office_chief", "HY-TANTIEN", "Phó Chánh Văn phòng Đảng ủy (phụ trách)"),),
             clearance=3),
    DemoUser("trandinhkhoa", "Trần Đình Khoa", (("standing_board", "HY-TANTIEN", "Phó Bí thư Thường trực Đảng ủy xã"),),
             clearance=3),
    DemoUser("phamvanhieu", "Phạm Văn Hiếu",
             (("executive_committee", "HY-TANTIEN", "Đảng ủy viên, chuyên viên Ban Xây dựng Đảng"),), clearance=2),
    DemoUser("maivantoan", "Mai Văn Toàn", (("cipher_office", "HY-TANTIEN", "Cán bộ cơ yếu Văn phòng Đảng ủy xã"),),
             clearance=3),
    DemoUser("dinhvanson", "Đinh Văn Sơn", (("inspection_committee", "HY-TANTIEN", "Phó Chủ nhiệm Ủy ban Kiểm tra"),),
             clearance=2),
    DemoUser("khucthihanh", "Khúc Thị Hạnh", (("inspection_committee", "HY-TANTIEN", "Ủy viên Ủy ban Kiểm tra"),),
             clearance=2),
    # The process designer: draws, validates and deploys procedures in the browser modeler (/designer).
    DemoUser("ngovanthiet", "Ngô Văn Thiết", (("process_designer", "HY", "Chuyên viên Văn phòng Tỉnh ủy (thiết kế quy trình)"),)),
]

BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn"


def load(uow: UnitOfWork, *, password: str | None, bpmn_dir: Path = BPMN_DIR,
         pin: str | None = None) -> list[definitions.Deployed]:
    """Create the demo organisation and users (once) and deploy every BPMN file under ``bpmn_dir``.

    With a PIN (``pin``, else ``QUYTRINH_DEMO_PIN``) it also creates the certificate authority and a key
    and certificate for every demo user holding a role (engine/demo_pki.py; needs ``QUYTRINH_CA_PASSPHRASE``).
    """
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
    pin = pin or uow.settings.demo_pin
    if pin:
        from engine import demo_pki
        with uow:
            demo_pki.load(uow, people=USERS, pin=pin)
            uow.commit()
    deployed = []
    for path in sorted(bpmn_dir.rglob("*.bpmn")):
        deployed.extend(definitions.deploy_file(uow, path, deployed_by="demo"))
    return deployed
