"""Reading the lane convention (docs/lanes.md)."""

import pytest

from engine.conventions import Assignment, parse_assignment


@pytest.mark.parametrize("kwargs,expected", [
    ({"role": "cell_secretary"}, Assignment(role="cell_secretary", scope="case")),
    ({"role": "standing_board", "scope": "parent"}, Assignment(role="standing_board", scope="parent")),
    ({"role": "organisation_board@level:province"}, Assignment(role="organisation_board", scope="level:province")),
    ({"role": "cipher_office@unit:HY"}, Assignment(role="cipher_office", scope="unit:HY")),
    ({"assignee": "data:initiator"}, Assignment(data_field="initiator")),
    ({"assignee": "${applicant}"}, Assignment(data_field="applicant")),     # Camunda / Flowable style
    ({"assignee": "#{applicant}"}, Assignment(data_field="applicant")),
])
def test_assignments(kwargs, expected):
    assert parse_assignment(**kwargs) == expected


@pytest.mark.parametrize("kwargs", [{"role": "Bí thư"}, {"role": "x", "scope": "district"},
                                    {"role": "x", "scope": "level:district"}, {"assignee": "applicant"}, {}])
def test_bad_assignments_name_the_bad_part(kwargs):
    with pytest.raises(ValueError):
        parse_assignment(**kwargs)
