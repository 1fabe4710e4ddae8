"""The inbox and the task page: claim, release, delegate, validation, double submit, stale page, escaping."""

from engine.services import cases, organisation
from webapp.i18n import format_date
from tests.http.helpers import as_form, completions
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data


def open_at(people, element):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until=element)
    return case


def test_the_inbox_lists_the_clerks_tasks_with_case_step_unit_and_deadline(login, people):
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    page = login("cell_secretary").get("/inbox").get_data(as_text=True)
    assert case in page and task.title in page and "Chi bộ thôn Đông" in page
    assert "Nguyễn Văn An" in page and format_date(task.due_at) in page   # applicant by name; deadline as dd/mm/yyyy
    assert case not in login("other_cell_secretary").get("/inbox").get_data(as_text=True)


def test_the_inbox_and_the_task_page_name_the_applicant_and_the_introducer_not_their_usernames(login, people):
    case = open_at(people, "introduce")
    task = people.introducer1.task("introduce", case)
    inbox = login("introducer1").get("/inbox").get_data(as_text=True)
    assert "Nguyễn Văn An" in inbox and "Trần Thị Bình" in inbox
    assert "nguyenvanan" not in inbox and ">tranthibinh<" not in inbox
    page = login("introducer1").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Trần Thị Bình" in page and "tranthibinh" not in page
    login("introducer1").post(f"/tasks/{task.id}/claim")
    seen = login("cell_secretary").get(f"/tasks/{task.id}")          # taken by: the name
    assert seen.status_code == 200 and "Trần Thị Bình" in seen.get_data(as_text=True)
    assert "tranthibinh" not in seen.get_data(as_text=True)


