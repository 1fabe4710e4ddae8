"""Party-fee amounts under Quy định 01-QĐ/TW (2026): a table of known amounts (workflows/fees.py)."""

import pytest

from workflows import fees


@pytest.mark.parametrize("category,base,region,reduction,expected", [
    ("social_insurance", 8_500_000, "I", 0, 85_000),        # 1% of the previous month's insured salary
    ("social_insurance", 5_307_000, "I", 0, 53_000),        # 53,070 rounded to the thousand
    ("social_insurance", 4_650_000, "I", 0, 47_000),        # 46,500: half rounds up
    ("social_insurance", 12_345_678, "I", 30, 86_000),      # 123,457 less 30% = 86,420
    ("social_insurance", 8_500_000, "I", 50, 43_000),       # 42,500 → 43,000
    ("social_insurance", 8_500_000, "I", 70, 26_000),       # 25,500 → 26,000
    ("social_insurance", 8_500_000, "I", 100, 0),           # exempt
    ("leave_benefit", 6_000_000, "I", 0, 60_000),           # 1% of the sickness / maternity benefit
    ("pension", 6_200_000, "I", 0, 31_000),                 # 0.5% of the pension
    ("pension", 9_999_000, "I", 0, 50_000),                 # 49,995 → 50,000
    ("student", 0, "I", 0, 5_000),                          # 5,000 VND a month, whatever the base
    ("student", 3_000_000, "IV", 0, 5_000),
    ("other", 0, "I", 0, 27_000),                           # 0.5% of 5,310,000 = 26,550 [I]
    ("other", 0, "II", 0, 24_000),                          # 23,650
    ("other", 0, "III", 0, 21_000),                         # 20,700
    ("other", 0, "IV", 0, 19_000),                          # 18,500
    ("pension", 100_000, "I", 0, 1_000),                    # a tiny base still owes the smallest amount
])
def test_monthly_fee(category, base, region, reduction, expected):
    assert fees.monthly_fee(category, base, region, reduction) == expected


def test_months_shares_and_seniority():
    assert fees.fee_for_months(85_000, 12) == 1_020_000
    assert fees.fee_split(170_000) == {"kept_by_base": 119_000, "remitted_to_province": 51_000}
    assert fees.exempt_by_seniority("1976-03-01", 2026) and not fees.exempt_by_seniority("1977-01-01", 2026)


def test_the_month_ends_at_midnight_in_vietnam():
    assert fees.month_end_at(2026, 11) == "2026-11-30T17:00:00Z"
    assert fees.month_end_at(2026, 12) == "2026-12-31T17:00:00Z"
    assert fees.month_end_at(2027, 2) == "2027-02-28T17:00:00Z"
    assert fees.month_end_at(2026, 13) == fees.month_end_at(2027, 1)


@pytest.mark.parametrize("args", [("soldier", 0, "I", 0), ("other", 0, "V", 0), ("pension", -1, "I", 0),
                                  ("pension", 1_000_000, "I", 40)])
def test_arguments_outside_the_rule_are_refused(args):
    with pytest.raises(fees.FeeError):
        fees.monthly_fee(*args)
