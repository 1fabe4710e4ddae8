"""What a template needs besides the case data: who issues the document and who signs it.

The engine builds these from its organisation tree and the signing step; templates never look anything up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Organisation:
    """The party organisations named by a case's documents, from the case's unit upward.

    Since 07/2025 (Quy định 294-QĐ/TW) a village or agency cell sits under a commune or ward party organisation,
    whose committee decides admissions; the province is the level above (../shared/domain/procedures.md, P1).
    """
    unit_name: str                  # the case's unit: "Chi bộ thôn Đông"
    parent_name: str                # the party organisation it belongs to: "Đảng bộ xã Tân Tiến"
    committee_name: str             # that organisation's committee, which issues decisions: "Đảng ủy xã Tân Tiến"
    superior_name: str              # the level above the committee: "Đảng bộ tỉnh Hưng Yên"
    place: str                      # place name on the date line: "Tân Tiến"
    advisory_board: str = "Ban Xây dựng Đảng"        # appraises admission files for the standing board
    office: str = "Văn phòng Đảng ủy"
    unit_symbol: str = "CB"         # document symbol of the unit: "…-NQ/CB"
    committee_symbol: str = "ĐU"    # document symbol of the committee: "…-QĐ/ĐU"


def committee_of(unit_name: str) -> str:
    """The committee that speaks for a party organisation, as documents name it: "Đảng bộ phường Ba Đình" →
    "Đảng ủy phường Ba Đình", "Đảng bộ tỉnh Hưng Yên" → "Tỉnh ủy Hưng Yên", "Đảng bộ thành phố Hà Nội" →
    "Thành ủy Hà Nội", "Chi bộ thôn Đông" → "Chi ủy Chi bộ thôn Đông"."""
    name = " ".join(unit_name.split())
    for prefix, committee in (("Đảng bộ tỉnh ", "Tỉnh ủy "), ("Đảng bộ thành phố ", "Thành ủy ")):
        if name.startswith(prefix):
            return committee + name[len(prefix):]
    if name.startswith("Đảng bộ "):
        return re.sub(r"^Đảng bộ", "Đảng ủy", name)
    if name.startswith("Chi bộ "):
        return f"Chi ủy {name}"
    return name


@dataclass(frozen=True)
class Signer:
    """The person who signs, as printed in the signature block.

    ``title`` is the capacity under "T/M …" ("Bí thư", "Phó Bí thư"); ``position`` the full post shown on the
    digital-signature line ("Bí thư Đảng ủy xã"); ``signed_at`` is set once the document is signed digitally
    (an aware datetime is shown in Vietnam time, a naive one as given).
    """
    full_name: str
    position: str
    title: str = "Bí thư"
    signed_at: datetime | None = None
