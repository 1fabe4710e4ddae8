"""Scripts in a diagram cannot escape: every attempt fails with a clear error and changes nothing.

Attacks that can be seen in the source are refused when the file is validated or deployed (with the
element id and line) and again by the script engine at run time; attacks that only show at run time
(resource exhaustion driven by form data) put the case in error and leave its state untouched.
"""

import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import scripting
from engine.errors import DefinitionInvalid, ScriptError, ScriptLimitExceeded
from engine.models import Case, CaseEvent, Task
from engine.services import definitions, steps
from tests.bpmn_builder import script_process, write_bundle

STATIC_ATTACKS = [
    "import os",
    "from os import system",
    "__import__('os').system('id')",
    "x = open('/tmp/quytrinh-pwned', 'w')",
    "x = eval('1 + 1')",
    "exec('x = 1')",
    "x = compile('1', 'x', 'eval')",
    "x = ().__class__.__bases__[0].__subclasses__()",
    "x = [].__class__.__mro__",
    "x = getattr(1, '__class__')",
    "x = type(1)",
    "x = globals()",
    "x = locals()",
    "x = vars()",
    "x = dir()",
    "f = lambda: 1",
    "def f():\n    return 1",
    "class C:\n    pass",
    "with open('/etc/passwd') as f:\n    x = 1",
    "try:\n    x = 1\nexcept Exception:\n    x = 2",
    "raise SystemExit(1)",
    "global x",
    "x = (lambda: 0).__code__",
    "x = '{0.__class__}'.format(1)",
    "x = 'a'.__class__",
    "x = __builtins__",
    "x = [c for c in ().__class__.__base__.__subclasses__()]",
    "x = (i for i in []).gi_frame",
    "x = __loader__",
    "assert False",
    "x = breakpoint()",
    "x = input()",
    "print('leak')",
    "x = setattr(note, 'a', 1)",
    "x = ''.join.__self__",
    "x = note.__dict__",
    "x = (" * 120 + ")" * 120,
]

# (script, opening-step data): one call would build far more than 100,000 items (here 10 to 100
# million, in memory or as an error message) before the limit on its result could look at it; each is
# refused with the length limit before it runs.
AMPLIFICATIONS = [
    ('x = text.replace("", text)', {"text": "x" * 10_000}),
    ("x = text.replace('x', text)", {"text": "x" * 10_000}),
    ("x = text.join(text)", {"text": "x" * 10_000}),
    ("rows = [text] * 10000\nx = ''.join(rows)", {"text": "x" * 10_000}),
    ("rows = [text] * 10000\nx = str(rows)", {"text": "x" * 10_000}),
    ("rows = [text] * 10000\nx = f'{rows}'", {"text": "x" * 10_000}),
    ("x = f'" + "{text}" * 400 + "'", {"text": "x" * 99_999}),
    ("x = '%*s' % (n, text)", {"n": 10 ** 8, "text": "x"}),
    ("x = text % n", {"text": "%100000000d", "n": 1}),
    ("rows = [text] * 10000\nx = '%s' % (rows,)", {"text": "x" * 10_000}),
    ("rows = [[0] * n] * n\nx = sum(rows, [])", {"n": 1200}),
    ("key = (text,) * 10000\nx = [0].index(key)", {"text": "x" * 10_000}),
]
# Small in memory, since a list holds references, but 30 and 60 million characters as stored data.
SWOLLEN_DATA = [
    ("rows = [text] * 1000", {"text": "x" * 30_000}),
    ("row = [0] * 100000\nrows = [row] * n", {"n": 200}),
]
PEAK_BYTES = 16 * 2 ** 20   # a few times the longest string a script may hold

# (script, opening-step data): pass every static check, refused while running.
DYNAMIC_ATTACKS = [
    ("x = 'a' * n", {"n": 10 ** 9}),
    ("i = 0\nwhile i < n:\n    i += 1", {"n": 10 ** 12}),
    ("x = [0] * n", {"n": 10 ** 9}),
    ("x = 10 ** n", {"n": 10 ** 6}),
    ("x = range(n)", {"n": 10 ** 9}),
    ("x = list(range(n))", {"n": 10 ** 9}),
    ("x = text * n", {"text": "xyz", "n": 10 ** 8}),
    ("x = [text for i in range(10000)]", {"text": "x" * 60_000}),
    ("x = f'{n:>999999999}'", {"n": 1}),
    ("x = n << n", {"n": 10 ** 6}),
    ("x = [[0] * 1000 for i in range(n)]", {"n": 10 ** 4}),
    ("x = {i: text for i in range(n)}", {"n": 10 ** 5, "text": "a"}),
    *AMPLIFICATIONS,
    *SWOLLEN_DATA,
]


