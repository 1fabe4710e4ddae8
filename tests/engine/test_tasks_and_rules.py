"""Who may do what: the inbox shows only entitled tasks; wrong data, wrong person or a finished task
are refused with a clear error and change nothing."""

import pytest
from sqlalchemy import select

from engine.errors import InvalidFormData, NotAllowed, NotFound, TaskAlreadyCompleted, TaskClaimedByOther
from engine.models import Case, CaseEvent
from engine.services import cases, catalogue, tasks
from tests.people import CELL, OTHER_CELL
from tests.procedures import P1_START, run_p1, step_data


@pytest.fixture
def case(people):
    return people.applicant.opens("admission", unit=CELL, data=P1_START)


def test_the_first_step_goes_to_the_applicant_only(people, case):
    assert [t.element for t in people.applicant.inbox()] == ["submit_application"]
    assert people.cell_secretary.inbox() == []
    assert people.introducer1.inbox() == []


def test_review_goes_to_the_secretary_of_the_cases_own_cell_and_not_to_another_cells(people, case):
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    assert [t.element for t in people.cell_secretary.inbox()] == ["review_application"]
    assert people.other_cell_secretary.inbox() == []
    assert people.other_commune_secretary.inbox() == []


def test_each_introducer_gets_their_own_introduction(people, case):
    run_p1(people, case, until="introduce")
    mine = people.introducer1.inbox()
    theirs = people.introducer2.inbox()
    assert [t.element for t in mine] == [t.element for t in theirs] == ["introduce"]
    assert mine[0].id != theirs[0].id
    assert mine[0].candidate == "tranthibinh"


def test_verification_goes_to_the_party_building_board_of_the_superior_commune(people, case):
    run_p1(people, case, until="verify_biography")
    task = people.party_building_board.task("verify_biography", case)
    assert (task.role, task.unit) == ("party_building_board", "HY-TANTIEN")


def test_wrong_form_data_names_every_wrong_field_and_changes_nothing(people, case, uow):
    run_p1(people, case, until="cell_vote")
    before = _journal(uow, case)
    with pytest.raises(InvalidFormData) as refused:
        people.cell_secretary.completes("cell_vote", case, {"cell_meeting_date": "20/11/2026", "cell_full_members": 0,
                                                            "cell_in_favour": "mười", "unexpected": 1})
    wrong = {e.field: e.code for e in refused.value.errors}
    assert wrong == {"cell_meeting_date": "format", "cell_full_members": "minimum", "cell_in_favour": "type",
                     "cell_present": "required", "cell_vote_method": "required", "unexpected": "additionalProperties"}
    titles = {e.field: e.title for e in refused.value.errors}
    assert titles["cell_full_members"] == "Tổng số đảng viên chính thức của chi bộ"
    assert _journal(uow, case) == before
    assert people.cell_secretary.task("cell_vote", case)


def test_a_vote_cannot_count_more_in_favour_than_present_nor_more_present_than_members(people, case, uow):
    from webapp import messages
    run_p1(people, case, until="cell_vote")
    before = _journal(uow, case)
    with pytest.raises(InvalidFormData) as refused:
        people.cell_secretary.completes("cell_vote", case, {**step_data("cell_vote"), "cell_full_members": 3,
                                                            "cell_present": 14, "cell_in_favour": 20})
    assert {e.field: e.code for e in refused.value.errors} == {"cell_present": "x-not-more-than",
                                                               "cell_in_favour": "x-not-more-than"}
    assert [messages.field_message(e) for e in refused.value.errors] == [
        "«Số đảng viên chính thức tán thành» không được lớn hơn «Số đảng viên chính thức có mặt».",
        "«Số đảng viên chính thức có mặt» không được lớn hơn «Tổng số đảng viên chính thức của chi bộ»."]
    assert _journal(uow, case) == before
    people.cell_secretary.completes("cell_vote", case, {**step_data("cell_vote"), "cell_full_members": 14,
                                                        "cell_present": 14, "cell_in_favour": 14})


def test_a_clerk_cannot_complete_a_task_of_another_role(people, case):
    task = people.applicant.task("submit_application", case)
    with pytest.raises(NotAllowed):
        tasks.complete_task(people.uow, task_id=task.id, actor=people.cell_secretary.actor,
                            data=step_data("submit_application"))


def test_a_secretary_of_another_cell_cannot_complete_or_even_see_the_task(people, case):
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    task = people.cell_secretary.task("review_application", case)
    with pytest.raises(NotFound):        # a case they may not see: its task answers like one that does not exist
        tasks.complete_task(people.uow, task_id=task.id, actor=people.other_cell_secretary.actor,
                            data=step_data("review_application"))
    with pytest.raises(NotAllowed):      # the commune's standing board sees the case but the step is not theirs
        tasks.complete_task(people.uow, task_id=task.id, actor=people.standing_board.actor,
                            data=step_data("review_application"))
    with pytest.raises(NotFound):
        tasks.get_task(people.uow, task_id=task.id, actor=people.other_commune_secretary.actor)
    with pytest.raises(NotFound):
        people.other_commune_secretary.sees(case)


def test_a_finished_task_cannot_be_completed_again(people, case):
    task = people.applicant.task("submit_application", case)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    with pytest.raises(TaskAlreadyCompleted):
        tasks.complete_task(people.uow, task_id=task.id, actor=people.applicant.actor,
                            data=step_data("submit_application"))


