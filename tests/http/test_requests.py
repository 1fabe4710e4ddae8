"""The applicant's side of a request: how it ended, why it came back, where a finished step leads him."""

from tests.http.helpers import as_form
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data

REJECTED = {"review_decision": "reject", "review_comment": "Chưa đủ thời gian được công nhận là quần chúng ưu tú."}
RETURNED = {"review_decision": "return", "review_comment": "Lý lịch thiếu phần quá trình công tác từ 2022."}


def submitted(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    return case


def rejected_and_admitted(people):
    rejected = submitted(people)
    people.cell_secretary.completes("review_application", rejected, REJECTED)
    admitted = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, admitted)
    return rejected, admitted


def test_the_applicant_whose_admission_was_rejected_sees_it_was_rejected(login, people):
    rejected, _admitted = rejected_and_admitted(people)
    applicant = login("applicant")
    page = applicant.get(f"/requests/{rejected}").get_data(as_text=True)
    assert "Đã hoàn thành — Không tiếp nhận hồ sơ" in page and ": Không tiếp nhận hồ sơ." in page
    assert "Đã kết nạp" not in page
    listing = applicant.get("/requests").get_data(as_text=True)
    assert "Đã hoàn thành — Không tiếp nhận hồ sơ" in listing
    assert "Đã hoàn thành — Đã kết nạp (đảng viên dự bị)" in listing
    clerk_page = login("cell_secretary").get(f"/cases/{rejected}").get_data(as_text=True)   # the clerk sees it too
    assert "Đã hoàn thành — Không tiếp nhận hồ sơ" in clerk_page


def test_the_applicant_is_notified_that_his_request_ended_and_how(login, people):
    case = submitted(people)
    people.cell_secretary.completes("review_application", case, REJECTED)
    page = login("applicant").get("/notifications").get_data(as_text=True)
    assert f"Hồ sơ {case} (" in page and "đã kết thúc: Không tiếp nhận hồ sơ" in page
    assert "đã kết thúc" not in login("cell_secretary").get("/notifications").get_data(as_text=True)


def test_on_an_ended_request_the_steps_never_reached_are_not_shown_as_still_to_come(login, people):
    rejected, admitted = rejected_and_admitted(people)
    applicant = login("applicant")
    for case in (rejected, admitted):
        page = applicant.get(f"/requests/{case}").get_data(as_text=True)
        assert "Chưa đến" not in page and "Không thực hiện" in page
    page = applicant.get(f"/requests/{admitted}").get_data(as_text=True)
    assert "Không thực hiện</span> Đôn đốc chi bộ tổ chức lễ kết nạp" in page


def test_the_applicant_sees_why_his_dossier_was_returned_above_the_form_to_resubmit(login, people):
    case = submitted(people)
    people.cell_secretary.completes("review_application", case, RETURNED)
    task = people.applicant.task("submit_application", case)
    applicant = login("applicant")
    page = applicant.get(f"/tasks/{task.id}").get_data(as_text=True)
    reason = page.index(RETURNED["review_comment"])
    assert "Hồ sơ đã được trả về bước “Nộp đơn xin vào Đảng và lý lịch” để bổ sung" in page
    assert reason < page.index('class="task-form"')
    assert "Phạm Thị Dung trả lại ở bước «Xem xét đơn và lý lịch»" in page and "(Trả lại để bổ sung)" in page
    request_page = applicant.get(f"/requests/{case}").get_data(as_text=True)
    assert "Hồ sơ đã được trả về bước “Nộp đơn xin vào Đảng và lý lịch” để bổ sung" in request_page
    assert RETURNED["review_comment"] in request_page
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    assert "Hồ sơ đã được trả về" not in applicant.get(f"/requests/{case}").get_data(as_text=True)


def test_after_his_own_step_the_applicant_lands_on_his_request_and_the_clerk_on_the_inbox(login, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    task = people.applicant.task("submit_application", case)
    done = login("applicant").post(f"/tasks/{task.id}/complete", data=as_form(step_data("submit_application")))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/requests/{case}")
    review = people.cell_secretary.task("review_application", case)
    done = login("cell_secretary").post(f"/tasks/{review.id}/complete", data=as_form(step_data("review_application")))
    assert done.status_code == 302 and done.headers["Location"].endswith("/inbox")


def test_a_finished_step_keeps_the_time_it_waited(login, people, clock):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    task = people.applicant.task("submit_application", case)
    clock.advance(hours=2)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    clock.advance(days=3)
    page = login("applicant").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "<dd>2 giờ</dd>" in page and "ngày" not in page.split("Thời gian chờ")[1][:40]


def test_the_probationary_member_sees_the_end_of_her_probation_as_a_vietnamese_date_and_time(login, people):
    case = people("maithithu").opens("full_membership", unit=CELL, data={
        "full_name": "Mai Thị Thu", "birth_date": "1998-07-15", "admission_decision_number": "98-QĐ/ĐU",
        "admission_decision_date": "2025-11-03", "admission_ceremony_date": "2025-11-20", "helper": "levancuong",
        "self_review": "Trong thời gian dự bị tôi luôn chấp hành nghiêm Điều lệ Đảng, hoàn thành tốt nhiệm vụ.",
        "commitment": True})
    for page in (login("maithithu").get(f"/requests/{case}"), login("cell_secretary").get(f"/cases/{case}")):
        text = page.get_data(as_text=True)
        assert "2026-11-20T17:00:00Z" not in text            # the moment the 12 months end, kept in UTC
        assert "21/11/2026 00:00" in text                    # shown in Vietnam: midnight after 20/11/2026
