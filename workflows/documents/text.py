"""How party documents write dates, numbers and names.

Dates follow the format of 36-HD/VPTW (and Nghị định 30/2020/NĐ-CP, Phụ lục I, for state documents): a day
below 10 and the months 1 and 2 take a leading zero, so that no digit can be added in front afterwards
("ngày 03 tháng 4 năm 2018" heads 36-HD/VPTW itself). Case data stores dates as ISO strings (JSON Schema
``format: date``); templates get them through ``as_date``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")   # UTC+7 since 1975, no daylight saving: no tz database needed


def as_date(value: date | str | None) -> date | None:
    """A ``date`` from a case-data value (ISO ``yyyy-mm-dd`` string, ``date`` or ``None``)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _day(d: date) -> str:
    return f"{d.day:02d}"


def _month(d: date) -> str:
    return f"{d.month:02d}" if d.month < 3 else str(d.month)


def date_in_words(d: date) -> str:
    """``ngày 25 tháng 11 năm 2026``; ``ngày 05 tháng 02 năm 2026`` (leading zeros as in 36-HD/VPTW)."""
    return f"ngày {_day(d)} tháng {_month(d)} năm {d.year}"


def blank_date_in_words(year: int | None = None) -> str:
    """The date line of a document not yet dated, left for the office to fill in when it numbers it."""
    return f"ngày     tháng     năm {year if year else '20   '}"


def short_date(d: date) -> str:
    """``dd/mm/yyyy`` as in body text and the digital-signature line."""
    return d.strftime("%d/%m/%Y")


def local_time(moment: datetime) -> datetime:
    """``moment`` in Vietnam time; a naive datetime is taken to be Vietnam time already."""
    return moment if moment.tzinfo is None else moment.astimezone(VIETNAM_TIME)


def signing_time(moment: datetime) -> str:
    """``25/11/2026 09:15`` in Vietnam time."""
    return local_time(moment).strftime("%d/%m/%Y %H:%M")


def percent(part: int, whole: int) -> str:
    """``88,89%``: at most two decimals, decimal comma as Vietnamese writes it."""
    if whole <= 0:
        return "0%"
    text = f"{part * 100 / whole:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def upper(text: str) -> str:
    """Vietnamese capitals for organ names and titles (``str.upper`` keeps the diacritics: Đảng ủy → ĐẢNG ỦY)."""
    return text.upper()


def sentence(text: str) -> str:
    """Free text typed in a form, trimmed and closed with a full stop if it has no final punctuation."""
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?…" else text + "."
