"""Locale choice (Vietnamese first, English second) and the display filters for dates and durations.

Times are stored in UTC and shown in Asia/Ho_Chi_Minh as dd/mm/yyyy (STYLE.md, section 8).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import request, session
from flask_babel import gettext as _

LOCALES = ("vi", "en")
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def select_locale() -> str:
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "vi"


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(TIMEZONE) if moment is not None else None


def format_datetime(moment: datetime | str | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam; also an ISO moment kept in a case's data ("2026-11-20T17:00:00Z", UTC)."""
    if isinstance(moment, str):
        try:
            parsed = datetime.fromisoformat(moment)
        except ValueError:
            return moment
        moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return local(moment).strftime("%d/%m/%Y %H:%M") if moment is not None else ""


def format_date(moment) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return local(moment).strftime("%d/%m/%Y")
    if isinstance(moment, str) and len(moment) == 10 and moment[4] == "-" and moment[7] == "-":
        return f"{moment[8:10]}/{moment[5:7]}/{moment[0:4]}"
    return str(moment)


def format_duration(delta: timedelta | None) -> str:
    """A waiting time such as "2 ngày 3 giờ" (days and hours; minutes under an hour)."""
    if delta is None:
        return ""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(days)d d %(hours)d h", days=days, hours=hours)
    if hours:
        return _("%(hours)d h", hours=hours)
    return _("%(minutes)d min", minutes=rest // 60)


def locale_from_request() -> str:
    return request.accept_languages.best_match(LOCALES) or "vi"