def test_the_attack_suite_has_at_least_thirty_attempts():
    assert len(STATIC_ATTACKS) + len(DYNAMIC_ATTACKS) >= 30


@pytest.mark.parametrize("attack", STATIC_ATTACKS)
def test_a_script_attack_is_refused_at_deploy_with_its_element_and_line(attack, uow, tmp_path):
    path = write_bundle(tmp_path / "attack", "attack.bpmn", script_process("attack", attack))
    before = definitions.list_definitions(uow)
    with pytest.raises(DefinitionInvalid) as refused:
        definitions.deploy_file(uow, path)
    problem = refused.value.problems[0]
    assert (problem.element, problem.code.split(".")[0]) == ("run", "script")
    assert problem.line > 0
    assert definitions.list_definitions(uow) == before
    assert not Path("/tmp/quytrinh-pwned").exists()


@pytest.mark.parametrize("attack", STATIC_ATTACKS)
def test_the_script_engine_refuses_the_attack_again_at_run_time(attack):
    with pytest.raises(ScriptError):
        scripting.execute(attack, {"note": "x"})


@pytest.mark.parametrize("attack,data", DYNAMIC_ATTACKS, ids=[a[:80] for a, _ in DYNAMIC_ATTACKS])
def test_a_runaway_script_puts_the_case_in_error_and_changes_nothing(attack, data, people, uow, tmp_path):
    definitions.deploy_file(uow, write_bundle(tmp_path / "dyn", "dyn.bpmn", script_process("dyn", attack)))
    case = people.cell_secretary.opens("dyn")
    before = _snapshot(uow, case)
    with pytest.raises(steps.CaseFailed) as failed:
        people.cell_secretary.completes("enter", case, {k: v for k, v in data.items()
                                                        if k in ("note", "n", "text")})
    assert failed.value.params["element"] == "run"
    assert failed.value.params["reason"] in ("script.limit", "script.not_allowed")
    after = _snapshot(uow, case)
    assert after["state"] == before["state"] and after["data"] == before["data"]
    assert after["tasks"] == before["tasks"]
    assert after["status"] == "error" and after["events"] == before["events"] + ["case.failed"]


@pytest.mark.parametrize("attack,data", AMPLIFICATIONS, ids=[a[:80] for a, _ in AMPLIFICATIONS])
def test_an_amplification_is_refused_before_it_allocates(attack, data):
    refused, peak = _run_traced(attack, data)
    assert isinstance(refused, ScriptLimitExceeded) and refused.params["limit"] == "length"
    assert peak < PEAK_BYTES


@pytest.mark.parametrize("attack,data", SWOLLEN_DATA, ids=[a for a, _ in SWOLLEN_DATA])
def test_data_too_large_as_text_is_not_written_back(attack, data):
    refused, peak = _run_traced(attack, data)
    assert isinstance(refused, ScriptLimitExceeded) and refused.params["limit"] == "memory"
    assert peak < PEAK_BYTES


def test_an_error_message_does_not_spell_out_a_huge_key():
    refused, peak = _run_traced("key = (text,) * 10000\nx = {}[key]", {"text": "x" * 10_000})
    assert (refused.code, refused.params["error"]) == ("script.failed", "KeyError")
    assert len(refused.params["detail"]) <= 200 and peak < PEAK_BYTES


def _run_traced(script, data):
    """Run a script that must fail; return its error and the most memory it held at once."""
    tracemalloc.start()
    try:
        with pytest.raises(ScriptError) as refused:
            scripting.execute(script, data)
        return refused.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _snapshot(uow, number):
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().one()
        tasks = reader.session.execute(select(Task.id, Task.state, Task.assignee_id)
                                       .where(Task.case_id == case.id).order_by(Task.id)).all()
        events = reader.session.scalars(select(CaseEvent.type).where(CaseEvent.case_id == case.id)
                                        .order_by(CaseEvent.seq)).all()
        return {"state": case.state, "data": case.data, "status": case.status, "tasks": [tuple(t) for t in tasks],
                "events": list(events)}
