"""The process designer's pages: only process designers and administrators; CSRF on every POST; drafts saved
and loaded; validation in Vietnamese with file, line and element; deploy makes version N+1 (running cases
stay on theirs); the diff between versions; the upload of a file drawn in another modeler."""

import io
import json
import re

import pytest

from engine.services import cases, definitions
from tests.people import CELL
from tests.procedures import P1_START

KEY = "admission"
UNKNOWN_ROLE = "thu_ky_khong_co"
CAMUNDA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="defs" targetNamespace="http://bpmn.io/schema/bpmn"
    exporter="Camunda Modeler" exporterVersion="5.31.0">
  <bpmn:process id="leave_request" name="Đề nghị nghỉ sinh hoạt" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="approve" name="Bí thư xem xét" camunda:candidateGroups="{group}" camunda:formKey="approve" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""
APPROVE_FORM = json.dumps({"type": "object", "title": "Xem xét", "required": ["ok"],
                           "properties": {"ok": {"type": "boolean", "title": "Đồng ý"}}}, ensure_ascii=False)


def latest_version(people, key=KEY) -> int:
    return max(d.version for d in definitions.list_definitions(people.uow) if d.key == key)


def open_draft(client, key=KEY) -> int:
    response = client.post("/designer/drafts", data={"key": key})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(re.search(r"/designer/drafts/(\d+)$", response.headers["Location"]).group(1))


def bundle(client, draft: int) -> dict:
    response = client.get(f"/designer/drafts/{draft}/bundle.json")
    assert response.status_code == 200
    return response.get_json()


def with_lane_role(files: dict, main: str, role: str) -> dict:
    changed = dict(files)
    changed[main] = files[main].replace('<spiffworkflow:property name="role" value="committee_office" />',
                                        f'<spiffworkflow:property name="role" value="{role}" />')
    assert changed[main] != files[main]
    return changed


@pytest.fixture
def designer(login):
    return login("designer")


@pytest.fixture
def draft(designer):
    return open_draft(designer)


# Who may use it -----------------------------------------------------------------------------------

def get_routes(draft):
    return ["/designer/", f"/designer/procedures/{KEY}", f"/designer/procedures/{KEY}/versions/1/diagram.bpmn",
            f"/designer/procedures/{KEY}/diff?from=1&to=1", "/designer/upload", f"/designer/drafts/{draft}",
            f"/designer/drafts/{draft}/bundle.json", f"/designer/drafts/{draft}/diagram.bpmn",
            f"/designer/drafts/{draft}/diff"]


def post_routes(draft):
    return ["/designer/drafts", f"/designer/drafts/{draft}", f"/designer/drafts/{draft}/validate",
            f"/designer/drafts/{draft}/deploy", f"/designer/drafts/{draft}/delete", "/designer/upload"]


@pytest.mark.parametrize("who", ["designer", "admin"])
def test_designers_and_administrators_open_every_page(login, draft, who):
    client = login(who)
    for url in get_routes(draft):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["cell_secretary", "applicant", "standing_board", "auditor"])
def test_nobody_else_gets_any_designer_route(login, draft, who):
    client = login(who)
    for url in get_routes(draft):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Chỉ người thiết kế quy trình hoặc quản trị viên" in response.get_data(as_text=True)
    for url in post_routes(draft):
        assert client.post(url, data={}).status_code == 403, url
        assert client.post(url, json={"main": "x.bpmn", "files": {}, "revision": 1}).status_code == 403, url
    assert "/designer/" not in client.get("/inbox").get_data(as_text=True)   # no link in the header either


def test_signed_out_visitors_are_sent_to_the_login_page(client, draft):
    for url in get_routes(draft):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_the_header_links_to_the_designer_for_designers(designer):
    page = designer.get("/inbox").get_data(as_text=True)
    assert 'href="/designer/"' in page and "Thiết kế quy trình" in page


def test_every_post_needs_the_csrf_token(designer, draft, people):
    files = bundle(designer, draft)
    body = {"main": files["main"], "files": files["files"], "revision": 1}
    assert designer.post("/designer/drafts", data={"key": KEY}, csrf=False).status_code == 400
    assert designer.post(f"/designer/drafts/{draft}", json=body, csrf=False).status_code == 400
    assert designer.post(f"/designer/drafts/{draft}/validate", json=body, csrf=False).status_code == 400
    assert designer.post(f"/designer/drafts/{draft}/deploy", data={}, csrf=False).status_code == 400
    assert designer.post(f"/designer/drafts/{draft}/delete", data={}, csrf=False).status_code == 400
    upload = {"files": [(io.BytesIO(b"<x/>"), "a.bpmn")], "action": "deploy"}
    assert designer.post("/designer/upload", data=upload, content_type="multipart/form-data",
                         csrf=False).status_code == 400
    assert latest_version(people) == 1 and bundle(designer, draft)["draft"]["revision"] == 1


