"""The lane scope ``data:FIELD``: a role in the unit named in the task's data (a transfer's receiving side)."""

import pytest

from engine.conventions import Assignment, parse_assignment


@pytest.mark.parametrize("kwargs", [
    {"role": "cell_secretary", "scope": "data:receiving_unit"},
    {"role": "cell_secretary@data:receiving_unit"},
])
def test_a_scope_may_name_a_data_field(kwargs):
    assignment = parse_assignment(**kwargs)
    assert assignment == Assignment(role="cell_secretary", scope="data:receiving_unit")
    assert assignment.unit_field == "receiving_unit" and assignment.describe() == "cell_secretary@data:receiving_unit"
    assert Assignment.from_dict(assignment.as_dict()).unit_field == "receiving_unit"


@pytest.mark.parametrize("scope", ["data:", "data:1unit", "data:receiving-unit", "data:a.b"])
def test_a_malformed_data_scope_is_refused(scope):
    with pytest.raises(ValueError):
        parse_assignment(role="cell_secretary", scope=scope)


def test_other_scopes_have_no_unit_field():
    assert parse_assignment(role="standing_board", scope="parent").unit_field is None