def test_the_inbox_filters_and_pages_answer_htmx_with_a_fragment(login, people):
    open_at(people, "review_application")
    clerk = login("cell_secretary")
    fragment = clerk.get("/inbox?due=overdue", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and text.lstrip().startswith('<div id="inbox-table">')
    assert "Không có nhiệm vụ nào" in text
    assert clerk.get("/inbox?sort=nonsense").status_code == 422


def test_claim_release_and_the_claimed_view(login, people):
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    clerk = login("cell_secretary")
    assert clerk.post(f"/tasks/{task.id}/claim").status_code == 302
    assert case in clerk.get("/inbox?view=claimed").get_data(as_text=True)
    again = clerk.post(f"/tasks/{task.id}/claim")
    assert again.status_code == 422 and "Bạn đã nhận nhiệm vụ này rồi." in again.get_data(as_text=True)
    assert clerk.post(f"/tasks/{task.id}/release").status_code == 302
    assert case not in clerk.get("/inbox?view=claimed").get_data(as_text=True)


def test_someone_without_the_role_can_neither_claim_nor_complete(login, people):
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    outsider = login("other_cell_secretary")
    assert outsider.post(f"/tasks/{task.id}/claim").status_code in (403, 404)
    response = outsider.post(f"/tasks/{task.id}/complete", data=as_form(step_data("review_application")))
    assert response.status_code in (403, 404)
    assert completions(people, case, "review_application") == 0


def test_a_task_claimed_by_a_colleague_cannot_be_completed(login, people, uow):
    with uow:
        organisation.assign_role(uow, username="ngothikhanh", role="cell_secretary", unit_code=CELL)
        uow.commit()
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    login("cell_secretary").post(f"/tasks/{task.id}/claim")
    response = login("other_cell_secretary").post(f"/tasks/{task.id}/complete",
                                                  data=as_form(step_data("review_application")))
    assert response.status_code == 409
    assert "đã được người khác nhận xử lý" in response.get_data(as_text=True)


def test_delegating_to_a_colleague_holding_the_role(login, people, uow):
    with uow:
        organisation.assign_role(uow, username="ngothikhanh", role="cell_secretary", unit_code=CELL)
        uow.commit()
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    clerk = login("cell_secretary")
    page = clerk.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'value="ngothikhanh"' in page and 'value="tranthibinh"' not in page
    refused = clerk.post(f"/tasks/{task.id}/delegate", data={"to": "tranthibinh"})
    assert refused.status_code == 422 and "không giữ vai trò xử lý bước này" in refused.get_data(as_text=True)
    assert clerk.post(f"/tasks/{task.id}/delegate", data={"to": "ngothikhanh"}).status_code == 302
    assert case in login("other_cell_secretary").get("/inbox?view=claimed").get_data(as_text=True)


def test_the_task_page_renders_the_form_from_its_schema(login, people):
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    page = login("cell_secretary").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Bí thư chi bộ kiểm tra đơn" in page                          # instructions
    assert '<textarea name="review_comment"' in page                      # x-widget textarea
    assert 'type="checkbox" name="eligible_age"' in page                  # boolean
    for value, title in [("approve", "Đồng ý tiếp nhận"), ("return", "Trả lại để bổ sung"), ("reject", "Không tiếp nhận")]:
        assert f'name="review_decision" value="{value}"' in page and title in page   # x-decision buttons


def test_wrong_fields_are_shown_next_to_each_field_and_typed_values_are_kept(login, people):
    case = open_at(people, "cell_vote")
    task = people.cell_secretary.task("cell_vote", case)
    response = login("cell_secretary").post(f"/tasks/{task.id}/complete", data={
        "cell_meeting_date": "2026-11-20", "cell_full_members": "mười lăm", "cell_present": "0",
        "cell_in_favour": "12", "cell_vote_method": "bỏ phiếu kín"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Biểu mẫu có 3 trường chưa đúng." in page
    assert "«Tổng số đảng viên chính thức của chi bộ» phải là một số nguyên." in page
    assert "«Số đảng viên chính thức có mặt» phải lớn hơn hoặc bằng 1." in page
    assert "«Số đảng viên chính thức tán thành» không được lớn hơn «Số đảng viên chính thức có mặt»." in page
    assert 'value="mười lăm"' in page and 'value="12"' in page
    assert completions(people, case, "cell_vote") == 0


def test_an_unchecked_commitment_gets_a_clear_message(login, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    task = people.applicant.task("submit_application", case)
    data = as_form(step_data("submit_application"))
    data.pop("commitment")
    page = login("applicant").post(f"/tasks/{task.id}/complete", data=data).get_data(as_text=True)
    assert "cần được đánh dấu xác nhận" in page


def test_a_decision_button_completes_the_step(login, people):
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    response = login("cell_secretary").post(f"/tasks/{task.id}/complete",
                                            data={"review_decision": "return", "review_comment": "Bổ sung lý lịch."})
    assert response.status_code == 302
    assert people.applicant.task("submit_application", case)


def test_double_submit_completes_once_and_the_second_gets_a_clear_message(login, people):
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    clerk = login("cell_secretary")
    form = as_form(step_data("review_application"))
    first = clerk.post(f"/tasks/{task.id}/complete", data=dict(form))
    second = clerk.post(f"/tasks/{task.id}/complete", data=dict(form))
    assert first.status_code == 302 and second.status_code == 409
    assert "đã được xử lý xong, không thể hoàn thành lần nữa" in second.get_data(as_text=True)
    assert completions(people, case, "review_application") == 1


def test_a_stale_page_after_someone_else_completed_gets_a_clear_message(login, people):
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    clerk = login("cell_secretary")
    assert clerk.get(f"/tasks/{task.id}").status_code == 200           # the page is open...
    people.cell_secretary.completes("review_application", case, step_data("review_application"))  # ...elsewhere
    response = clerk.post(f"/tasks/{task.id}/complete", data=as_form(step_data("review_application")))
    assert response.status_code == 409
    assert "Trang bạn đang mở đã cũ" in response.get_data(as_text=True)
    page = clerk.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Bước này đã được xử lý xong" in page and 'action="/tasks/' + task.id + '/complete"' not in page


def test_html_typed_into_fields_is_escaped_everywhere(login, people):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case = people.applicant.opens("admission", unit=CELL, data={**P1_START, "full_name": evil[:100]})
    people.applicant.completes("submit_application", case, {**step_data("submit_application"),
                                                            "application_letter": evil + " xin vào Đảng"})
    clerk = login("cell_secretary")
    task = people.cell_secretary.task("review_application", case)
    urls = [f"/cases/{case}", f"/tasks/{task.id}", "/inbox", "/cases", f"/requests/{case}", "/notifications"]
    for url in urls:
        page = (clerk if url != f"/requests/{case}" else login("applicant")).get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, url
    assert "&lt;script&gt;alert" in clerk.get(f"/cases/{case}").get_data(as_text=True)
    status = clerk.get(f"/api/v1/cases/{case}").get_json()
    assert status["data"]["full_name"].startswith("<script>")            # JSON keeps data as data
    assert cases.get_case(people.uow, number=case).data["full_name"].startswith("<script>")


def test_the_secretary_reads_the_application_beside_the_review_form_without_opening_the_case(login, people):
    case = open_at(people, "review_application")
    task = people.cell_secretary.task("review_application", case)
    page = login("cell_secretary").get(f"/tasks/{task.id}").get_data(as_text=True)
    data = page.split('id="data"', 1)[1].split("</section>", 1)[0]
    assert "Nguyễn Văn An" in data and "01/05/2000" in data                     # the applicant's request
    assert "Trần Thị Bình" in data and "tranthibinh" not in data               # introducers by name
    assert "Chi bộ thôn Đông" in data                                          # the unit by name
    assert "Tôi tự nguyện xin gia nhập Đảng" in data                            # what the applicant submitted