# Drafts ---------------------------------------------------------------------------------------------

def test_a_draft_starts_from_the_deployed_files_and_opens_in_the_modeler(designer, draft, people):
    data = bundle(designer, draft)
    _view, files, _meta = definitions.get_definition(people.uow, KEY)
    assert data["main"] == "admission.bpmn" and data["files"] == {n: t for n, t in files.items()
                                                                    if not n.startswith("_generated/")}
    assert data["draft"]["base_version"] == 1 and data["draft"]["revision"] == 1
    page = designer.get(f"/designer/drafts/{draft}").get_data(as_text=True)
    assert "bpmn-modeler.production.min.js" in page and "js/designer.js" in page
    for label in ("Lưu nháp", "Kiểm tra", "Triển khai thành phiên bản mới", "Vai trò", "Phạm vi", "Biểu mẫu",
                  "Thời hạn", "Bắt buộc ký số", "Văn bản tạo ra"):
        assert label in page, label
    assert '<option value="committee_office">' in page          # the roles the lane may name


def test_a_draft_is_saved_and_loaded_with_its_revision(designer, draft):
    data = bundle(designer, draft)
    files = with_lane_role(data["files"], data["main"], "records_clerk")
    files["forms/extra.json"] = '{"type": "object", "properties": {}}'
    response = designer.post(f"/designer/drafts/{draft}", json={"main": data["main"], "files": files, "revision": 1})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["draft"]["revision"] == 2
    assert "Đã lưu bản nháp" in response.get_json()["message"]
    again = bundle(designer, draft)
    assert again["files"] == files and again["draft"]["revision"] == 2 and again["draft"]["updated_by"] == "ngovanthiet"


def test_a_stale_editor_cannot_overwrite_a_newer_save(designer, login, draft):
    data = bundle(designer, draft)
    body = {"main": data["main"], "files": data["files"], "revision": 1}
    assert designer.post(f"/designer/drafts/{draft}", json=body).status_code == 200
    stale = login("admin").post(f"/designer/drafts/{draft}", json=body)
    assert stale.status_code == 409
    assert stale.get_json()["message"].startswith("Bản nháp vừa được ngovanthiet lưu")


@pytest.mark.parametrize("name", ["../x.json", "/etc/passwd.json", "forms/x.exe", "_generated/forms/a.json"])
def test_file_names_outside_the_bundle_are_refused(designer, draft, name):
    data = bundle(designer, draft)
    files = {**data["files"], name: "{}"}
    response = designer.post(f"/designer/drafts/{draft}", json={"main": data["main"], "files": files, "revision": 1})
    assert response.status_code == 422 and "không hợp lệ" in response.get_json()["message"]


def test_a_draft_is_deleted(designer, draft):
    assert designer.post(f"/designer/drafts/{draft}/delete").status_code == 302
    assert designer.get(f"/designer/drafts/{draft}").status_code == 404


# Validation ---------------------------------------------------------------------------------------

def test_validation_names_the_unknown_role_in_vietnamese_with_file_line_and_element(designer, draft):
    data = bundle(designer, draft)
    files = with_lane_role(data["files"], data["main"], UNKNOWN_ROLE)
    response = designer.post(f"/designer/drafts/{draft}/validate", json={"main": data["main"], "files": files})
    assert response.status_code == 422
    body = response.get_json()
    assert body["ok"] is False and body["message"].startswith("Tệp quy trình không hợp lệ")
    problems = body["problems"]
    assert [p["element"] for p in problems] == ["issue_decision", "remind_ceremony"]     # the steps in that lane
    for problem in problems:
        assert problem["file"] == "admission.bpmn" and problem["line"] > 0 and problem["code"] == "role.unknown"
        assert problem["message"] == f"Vai trò «{UNKNOWN_ROLE}» không có trong mô hình tổ chức."
    assert bundle(designer, draft)["draft"]["revision"] == 1         # checking saves nothing


