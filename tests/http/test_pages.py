"""Every page answers, in Vietnamese, for the people who use it."""

import pytest

from tests.people import CELL
from tests.procedures import P1_START, run_p1

PAGES = ["/", "/inbox", "/inbox?view=claimed", "/inbox?view=units&due=soon&sort=due&order=desc",
         "/inbox?due=overdue&process=admission&unit=HY-TANTIEN-DONG", "/cases", "/cases?q=KN&status=running",
         "/requests", "/procedures", "/procedures/admission/start", "/notifications", "/account/tokens",
         "/api/openapi.json"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_for_a_clerk(login, url):
    response = login("cell_secretary").get(url)
    assert response.status_code in (200, 302), url


def test_case_pages_show_progress_data_timeline_and_an_empty_documents_section(login, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="verify_biography")
    page = login("cell_secretary").get(f"/cases/{case}").get_data(as_text=True)
    assert "Thẩm tra lý lịch người vào Đảng" in page and "Ban Xây dựng Đảng" in page
    assert "Họ và tên" in page and "Nguyễn Văn An" in page          # field titles from the forms
    assert "Hoàn thành bước" in page and "Phạm Thị Dung" in page      # the timeline, with names
    assert 'id="documents"' in page and "Chưa có văn bản nào" in page
    assert 'id="no-diagram"' in page or 'id="diagram"' in page


def test_the_case_page_names_people_and_units_not_their_codes(login, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    page = login("cell_secretary").get(f"/cases/{case}").get_data(as_text=True)
    assert "Trần Thị Bình, Lê Văn Cường" in page and "tranthibinh, levancuong" not in page   # the introducers
    assert "Chi bộ thôn Đông" in page and "Nguyễn Văn An" in page                       # unit and opener


def test_the_history_names_the_unit_each_step_was_taken_in_not_its_code(login, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="verify_biography")
    page = login("cell_secretary").get(f"/cases/{case}").get_data(as_text=True)
    history = page[page.index('id="timeline"'):]
    history = history[:history.index("</section>")]
    assert "· Chi bộ thôn Đông" in history and "HY-TANTIEN" not in history


def test_the_applicant_follows_a_request_live(login, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    applicant = login("applicant")
    page = applicant.get(f"/requests/{case}").get_data(as_text=True)
    assert 'hx-trigger="every 5s"' in page and "Nộp đơn xin vào Đảng và lý lịch" in page
    fragment = applicant.get(f"/requests/{case}/progress", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    run_p1(people, case)
    done = applicant.get(f"/requests/{case}/progress").get_data(as_text=True)
    assert "Hồ sơ đã hoàn thành" in done and "hx-trigger" not in done


def test_the_applicant_opens_a_request_from_the_catalogue(login):
    applicant = login("applicant")
    assert "Kết nạp đảng viên" in applicant.get("/procedures").get_data(as_text=True)
    form = {"unit_code": CELL, **{k: v for k, v in P1_START.items() if k != "introducers"},
            "introducers": P1_START["introducers"]}
    response = applicant.post("/procedures/admission/start", data=form)
    assert response.status_code == 302 and response.headers["Location"].startswith("/requests/KN-2026-")
    assert "Kết nạp đảng viên: Nguyễn Văn An" in applicant.get("/requests").get_data(as_text=True)


def test_a_bad_start_form_is_shown_again_with_messages_next_to_the_fields(login):
    applicant = login("applicant")
    response = applicant.post("/procedures/admission/start",
                              data={"unit_code": "", "full_name": "<b>An</b>", "birth_date": "01/05/2000"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vui lòng chọn tổ chức đảng nhận hồ sơ." in page
    assert 'value="&lt;b&gt;An&lt;/b&gt;"' in page and "<b>An</b>" not in page
    response = applicant.post("/procedures/admission/start",
                              data={"unit_code": CELL, "full_name": "An", "birth_date": "01/05/2000",
                                    "introducers": ["a"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "«Ngày sinh» không đúng định dạng (ngày, dạng năm-tháng-ngày, ví dụ 2026-11-26)." in page
    assert "«Quê quán» là bắt buộc." in page and "«Đảng viên giới thiệu» phải có ít nhất 2 mục." in page
    assert 'value="01/05/2000"' in page


def test_an_unknown_page_is_a_vietnamese_404(login):
    response = login("applicant").get("/khong-co")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.get_data(as_text=True)


def test_the_admin_page_is_for_administrators_only(login):
    assert login("admin").get("/admin/").status_code == 200
    response = login("cell_secretary").get("/admin/")
    assert response.status_code == 403 and "Chỉ quản trị viên" in response.get_data(as_text=True)


def test_lists_longer_than_a_page_are_paged_for_the_applicant_the_clerk_and_the_auditor(login, people):
    for _ in range(21):                                   # one more than a page: 21 requests, 21 open steps
        people.applicant.opens("admission", unit=CELL, data=P1_START)
    pages = {"applicant": ["/inbox", "/requests"], "admin": ["/cases"], "auditor": ["/audit/"]}
    for who, urls in pages.items():
        client = login(who)
        for url in urls:
            first = client.get(url)
            assert first.status_code == 200 and 'rel="next"' in first.get_data(as_text=True), (who, url)
            second = client.get(f"{url}?page=2")
            assert second.status_code == 200 and 'rel="prev"' in second.get_data(as_text=True), (who, url)


@pytest.mark.parametrize("url", ["/inbox?page=99999999999999999999", "/cases?page=99999999999999999999",
                                 "/audit/?page=99999999999999999999", "/designer/drafts/99999999999999999999",
                                 "/designer/procedures/admission/versions/99999999999999999999/diagram.bpmn"])
def test_a_number_larger_than_any_key_is_not_a_server_error(login, url):
    assert login("admin").get(url).status_code in (200, 403, 404), url


def test_the_applicant_chooses_among_the_cells_that_can_take_an_admission(login):
    applicant = login("applicant")
    page = applicant.get("/procedures/admission/start").get_data(as_text=True)
    assert f'<option value="{CELL}"' in page and '<option value="TW"' not in page
    assert '<option value="HY-TANTIEN"' not in page                     # the commune has no cell secretary
    form = {"unit_code": "TW", **{k: v for k, v in P1_START.items() if k != "introducers"},
            "introducers": P1_START["introducers"]}
    refused = applicant.post("/procedures/admission/start", data=form)     # a crafted request: refused
    assert refused.status_code == 422
    assert "không có ai giữ vai trò «Bí thư chi bộ»" in refused.get_data(as_text=True)


def test_a_start_form_sent_twice_opens_one_request(login, people, uow):
    from engine.services import cases
    applicant = login("applicant")
    page = applicant.get("/procedures/admission/start").get_data(as_text=True)
    token = page.split('name="open_token" value="')[1].split('"')[0]
    form = {"unit_code": CELL, "open_token": token, **{k: v for k, v in P1_START.items() if k != "introducers"},
            "introducers": P1_START["introducers"]}
    first = applicant.post("/procedures/admission/start", data=form)      # a double click: the same form twice
    second = applicant.post("/procedures/admission/start", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(cases.list_cases(uow, actor=people.admin.actor)) == 1
    another = applicant.get("/procedures/admission/start").get_data(as_text=True)
    assert token not in another                                          # a new form: a new request


def test_the_same_request_sent_again_from_a_new_form_asks_first(login, people, uow):
    """After Back (the form is fetched again, with a new token) the same content is caught by what it says."""
    from engine.services import cases
    applicant = login("applicant")
    form = {"unit_code": CELL, **{k: v for k, v in P1_START.items() if k != "introducers"},
            "introducers": P1_START["introducers"]}

    def send(**extra):
        page = applicant.get("/procedures/admission/start").get_data(as_text=True)
        token = page.split('name="open_token" value="')[1].split('"')[0]
        return applicant.post("/procedures/admission/start", data={**form, "open_token": token, **extra})

    first = send()
    number = first.headers["Location"].rsplit("/", 1)[1]
    again = send()
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert f"Bạn đã nộp hồ sơ {number} với đúng nội dung này" in page
    assert f'href="/requests/{number}"' in page and 'name="confirm_new_request"' in page
    assert 'value="Nguyễn Văn An"' in page                                  # what was typed is kept
    assert len(cases.list_cases(uow, actor=people.admin.actor)) == 1
    other = send(full_name="Nguyễn Văn Bình")                               # another person's request: no question
    assert other.status_code == 302
    confirmed = send(confirm_new_request="1")
    assert confirmed.status_code == 302
    assert len(cases.list_cases(uow, actor=people.admin.actor)) == 3
