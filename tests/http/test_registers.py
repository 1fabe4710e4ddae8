"""Register fields in the browser and the API (docs/registers.md): shown read-only with a Vietnamese hint, never read
from the page, still listed in the JSON form; a number sent through the API is refused with a clear message."""

import re

from engine.services import tokens
from tests.people import CELL, COMMUNE
from tests.procedures import P1_START, run_p1, step_data
from tests.procedures.test_document_flow import INCOMING


def _form(data: dict) -> dict:
    return {"unit_code": COMMUNE, **{k: str(v) for k, v in data.items()}}


def test_the_start_form_shows_the_register_field_read_only_and_ignores_a_typed_number(login, people):
    clerk = login("nguyenthivan")
    page = clerk.get("/procedures/document_flow/start").get_data(as_text=True)
    field = re.search(r'<input id="f-register_number"[^>]*>', page).group(0)
    assert "readonly" in field and 'name="' not in field
    assert "Hệ thống tự cấp số khi hoàn thành" in field
    assert "Hệ thống tự cấp số theo sổ đăng ký khi hoàn thành bước; không nhập số này." in page
    response = clerk.post("/procedures/document_flow/start", data={**_form(INCOMING), "register_number": "125"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    number = response.headers["Location"].rsplit("/", 1)[-1]
    assert people("nguyenthivan").sees(number).data["register_number"] == "1"


def test_the_api_lists_the_register_field_and_refuses_a_number_sent_for_it(client, people):
    _, secret = tokens.create_token(people.uow, actor=people("nguyenthivan").actor, name="kiểm thử")
    headers = {"Authorization": f"Bearer {secret}"}
    refused = client.post("/api/v1/cases", headers=headers, csrf=False,
                          json={"process": "document_flow", "unit": COMMUNE,
                                "data": {**INCOMING, "register_number": "125"}})
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == [{
        "field": "register_number", "code": "register",
        "message": "«Số đến» do hệ thống tự cấp theo sổ đăng ký khi hoàn thành bước: không nhập số này."}]
    opened = client.post("/api/v1/cases", headers=headers, csrf=False,
                         json={"process": "document_flow_asis", "unit": COMMUNE, "data": INCOMING})
    assert opened.status_code == 201
    number = opened.get_json()["number"]
    [task] = [t for t in client.get("/api/v1/tasks", headers=headers).get_json()["items"] if t["case"] == number]
    assert task["element"] == "register_incoming"
    form = client.get(f"/api/v1/tasks/{task['id']}", headers=headers).get_json()["form"]
    assert form["properties"]["register_number"]["x-register"] == "incoming"
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers, csrf=False,
                       json={"data": {"registered_on": "2026-11-26"}})
    assert done.status_code == 200, done.get_json()
    assert people("nguyenthivan").sees(number).data["register_number"] == "1"


def test_the_clerk_registers_on_the_task_page_and_is_told_the_number_given(login, people):
    number = people("nguyenthivan").opens("document_flow_asis", unit=COMMUNE, data=INCOMING)
    task = people("nguyenthivan").task("register_incoming", number)
    clerk = login("nguyenthivan")
    page = clerk.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert re.search(r'<input id="f-register_number"[^>]*readonly', page)
    response = clerk.post(f"/tasks/{task.id}/complete", data={"registered_on": "2026-11-26",
                                                               "register_number": "99"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Số hệ thống đã cấp theo sổ đăng ký — Số đến (sổ văn bản đến): 1" in response.get_data(as_text=True)


def test_the_decision_step_shows_the_decision_number_read_only_and_the_case_page_the_number_given(login, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="issue_decision")
    task = people.committee_office.task("issue_decision", case)
    office = login("dangvangiang")
    page = office.get(f"/tasks/{task.id}").get_data(as_text=True)
    field = re.search(r'<input id="f-decision_number"[^>]*>', page).group(0)
    assert "readonly" in field and 'name="' not in field and "Hệ thống tự cấp số khi hoàn thành" in field
    assert 'name="decision_date"' in page                                          # the date is still typed
    people.committee_office.completes("issue_decision", case, step_data("issue_decision"))
    assert "01-QĐ/ĐU" in office.get(f"/cases/{case}").get_data(as_text=True)