def test_validation_of_broken_xml_and_forms(designer, draft):
    data = bundle(designer, draft)
    broken = {**data["files"], "forms/appraise.json": '{"type": "object", "properties": '}
    body = designer.post(f"/designer/drafts/{draft}/validate", json={"main": data["main"], "files": broken}).get_json()
    assert any(p["code"] == "form.invalid_json" and p["element"] == "appraise" and "không phải JSON hợp lệ" in p["message"]
               for p in body["problems"])
    xml = {**data["files"], data["main"]: data["files"][data["main"]][:500]}
    body = designer.post(f"/designer/drafts/{draft}/validate", json={"main": data["main"], "files": xml}).get_json()
    assert body["problems"][0]["code"] == "xml.syntax" and "sai cú pháp" in body["problems"][0]["message"]


def test_a_broken_form_is_explained_where_it_breaks(designer, draft):
    data = bundle(designer, draft)
    broken = {**data["files"], "forms/appraise.json": '{"type": "object", }'}
    body = designer.post(f"/designer/drafts/{draft}/validate", json={"main": data["main"], "files": broken}).get_json()
    [problem] = [p for p in body["problems"] if p["file"] == "forms/appraise.json"]
    assert problem["code"] == "form.invalid_json"
    assert problem["message"] == ("Tệp biểu mẫu không phải JSON hợp lệ ở dòng 1, cột 20: tên thuộc tính phải đặt "
                                  "trong dấu ngoặc kép \"…\" (và không có dấu phẩy thừa trước «}»).")


def test_checking_a_draft_whose_main_file_is_not_among_its_files_names_it(designer, draft):
    data = bundle(designer, draft)
    response = designer.post(f"/designer/drafts/{draft}/validate", json={"main": "khac.bpmn", "files": data["files"]})
    assert response.status_code == 422
    assert response.get_json()["message"].startswith("Tệp BPMN chính «khac.bpmn» không có trong các tệp gửi lên")
    saved = designer.post(f"/designer/drafts/{draft}", json={"main": "khac.bpmn", "files": data["files"],
                                                              "revision": 1})
    assert saved.status_code == 422 and "«khac.bpmn»" in saved.get_json()["message"]
    assert bundle(designer, draft)["draft"]["revision"] == 1


def test_a_valid_draft_validates(designer, draft):
    data = bundle(designer, draft)
    response = designer.post(f"/designer/drafts/{draft}/validate", json={"main": data["main"], "files": data["files"]})
    assert response.status_code == 200 and response.get_json()["keys"] == [KEY]
    assert "Không có lỗi" in response.get_json()["message"]


# Deploy and versions ------------------------------------------------------------------------------

def save(client, draft, files, main, revision):
    response = client.post(f"/designer/drafts/{draft}", json={"main": main, "files": files, "revision": revision})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["draft"]["revision"]


def test_deploying_with_problems_is_refused_with_the_same_list(designer, draft, people):
    data = bundle(designer, draft)
    revision = save(designer, draft, with_lane_role(data["files"], data["main"], UNKNOWN_ROLE), data["main"], 1)
    response = designer.post(f"/designer/drafts/{draft}/deploy", json={"revision": revision})
    assert response.status_code == 422
    assert [p["element"] for p in response.get_json()["problems"]] == ["issue_decision", "remind_ceremony"]
    page = designer.post(f"/designer/drafts/{draft}/deploy", data={"revision": revision})   # the plain form
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Chưa triển khai" in text and f"Vai trò «{UNKNOWN_ROLE}»" in text and "issue_decision" in text
    assert latest_version(people) == 1


def test_deploy_makes_the_next_version_and_running_cases_stay_on_theirs(designer, draft, people):
    before = people.applicant.opens(KEY, unit=CELL, data=P1_START)
    data = bundle(designer, draft)
    revision = save(designer, draft, with_lane_role(data["files"], data["main"], "records_clerk"), data["main"], 1)
    response = designer.post(f"/designer/drafts/{draft}/deploy", json={"revision": revision})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["deployed"][0]["version"] == 2 and body["deployed"][0]["new"] is True
    assert body["redirect"] == f"/designer/procedures/{KEY}/diff?from=1&to=2"
    assert "phiên bản 2" in body["message"]
    assert latest_version(people) == 2
    view, _files, _meta = definitions.get_definition(people.uow, KEY)
    assert view.deployed_by == "ngovanthiet"
    assert cases.get_case(people.uow, number=before, actor=people.admin.actor).version == 1
    after = people.applicant.opens(KEY, unit=CELL, data=P1_START)
    assert cases.get_case(people.uow, number=after, actor=people.admin.actor).version == 2
    assert bundle(designer, draft)["draft"]["deployed_version"] == 2
    versions = designer.get(f"/designer/procedures/{KEY}").get_data(as_text=True)
    assert "Ngô Văn Thiết" in versions and 'data-version="2"' in versions and 'data-version="1"' in versions
    # deploying the same files again changes nothing
    again = designer.post(f"/designer/drafts/{draft}/deploy", data={"revision": revision})
    assert again.status_code == 302 and latest_version(people) == 2


