"""A script that raises puts the case in error with a readable message, keeps the clerk's input, and
the case can be retried after a fix; nothing else moves while it is in error."""

import pytest

from engine.errors import CaseNotRunning, InvalidFormData, NotAllowed
from engine.services import cases, history
from engine.services.steps import CaseFailed
from tests.bpmn_builder import script_process, write_bundle
from webapp import messages


@pytest.fixture
def average(uow, tmp_path):
    from engine.services import definitions
    definitions.deploy_file(uow, write_bundle(tmp_path / "avg", "avg.bpmn",
                                              script_process("average", "average = 100 / n")))
    return "average"


def test_a_failing_script_puts_the_case_in_error_with_a_readable_message(people, uow, average):
    number = people.cell_secretary.opens(average)
    with pytest.raises(CaseFailed) as failed:
        people.cell_secretary.completes("enter", number, {"n": 0})
    text = messages.message(failed.value)
    # the Python error in Vietnamese, its name kept in parentheses at the end for the administrator
    assert "«Kịch bản»" in text and "Kịch bản bị lỗi: chia cho 0 (ZeroDivisionError: division by zero)." in text
    view = people.cell_secretary.sees(number)
    assert view.status == "error"
    assert view.error["action"]["data"] == {"n": 0}                 # the clerk's input is kept
    assert [e.type for e in view.events][-1] == "case.failed"
    with pytest.raises(CaseNotRunning):                              # nothing moves while in error
        people.cell_secretary.completes("enter", number, {"n": 4})


def test_an_administrator_retries_with_corrected_data_and_the_case_goes_on(people, uow, average):
    number = people.cell_secretary.opens(average)
    with pytest.raises(CaseFailed):
        people.cell_secretary.completes("enter", number, {"n": 0})
    with pytest.raises(NotAllowed):
        cases.retry_case(uow, number=number, actor=people.cell_secretary.actor, corrections={"n": 4})
    cases.retry_case(uow, number=number, actor=people.admin.actor, corrections={"n": 4})
    view = people.cell_secretary.sees(number)
    assert view.status == "running" and view.data["average"] == 25
    assert [t.element for t in view.open_tasks] == ["check"]
    assert [e.type for e in view.events][-3:] == ["case.failed", "case.retried", "task.completed"]
    assert history.verify_case(uow, number).ok


def test_a_retry_that_fails_again_leaves_the_case_in_error(people, uow, average):
    number = people.cell_secretary.opens(average)
    with pytest.raises(CaseFailed):
        people.cell_secretary.completes("enter", number, {"n": 0})
    with pytest.raises(CaseFailed):
        cases.retry_case(uow, number=number, actor=people.admin.actor)
    view = people.cell_secretary.sees(number)
    assert view.status == "error"
    assert [e.type for e in view.events][-2:] == ["case.failed", "case.failed"]   # no retry that did not happen


def test_a_retry_whose_corrections_do_not_fit_the_form_is_refused_and_changes_nothing(people, uow, average):
    number = people.cell_secretary.opens(average)
    with pytest.raises(CaseFailed):
        people.cell_secretary.completes("enter", number, {"n": 0})
    before = people.cell_secretary.sees(number)
    with pytest.raises(InvalidFormData) as refused:
        cases.retry_case(uow, number=number, actor=people.admin.actor, corrections={"n": "bốn"})
    assert [error.field for error in refused.value.errors] == ["n"]
    after = people.cell_secretary.sees(number)
    assert (after.status, after.error, len(after.events)) == ("error", before.error, len(before.events))
    assert history.verify_case(uow, number).ok


def test_a_case_is_cancelled_with_a_reason_and_its_tasks_withdrawn(people, uow, average):
    number = people.cell_secretary.opens(average)
    cases.cancel_case(uow, number=number, actor=people.cell_secretary.actor, reason="Mở nhầm hồ sơ")
    view = people.cell_secretary.sees(number)
    assert view.status == "cancelled" and view.open_tasks == ()
    assert people.cell_secretary.inbox() == []


def test_an_administrator_corrects_only_fields_of_the_forms_with_values_they_accept(people, uow, average):
    from engine.errors import InvalidInput
    number = people.cell_secretary.opens(average)
    with pytest.raises(CaseFailed):
        people.cell_secretary.completes("enter", number, {"n": 0})
    before = len(people.cell_secretary.sees(number).events)
    refusals = [({}, "case.no_changes"), ({"case_number": "HACK"}, "case.unknown_fields"),
                ({"invented": 1}, "case.unknown_fields"), ({"n": "bốn"}, "form.invalid")]
    for changes, code in refusals:
        with pytest.raises((InvalidInput, InvalidFormData)) as refused:
            cases.correct_data(uow, number=number, actor=people.admin.actor, changes=changes, reason="sửa lỗi")
        assert refused.value.code == code, changes
        assert messages.message(refused.value) != code
    assert len(people.cell_secretary.sees(number).events) == before               # nothing journaled
    cases.correct_data(uow, number=number, actor=people.admin.actor, changes={"n": 4}, reason="sửa lỗi")
    assert people.cell_secretary.sees(number).data["n"] == 4