def test_a_claimed_task_can_only_be_completed_by_who_claimed_it(people, case, uow):
    run_p1(people, case, until="verify_biography")
    colleague = _second_board_member(uow)
    people.party_building_board.claims("verify_biography", case)
    task = colleague.task("verify_biography", case)
    assert task.assignee == "hoangvanem" and not task.can_complete
    with pytest.raises(TaskClaimedByOther):
        tasks.complete_task(uow, task_id=task.id, actor=colleague.actor, data=step_data("verify_biography"))
    tasks.release_task(uow, task_id=task.id, actor=people.party_building_board.actor)
    colleague.completes("verify_biography", case, step_data("verify_biography"))


def test_a_task_is_delegated_only_to_a_colleague_holding_the_role(people, case, uow):
    run_p1(people, case, until="verify_biography")
    colleague = _second_board_member(uow)
    task = people.party_building_board.task("verify_biography", case)
    from engine.errors import InvalidInput
    with pytest.raises(InvalidInput):
        tasks.delegate_task(uow, task_id=task.id, actor=people.party_building_board.actor, to_username="tranthibinh")
    delegated = tasks.delegate_task(uow, task_id=task.id, actor=people.party_building_board.actor,
                                    to_username=colleague.username)
    assert delegated.assignee == colleague.username
    assert [t.element for t in colleague.inbox(view="claimed")] == ["verify_biography"]


def test_the_colleague_a_task_is_handed_to_is_told_who_handed_it(people, case, uow):
    from engine.services import notifications
    from webapp import messages
    run_p1(people, case, until="verify_biography")
    colleague = _second_board_member(uow)
    task = people.party_building_board.task("verify_biography", case)
    tasks.delegate_task(uow, task_id=task.id, actor=people.party_building_board.actor, to_username=colleague.username)
    [told] = [n for n in notifications.list_notifications(uow, actor=colleague.actor) if n.kind == "task.delegated"]
    assert (told.case, told.task_id) == (case, task.id)
    assert messages.render(messages.NOTIFICATION_VI[told.kind], told.params) == (
        f"Hoàng Văn Em chuyển cho bạn nhiệm vụ «{task.title}» — hồ sơ {case}")
    mine = notifications.list_notifications(uow, actor=people.party_building_board.actor)
    assert "task.delegated" not in {n.kind for n in mine}


def test_classified_cases_are_hidden_from_users_without_clearance(people, uow):
    case = people.cell_secretary.opens("admission", unit=CELL, data=P1_START, classification=0)
    secret = people.standing_board.opens("admission", unit=CELL, data=P1_START, classification=2)
    assert people.cell_secretary.sees(case)
    with pytest.raises(NotFound):
        people.cell_secretary.sees(secret)
    assert [c.number for c in cases.list_cases(uow, actor=people.cell_secretary.actor)] == [case]
    with pytest.raises(NotAllowed):
        people.cell_secretary.opens("admission", unit=CELL, data=P1_START, classification=3)


def test_an_admission_cannot_be_opened_where_no_cell_secretary_would_review_it(people, uow):
    from engine.errors import InvalidInput
    from webapp import messages
    for unit in ("TW", "HY-TANTIEN"):          # the central committee, the commune: no cell secretary there
        with pytest.raises(InvalidInput) as refused:
            people.applicant.opens("admission", unit=unit, data=P1_START)
        assert refused.value.code == "case.unit_cannot_process"
        assert "không có ai giữ vai trò «Bí thư chi bộ»" in messages.message(refused.value)
    assert cases.list_cases(uow, actor=people.admin.actor) == []
    units = [u.code for u in catalogue.start_units(uow, "admission")]
    assert CELL in units and OTHER_CELL in units and "TW" not in units and "HY-TANTIEN" not in units


def test_opening_a_case_in_an_unknown_unit_is_refused(people):
    with pytest.raises(NotFound):
        people.applicant.opens("admission", unit="NO-SUCH-UNIT", data=P1_START)
    assert people.applicant.inbox() == []


def test_introducers_are_real_party_members_of_the_applicants_cell_and_not_the_applicant(people, uow):
    from webapp import messages
    wrong = {"ghost": "«Đảng viên giới thiệu»: không có người dùng «ghost».",
             "nguyenvanan": "«Đảng viên giới thiệu»: không được chọn chính mình.",
             "ngothikhanh": "«Đảng viên giới thiệu»: «ngothikhanh» không phải Đảng viên của Chi bộ thôn Đông."}
    for username, message in wrong.items():
        with pytest.raises(InvalidFormData) as refused:
            people.applicant.opens("admission", unit=CELL, data={**P1_START, "introducers": [username, "levancuong"]})
        assert [messages.field_message(e) for e in refused.value.errors] == [message]
    assert cases.list_cases(uow, actor=people.admin.actor) == []


def _journal(uow, number):
    with uow.reader() as reader:
        case_id = reader.session.scalar(select(Case.id).where(Case.number == number))
        return reader.session.scalars(select(CaseEvent.hash).where(CaseEvent.case_id == case_id)
                                      .order_by(CaseEvent.seq)).all()


def _second_board_member(uow):
    from engine.services import organisation
    from tests.people import Person
    with uow:
        organisation.create_user(uow, username="tranvankhoa", full_name="Trần Văn Khoa", password=None, clearance=1)
        organisation.assign_role(uow, username="tranvankhoa", role="party_building_board", unit_code="HY-TANTIEN")
        uow.commit()
    return Person(uow, "tranvankhoa")
