"""The engine services the web app needs: notifications, login throttling, tokens, progress, colleagues."""

import io

import pytest

from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.services import attachments, cases, colleagues, logins, notifications, progress, search, tokens
from tests.conftest import DEMO_PASSWORD
from tests.people import CELL, OTHER_COMMUNE_CELL
from tests.procedures import P1_START, P1_START_ELSEWHERE, run_p1, step_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def kinds_for(people, who):
    return [(n.kind, n.params["title"]) for n in notifications.list_notifications(people.uow, actor=getattr(people, who).actor)]


def test_a_new_task_notifies_everyone_holding_the_role_and_the_named_user(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    assert kinds_for(people, "applicant") == [("task.assigned", "Nộp đơn xin vào Đảng và lý lịch")]
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    assert ("task.assigned", "Xem xét đơn và lý lịch") in kinds_for(people, "cell_secretary")
    assert kinds_for(people, "other_cell_secretary") == []


def test_a_returned_dossier_notifies_the_applicant_as_returned(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    people.cell_secretary.completes("review_application", case,
                                    {"review_decision": "return", "review_comment": "Bổ sung lý lịch."})
    assert kinds_for(people, "applicant")[0] == ("case.returned", "Nộp đơn xin vào Đảng và lý lịch")
    assert notifications.count_unread(people.uow, actor=people.applicant.actor) == 2


def test_approaching_deadlines_are_notified_once(people, clock):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    assert notifications.notify_due_soon(people.uow) == 0
    clock.advance(days=28)   # submit_application is due in 30 days
    assert notifications.notify_due_soon(people.uow) == 1
    assert notifications.notify_due_soon(people.uow) == 0
    assert kinds_for(people, "applicant")[0][0] == "task.due_soon"
    assert case


def test_notifications_above_clearance_are_hidden_and_marking_read_is_per_user(people):
    case = people.standing_board.opens("admission", unit=CELL, data=P1_START, classification=2)
    actor = people.standing_board.actor
    [item] = notifications.list_notifications(people.uow, actor=actor)
    assert item.case == case
    with pytest.raises(NotFound):
        notifications.mark_read(people.uow, actor=people.applicant.actor, notification_id=item.id)
    notifications.mark_read(people.uow, actor=actor, notification_id=item.id)
    assert notifications.count_unread(people.uow, actor=actor) == 0


def test_five_failed_logins_lock_the_username_for_the_lockout_window(uow, clock):
    for _ in range(5):
        with pytest.raises(NotAllowed) as failure:
            logins.login(uow, username="phamthidung", password="sai", address="10.0.0.1")
        assert failure.value.code == "auth.invalid_credentials"
    with pytest.raises(logins.LoginThrottled) as locked:
        logins.login(uow, username="phamthidung", password=DEMO_PASSWORD, address="10.0.0.2")
    assert 0 < locked.value.params["seconds"] <= 301
    clock.advance(seconds=301)
    assert logins.login(uow, username="phamthidung", password=DEMO_PASSWORD, address="10.0.0.2").username == "phamthidung"


def test_guessing_many_usernames_from_one_address_is_locked_too(uow):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        with pytest.raises(NotAllowed):
            logins.login(uow, username=name, password="x", address="10.9.9.9")
    with pytest.raises(logins.LoginThrottled):
        logins.login(uow, username="phamthidung", password=DEMO_PASSWORD, address="10.9.9.9")


def test_tokens_are_stored_hashed_and_can_be_revoked(people):
    actor = people.cell_secretary.actor
    view, secret = tokens.create_token(people.uow, actor=actor, name="báo cáo")
    assert tokens.actor_for_token(people.uow, secret).username == "phamthidung"
    assert secret not in repr(tokens.list_tokens(people.uow, actor=actor))
    with pytest.raises(NotFound):
        tokens.revoke_token(people.uow, actor=people.applicant.actor, token_id=view.id)
    tokens.revoke_token(people.uow, actor=actor, token_id=view.id)
    with pytest.raises(NotAllowed):
        tokens.actor_for_token(people.uow, secret)


def test_progress_marks_done_active_and_waiting_steps(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="introduce")
    state = progress.case_progress(people.uow, number=case, actor=people.applicant.actor)
    assert state.done[:3] == ("start", "submit_application", "review_application")
    assert set(state.active) == {"introduce"} and state.waiting == ()   # each introduction names one user
    assert sorted(s.user for s in state.open_steps) == ["levancuong", "tranthibinh"]
    people.introducer1.completes("introduce", case, step_data("introduce"))
    people.introducer2.completes("introduce", case, step_data("introduce"))
    state = progress.case_progress(people.uow, number=case, actor=people.applicant.actor)
    assert state.waiting == ("collect_comments",) and state.open_steps[0].role_name == "Bí thư chi bộ"
    assert state.has_diagram == progress.has_diagram(progress.case_diagram(people.uow, number=case,
                                                                           actor=people.applicant.actor))


def test_the_variables_a_procedure_computes_are_shown_with_their_vietnamese_titles(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    titles = progress.field_titles(people.uow, number=case, actor=people.applicant.actor)
    assert titles["cell_vote_ratio"].title == "Tỷ lệ đảng viên chính thức của chi bộ tán thành (%)"
    assert titles["full_name"].title != "full_name"          # the forms' own titles are still there


def test_colleagues_hold_the_same_role_in_the_same_unit(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="verify_biography")
    task = people.party_building_board.task("verify_biography", case)
    assert colleagues.colleagues_for_task(people.uow, task_id=task.id, actor=people.party_building_board.actor) == []
    with pytest.raises(NotFound):
        colleagues.colleagues_for_task(people.uow, task_id=task.id, actor=people.cell_secretary.actor)


def test_attachment_type_is_checked_by_content(people, settings):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    actor = people.applicant.actor
    view = attachments.add_attachment(people.uow, number=case, actor=actor, filename="../../don.pdf",
                                      stream=io.BytesIO(PDF))
    assert view.filename == "don.pdf" and view.kind == "pdf"
    assert attachments.open_attachment(people.uow, attachment_id=view.id, actor=actor)[1] == PDF
    for name, content in [("virus.pdf", b"MZ\x90\x00"), ("anh.png", PDF), ("a.exe", PDF)]:
        with pytest.raises(InvalidInput) as refused:
            attachments.add_attachment(people.uow, number=case, actor=actor, filename=name, stream=io.BytesIO(content))
        assert refused.value.code == "attachment.type_not_allowed"
    with pytest.raises(NotFound):
        attachments.open_attachment(people.uow, attachment_id=view.id, actor=people.other_cell_secretary.actor)
    assert [e.type for e in people.applicant.sees(case).events][-1] == "attachment.added"


def test_search_applies_clearance_and_unit_scope(people):
    mine = people.applicant.opens("admission", unit=CELL, data=P1_START)
    elsewhere = people.applicant.opens("admission", unit=OTHER_COMMUNE_CELL, data=P1_START_ELSEWHERE)
    secret = people.standing_board.opens("admission", unit=CELL, data=P1_START, classification=2)
    found = {c.number for c in search.search_cases(people.uow, actor=people.cell_secretary.actor, text="KN").items}
    assert found == {mine}
    assert {c.number for c in search.search_cases(people.uow, actor=people.standing_board.actor).items} == {mine, secret}
    assert search.search_cases(people.uow, actor=people.applicant.actor, mine=True).total == 2
    assert elsewhere


def test_the_applicant_is_notified_in_the_step_that_ends_his_request_naming_how_it_ended(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="admission_ceremony")
    assert [n for n in notifications.list_notifications(people.uow, actor=people.applicant.actor)
            if n.kind == "case.ended"] == []                                   # no step before the last told him
    people.cell_secretary.completes("admission_ceremony", case, step_data("admission_ceremony"))
    [ended] = [n for n in notifications.list_notifications(people.uow, actor=people.applicant.actor)
               if n.kind == "case.ended"]
    assert ended.case == case and ended.task_id is None and ended.params["status"] == "completed"
    assert ended.params["outcome"] == "Đã kết nạp (đảng viên dự bị)"
    assert "case.ended" not in [n.kind for n in notifications.list_notifications(
        people.uow, actor=people.cell_secretary.actor)]


def test_a_request_ends_on_its_main_end_event_even_when_a_reminder_finishes_after_it(people, uow, clock):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="admission_ceremony")
    clock.advance(days=45)
    cases.run_due_timers(uow)                                                  # the overdue ceremony: a reminder
    people.cell_secretary.completes("admission_ceremony", case, step_data("admission_ceremony"))
    people.committee_office.completes("remind_ceremony", case, {"reminder_note": "Đã đôn đốc chi bộ."})
    state = progress.case_progress(people.uow, number=case, actor=people.applicant.actor)
    assert state.status == "completed" and state.outcome == "Đã kết nạp (đảng viên dự bị)"
    assert {line.state for line in state.steps} == {"done"}


def test_a_rejected_request_names_its_end_and_the_steps_it_never_reached(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    people.cell_secretary.completes("review_application", case, {"review_decision": "reject",
                                                                  "review_comment": "Chưa đủ điều kiện."})
    state = progress.case_progress(people.uow, number=case, actor=people.applicant.actor)
    assert state.outcome == "Không tiếp nhận hồ sơ" and state.returns == ()
    assert [line.state for line in state.steps][:3] == ["done", "done", "skipped"]
    assert "pending" not in {line.state for line in state.steps}
    assert progress.outcomes_of_my_cases(people.uow, actor=people.applicant.actor, numbers=[case]) == \
        {case: "Không tiếp nhận hồ sơ"}