def test_the_diff_page_lists_and_colours_the_changes(designer, draft):
    data = bundle(designer, draft)
    files = with_lane_role(data["files"], data["main"], "records_clerk")
    form = json.loads(files["forms/appraise.json"])
    form["properties"]["appraisal_date"] = {"type": "string", "format": "date", "title": "Ngày thẩm định"}
    files["forms/appraise.json"] = json.dumps(form, ensure_ascii=False, indent=2)
    revision = save(designer, draft, files, data["main"], 1)
    preview = designer.get(f"/designer/drafts/{draft}/diff").get_data(as_text=True)   # before deploying
    assert "lane_committee_office" in preview and "Bản nháp" in preview
    assert designer.post(f"/designer/drafts/{draft}/deploy", json={"revision": revision}).status_code == 200
    page = designer.get(f"/designer/procedures/{KEY}/diff?from=1&to=2").get_data(as_text=True)
    marks = json.loads(re.search(r"data-marks='([^']*)'", page).group(1))
    assert marks == {"added": [], "removed": [], "changed": ["lane_committee_office", "appraise"]}
    assert "Văn phòng Đảng ủy xã, phường" in page and "records_clerk" in page and "committee_office" in page
    assert "appraisal_date" in page and "đã thêm trường" in page.lower()
    assert 'data-xml-url="/designer/procedures/admission/versions/1/diagram.bpmn"' in page
    assert designer.get(f"/designer/procedures/{KEY}/diff?from=1&to=9").status_code == 404


def test_a_new_procedure_starts_valid_and_deploys_as_version_one(designer, people):
    response = designer.post("/designer/drafts", data={"key": "leave_of_absence", "name": "Xin nghỉ sinh hoạt đảng"})
    assert response.status_code == 302
    draft = int(response.headers["Location"].rsplit("/", 1)[1])
    data = bundle(designer, draft)
    assert data["main"] == "leave_of_absence.bpmn" and "forms/review.json" in data["files"]
    response = designer.post(f"/designer/drafts/{draft}/deploy", data={"revision": 1})
    assert response.status_code == 302 and response.headers["Location"] == "/designer/procedures/leave_of_absence"
    assert latest_version(people, "leave_of_absence") == 1
    taken = designer.post("/designer/drafts", data={"key": "leave_of_absence", "name": "Khác"})
    assert taken.status_code == 302
    assert "Đã có quy trình mã «leave_of_absence»" in designer.get("/designer/").get_data(as_text=True)
    bad = designer.post("/designer/drafts", data={"key": "Xin Nghỉ", "name": "Khác"}, follow_redirects=True)
    assert "Mã quy trình «Xin Nghỉ» không hợp lệ" in bad.get_data(as_text=True)


# Files from other tools ---------------------------------------------------------------------------

def upload(client, action, files):
    data = {"action": action, "files": [(io.BytesIO(text.encode("utf-8")), name) for name, text in files.items()]}
    return client.post("/designer/upload", data=data, content_type="multipart/form-data")


def test_a_camunda_modeler_file_with_its_form_is_checked_then_deployed(designer, people):
    files = {"leave_request.bpmn": CAMUNDA.format(group="cell_secretary"), "approve.json": APPROVE_FORM}
    checked = upload(designer, "validate", files)
    assert checked.status_code == 200, checked.get_data(as_text=True)[:2000]
    assert "Không có lỗi" in checked.get_data(as_text=True)
    deployed = upload(designer, "deploy", files)
    assert deployed.status_code == 302, deployed.get_data(as_text=True)[:2000]
    assert latest_version(people, "leave_request") == 1
    _view, stored, _meta = definitions.get_definition(people.uow, "leave_request")
    assert stored["leave_request.bpmn"] == files["leave_request.bpmn"]
    assert stored["approve.json"] == APPROVE_FORM or stored.get("forms/approve.json") == APPROVE_FORM


