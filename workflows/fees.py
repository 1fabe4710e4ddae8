"""Party fees (đảng phí) under Quy định 01-QĐ/TW of the Politburo (03/02/2026, applied from 01/02/2026).

Pure functions: the same arguments give the same amount, no clock, no I/O, so diagrams may call them
(registered in workflows/functions.py) and replays recompute the same figures.

What the rule says (../shared/domain/procedures.md, P5, [V]/[S]):

* a member in compulsory social insurance pays 1% of the previous month's insured salary (1% of the
  sickness or maternity benefit while on that leave);
* a pensioner pays 0.5% of the pension;
* a pupil or student pays 5,000 VND a month;
* other members pay a percentage of the regional minimum wage: the percentages were not read [I];
* exempt: 50 years of party age or more, on a social pension, a poor or near-poor household, a listed
  serious illness; other hardship: exempt or reduced by 30, 50 or 70%, each grant at most 12 months [S];
* a member may pay more than the amount due.

Every value that was not read in the regulation itself is a constant below, named in bpmn/party_fee/README.md
as an assumption a user can change: the percentage for "other" members, the regional minimum wages, the rounding
and the shares kept by each level.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

# --- The rule (01-QĐ/TW) -------------------------------------------------------------------------------------

#: Income categories (``income_category`` in the forms) and the base each rate applies to.
CATEGORIES: dict[str, str] = {
    "social_insurance": "insured_salary",     # 1% of last month's salary for compulsory social insurance [V]
    "leave_benefit": "benefit",               # 1% of the sickness / maternity benefit while on leave [V]
    "pension": "pension",                     # 0.5% of the pension [V]
    "student": "none",                        # 5,000 VND a month [V]
    "other": "regional_minimum_wage",         # a percentage of the regional minimum wage [I]
}
RATES: dict[str, Decimal] = {
    "social_insurance": Decimal("0.01"),
    "leave_benefit": Decimal("0.01"),
    "pension": Decimal("0.005"),
}
STUDENT_MONTHLY_FEE = 5_000

# --- Assumptions [I] (bpmn/party_fee/README.md) ----------------------------------------------------------------

#: "Other" members (farmers, the self-employed, members without compulsory insurance in the country): the
#: percentage of the regional minimum wage was not read in 01-QĐ/TW. Assumed 0.5%. [I]
OTHER_RATE = Decimal("0.005")
#: Regional minimum monthly wages from 01/01/2026 (Nghị định 293/2025/NĐ-CP as remembered; to confirm). [I]
REGIONAL_MINIMUM_WAGE: dict[str, int] = {"I": 5_310_000, "II": 4_730_000, "III": 4_140_000, "IV": 3_700_000}
#: Amounts are rounded half up to the nearest 1,000 VND, as cells write them in the fee book. [I]
ROUNDING = 1_000
#: Reductions a cell may grant for hardship (percent of the amount due). [S]
REDUCTIONS = (0, 30, 50, 70)
#: Party age from which a member is exempt. [S]
EXEMPT_PARTY_AGE_YEARS = 50
#: Share of the collected fees the commune/ward (base) party organisation keeps; the rest goes to the province.
#: The shares of 01-QĐ/TW were not read. [I]
BASE_SHARE = Decimal("0.70")
#: Vietnam's time zone (UTC+7, no daylight saving).
VIETNAM = timezone(timedelta(hours=7))


class FeeError(ValueError):
    """Arguments outside the rule: unknown category or region, negative base, reduction not allowed."""


def _round(amount: Decimal) -> int:
    if amount <= 0:
        return 0
    units = (amount / ROUNDING).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    result = int(units) * ROUNDING
    return result if result > 0 else ROUNDING      # a small base still owes the smallest amount


def monthly_fee(income_category: str, base_amount: int | None = 0, region: str | None = "I",
                reduction_percent: int = 0) -> int:
    """The monthly party fee in VND for a member of ``income_category``.

    ``base_amount`` is the previous month's insured salary, the leave benefit or the pension (ignored for
    students and "other" members); ``region`` (I–IV) is used for "other" members; ``reduction_percent`` is
    a reduction the cell granted (0, 30, 50, 70), or 100 for an exemption.

    :raises FeeError: unknown category or region, negative base, reduction not in the rule.
    """
    if income_category not in CATEGORIES:
        raise FeeError(f"unknown income category {income_category!r}")
    if reduction_percent not in REDUCTIONS and reduction_percent != 100:
        raise FeeError(f"reduction {reduction_percent}% is not allowed")
    base = int(base_amount or 0)
    if base < 0:
        raise FeeError("negative base amount")
    if income_category == "student":
        amount = Decimal(STUDENT_MONTHLY_FEE)
    elif income_category == "other":
        if region not in REGIONAL_MINIMUM_WAGE:
            raise FeeError(f"unknown region {region!r}")
        amount = Decimal(REGIONAL_MINIMUM_WAGE[region]) * OTHER_RATE
    else:
        amount = Decimal(base) * RATES[income_category]
    if reduction_percent == 100:
        return 0
    amount = amount * (100 - reduction_percent) / 100
    return _round(amount)


def fee_for_months(monthly: int, months: int) -> int:
    """What ``months`` months cost at ``monthly`` VND a month."""
    if months < 0 or monthly < 0:
        raise FeeError("negative months or amount")
    return monthly * months


def exempt_by_seniority(admission_date: str | date, year: int) -> bool:
    """True when the member reaches 50 years of party age during ``year`` (party age counts from the
    admission decision's date). Exempt from that year on. [S]"""
    admitted = _as_date(admission_date)
    return year - admitted.year >= EXEMPT_PARTY_AGE_YEARS


def fee_split(amount: int) -> dict[str, int]:
    """How collected fees are shared: kept by the base (commune/ward) organisation, sent to the province. [I]"""
    if amount < 0:
        raise FeeError("negative amount")
    kept = int((Decimal(amount) * BASE_SHARE).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return {"kept_by_base": kept, "remitted_to_province": amount - kept}


def month_end_at(year: int, month: int) -> str:
    """The moment a month's fee falls due: the end of the month's last day in Vietnam, as a UTC ISO time
    (a timer's ``timeDate``). Month 13 is January of the next year."""
    year, month = (year + 1, 1) if month == 13 else (year, month)
    if not 1 <= month <= 12:
        raise FeeError(f"month {month} out of range")
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    moment = datetime.combine(first_of_next, time(0, 0), tzinfo=VIETNAM).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_date(value: str | date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
