"""JSON API: token and session authentication, CSRF rules, errors with fields, the OpenAPI document."""

from engine.services import tokens
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data


def bearer(people, who):
    _, secret = tokens.create_token(people.uow, actor=getattr(people, who).actor, name="kiểm thử")
    return {"Authorization": f"Bearer {secret}"}


def test_openapi_document_lists_every_api_route(app, client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    routes = {r.rule.replace("<uuid:task_id>", "{task_id}").replace("<number>", "{number}")
              for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert routes == set(doc["paths"])


def test_a_token_lists_claims_and_completes_without_csrf(client, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="review_application")
    headers = bearer(people, "cell_secretary")
    listing = client.get("/api/v1/tasks", headers=headers).get_json()
    [task] = [t for t in listing["items"] if t["case"] == case]
    assert listing["total"] >= 1 and task["can_claim"]
    claimed = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers, csrf=False)
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "phamthidung"
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers, csrf=False,
                       json={"data": step_data("review_application")})
    assert done.status_code == 200 and "Set-Cookie" not in done.headers
    assert {s["element"] for s in done.get_json()["open_steps"]} == {"introduce"}
    again = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers, csrf=False,
                        json={"data": step_data("review_application")})
    assert again.status_code == 409
    assert again.get_json() == {"code": "task.already_completed", "fields": [],
                                "message": "Nhiệm vụ này đã được xử lý xong, không thể hoàn thành lần nữa."}


def test_form_errors_come_back_with_every_field(client, people):
    headers = bearer(people, "applicant")
    response = client.post("/api/v1/cases", headers=headers, csrf=False,
                           json={"process": "admission", "unit": CELL, "data": {"full_name": "A"}})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "form.invalid"
    fields = {f["field"]: f["message"] for f in body["fields"]}
    assert fields["full_name"] == "«Họ và tên» phải có ít nhất 2 ký tự." and "birth_date" in fields


def test_starting_a_case_and_reading_its_status(client, people):
    headers = bearer(people, "applicant")
    response = client.post("/api/v1/cases", headers=headers, csrf=False,
                           json={"process": "admission", "unit": CELL, "data": P1_START})
    assert response.status_code == 201
    number = response.get_json()["number"]
    status = client.get(f"/api/v1/cases/{number}", headers=headers).get_json()
    assert status["status"] == "running" and status["open_steps"][0]["user"] == "nguyenvanan"
    assert status["outcome"] is None
    run_p1(people, number)
    ended = client.get(f"/api/v1/cases/{number}", headers=headers).get_json()
    assert ended["status"] == "completed" and ended["outcome"] == "Đã kết nạp (đảng viên dự bị)"


def test_bad_tokens_and_missing_authentication_are_401(client):
    assert client.get("/api/v1/tasks").status_code == 401
    response = client.get("/api/v1/tasks", headers={"Authorization": "Bearer qt_nope"})
    assert response.status_code == 401 and response.get_json()["code"] == "auth.invalid_token"


def test_session_calls_need_the_csrf_header(login, people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="review_application")
    task = people.cell_secretary.task("review_application", case)
    clerk = login("cell_secretary")
    refused = clerk.post(f"/api/v1/tasks/{task.id}/claim", csrf=False)
    assert refused.status_code == 400 and refused.get_json()["code"] == "csrf.invalid"
    clerk.refresh_csrf()
    accepted = clerk.post(f"/api/v1/tasks/{task.id}/claim", headers={"X-CSRFToken": clerk.csrf_token})
    assert accepted.status_code == 200


def test_tokens_are_created_on_a_page_shown_once_and_revoked(login, client):
    clerk = login("cell_secretary")
    page = clerk.post("/account/tokens", data={"name": "báo cáo"}).get_data(as_text=True)
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("qt_")
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert secret not in clerk.get("/account/tokens").get_data(as_text=True)
    token_id = page.split('/account/tokens/')[1].split("/revoke")[0]
    clerk.post(f"/account/tokens/{token_id}/revoke")
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_an_invalid_json_body_is_422(client, people):
    response = client.post("/api/v1/cases", headers={**bearer(people, "applicant"), "Content-Type": "application/json"},
                           data="[1, 2", csrf=False)
    assert response.status_code == 422 and response.get_json()["code"] == "api.invalid_json"