def test_an_upload_with_the_key_of_a_procedure_in_use_replaces_it_only_when_the_designer_says_so(designer, people):
    files = {"leave_request.bpmn": CAMUNDA.format(group="cell_secretary"), "approve.json": APPROVE_FORM}
    assert upload(designer, "deploy", files).status_code == 302
    again = upload(designer, "deploy", files)                   # the same files again: nothing to replace
    assert again.status_code == 302 and latest_version(people, "leave_request") == 1
    changed = {**files, "leave_request.bpmn": files["leave_request.bpmn"].replace("Bí thư xem xét", "Bí thư duyệt")}
    refused = upload(designer, "deploy", changed)
    assert refused.status_code == 422 and latest_version(people, "leave_request") == 1
    page = refused.get_data(as_text=True)
    assert "trùng với thủ tục đang dùng «Đề nghị nghỉ sinh hoạt» (phiên bản 1)" in page
    data = {"action": "deploy", "replace_existing": "1",
            "files": [(io.BytesIO(text.encode("utf-8")), name) for name, text in changed.items()]}
    assert designer.post("/designer/upload", data=data, content_type="multipart/form-data").status_code == 302
    assert latest_version(people, "leave_request") == 2


def test_an_upload_that_cannot_run_lists_exactly_why(designer, people):
    files = {"leave_request.bpmn": CAMUNDA.format(group="nhom_khong_ton_tai")}     # no form, unknown group
    response = upload(designer, "deploy", files)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tệp quy trình không hợp lệ" in page and "approve" in page
    assert "nhom_khong_ton_tai" in page and "leave_request.bpmn" in page
    assert "approve.json" in page                                            # the missing form, by name
    assert not [d for d in definitions.list_definitions(people.uow) if d.key == "leave_request"]


def test_an_upload_opens_as_a_draft(designer):
    files = {"leave_request.bpmn": CAMUNDA.format(group="cell_secretary"), "approve.json": APPROVE_FORM}
    response = upload(designer, "draft", files)
    assert response.status_code == 302
    draft = int(response.headers["Location"].rsplit("/", 1)[1])
    data = bundle(designer, draft)
    assert data["draft"]["key"] == "leave_request" and data["main"] == "leave_request.bpmn"
    assert set(data["files"]) == {"leave_request.bpmn", "approve.json"} or \
        set(data["files"]) == {"leave_request.bpmn", "forms/approve.json"}


def test_an_upload_without_bpmn_is_refused_in_vietnamese(designer):
    response = upload(designer, "validate", {"approve.json": APPROVE_FORM})
    assert response.status_code == 422 and "Chưa có tệp BPMN" in response.get_data(as_text=True)


def upload_bytes(client, action, files):
    data = {"action": action, "files": [(io.BytesIO(raw), name) for name, raw in files.items()]}
    return client.post("/designer/upload", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("raw", [CAMUNDA.format(group="Kế toán").encode("utf-16"),
                                 "<bpmn:definitions name='Quy trình'/>".encode("latin-1"),
                                 b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_an_upload_that_is_not_utf8_text_is_refused_naming_the_file(designer, raw):
    response = upload_bytes(designer, "validate", {"a.bpmn": raw})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tệp «a.bpmn» không phải văn bản UTF-8: hãy lưu lại tệp với mã hóa UTF-8." in page
    assert "Tên tệp" not in page


@pytest.mark.parametrize("text,expected", [
    ("", "Tệp rỗng: hãy chọn tệp BPMN đã lưu từ trình thiết kế."),
    ("Đây là biên bản, không phải sơ đồ.", "Tệp không phải XML"),
    ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "x">]><d>&x;</d>', "quytrinh từ chối vì lý do an toàn"),
])
def test_an_upload_that_is_not_a_bpmn_file_says_what_it_is_in_vietnamese(designer, text, expected):
    response = upload(designer, "validate", {"a.bpmn": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert expected in page and "line 1" not in page and "Document is empty" not in page


def test_an_upload_with_thousands_of_wrong_steps_lists_the_first_ones(designer):
    steps = "\n".join(f'<bpmn:userTask id="t{n}" />' for n in range(2000))
    text = CAMUNDA.replace('<bpmn:startEvent id="start" />', steps)
    response = upload(designer, "validate", {"leave_request.bpmn": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "chỉ hiện 200 lỗi đầu" in page and "t150" in page and "t1999" not in page
