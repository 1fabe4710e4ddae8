"""The restricted language: what designers may write in conditions and scripts works as in Python."""

import pytest

from engine import scripting
from engine.errors import ScriptError, ScriptLimitExceeded, ScriptNotAllowed


@pytest.mark.parametrize("expression,data,expected", [
    ("in_favour * 3 >= total * 2", {"in_favour": 10, "total": 15}, True),
    ("in_favour * 3 >= total * 2", {"in_favour": 9, "total": 15}, False),
    ("decision == 'return'", {"decision": "return"}, True),
    ("len(items) == 2 and all(x > 0 for x in items)", {"items": [1, 2]}, True),
    ("{'a': 1}.get('b', 3)", {}, 3),
    ("name.strip().lower()", {"name": "  Hà Nội "}, "hà nội"),
    ("days_between('2026-01-01', '2026-03-01')", {}, 59),
    ("age_in_years(born, '2026-11-26')", {"born": "2008-11-27"}, 17),
    ("'P30D'", {}, "P30D"),
    ("P30D", {}, "P30D"),                      # ISO literals need no quotes
    ("2026-01-01T08:00:00Z", {}, "2026-01-01T08:00:00Z"),
    ("f'{n:.1f}%'", {"n": 66.666}, "66.7%"),
])
def test_expressions(expression, data, expected):
    assert scripting.evaluate(expression, data) == expected


def test_expressions_cannot_change_task_data():
    data = {"items": [1]}
    with pytest.raises(ScriptNotAllowed):
        scripting.evaluate("items.append(2)", data)
    assert data == {"items": [1]}


def test_a_script_runs_on_a_copy_and_returns_the_new_data():
    data = {"votes": [3, 4, 5], "nested": {"k": [1]}}
    result = scripting.execute("total = 0\nfor v in votes:\n    if v < 4:\n        continue\n    total += v\n"
                               "nested['k'].append(2)\nok = total >= 9", data)
    assert result == {"votes": [3, 4, 5], "nested": {"k": [1, 2]}, "total": 9, "ok": True, "v": 5}
    assert data == {"votes": [3, 4, 5], "nested": {"k": [1]}}      # the original is untouched


def test_a_failed_script_leaves_the_data_untouched():
    data = {"n": 0}
    with pytest.raises(ScriptError) as failed:
        scripting.execute("a = 1\nb = 10 / n", data)
    assert failed.value.params["error"] == "ZeroDivisionError"
    assert data == {"n": 0}


def test_registered_functions_are_available_and_others_are_not():
    assert scripting.execute("x = double(4)", {}, functions={"double": lambda v: v * 2}) == {"x": 8}
    with pytest.raises(ScriptNotAllowed):
        scripting.execute("x = double(4)", {})


def test_an_undefined_name_is_reported_by_name():
    with pytest.raises(ScriptError) as failed:
        scripting.evaluate("missing > 1", {})
    assert (failed.value.code, failed.value.params["name"]) == ("script.name_undefined", "missing")


def test_a_slow_loop_stops_at_the_time_budget():
    with pytest.raises(ScriptLimitExceeded) as stopped:
        scripting.execute("i = 0\nwhile True:\n    i = i + 1", {}, timeout_ms=50)
    assert stopped.value.params["limit"] in ("time", "steps")
