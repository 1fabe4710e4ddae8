"""Retention periods of filed dossiers (thời hạn bảo quản): the process property ``retention``.

``P10Y`` keeps a dossier ten years counted from the 1st of January after its case closed (the usual way
archival terms are counted); ``permanent`` (or ``vĩnh viễn``) keeps it for ever. A procedure that says
nothing gets :data:`DEFAULT_RETENTION`. ``quytrinh validate`` refuses any other value (engine/lint.py).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

#: Ten years when a procedure says nothing [I]: the usual term for routine work dossiers; a procedure whose
#: dossiers must be kept longer (membership records) says ``retention = permanent`` in its file.
DEFAULT_RETENTION = "P10Y"
PERMANENT = "permanent"
_YEARS = re.compile(r"^P([1-9][0-9]{0,2})Y$")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def parse_retention(value: str | None) -> str | None:
    """``P10Y`` or ``permanent`` (``vĩnh viễn`` too); None when the value is not one of them."""
    text = (value or "").strip()
    if text.lower() in (PERMANENT, "vĩnh viễn", "vinh_vien", "vinh vien"):
        return PERMANENT
    return text.upper() if _YEARS.match(text.upper()) else None


def retain_until(retention: str, ended_at: datetime) -> datetime | None:
    """The end of the retention period (None: permanent)."""
    match = _YEARS.match(retention)
    if match is None:
        return None
    year = ended_at.astimezone(LOCAL).year + 1 + int(match.group(1))
    return datetime(year, 1, 1, tzinfo=LOCAL).astimezone(timezone.utc)
