"""The audit pages over HTTP (docs/audit.md): who may use them, what they show in Vietnamese, and that every read
is written to the access log; the dossier download, the archive, and the administrator's repairs page."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from engine.services import access_log, archive, documents
from tests.people import CELL
from tests.procedures import P1_START, run_p1


@pytest.fixture
def admitted(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number)
    return number


def logged(uow, username):
    return [(e.action, e.case, e.outcome) for e in access_log.entries(uow, username=username).items]


def test_the_auditor_steps_through_a_finished_case_in_vietnamese(login, admitted, uow):
    auditor = login("auditor")
    page = auditor.get(f"/audit/cases/{admitted}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Phát lại khớp ✓" in html and "✓ Chuỗi băm" in html and "✓ Điểm chốt đã ký" in html
    assert html.count("✓ Chữ ký hợp lệ") == 3                  # two votes signed, the numbered decision sealed
    assert "Bí thư chi bộ, Chi bộ thôn Đông" in html and "Dữ liệu trước và sau" in html
    assert 'data-highlight="cell_vote" data-active="appraise"' in html
    assert logged(uow, "buithihoa") == [("case.audit", admitted, "ok")]


def test_the_steps_as_json_are_logged_too(login, admitted, uow):
    data = login("auditor").get(f"/audit/cases/{admitted}/steps.json").get_json()
    assert data["banner"]["replay_ok"] is True and len(data["steps"]) == 12
    signed = [s for s in data["steps"] if s["signature"]]
    assert [(s["element"], s["signature"]["ok"]) for s in signed] == [
        ("cell_vote", True), ("committee_vote", True), ("issue_decision", True)]
    assert signed[1]["signature"]["signer"] == "Vũ Thị Phương" and signed[2]["signature"]["seal"] is True
    assert logged(uow, "buithihoa") == [("case.steps", admitted, "ok")]


@pytest.mark.parametrize("who", ["cell_secretary", "applicant", "committee_office"])
def test_people_who_do_not_audit_are_refused_the_audit_pages(login, admitted, who):
    client = login(who)
    for path in ("/audit/", f"/audit/cases/{admitted}", f"/audit/cases/{admitted}/dossier.zip"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Chỉ Ủy ban Kiểm tra hoặc quản trị viên" in response.get_data(as_text=True)


def test_a_case_the_auditor_may_not_see_is_not_found_and_the_attempt_is_logged(login, uow):
    response = login("auditor").get("/audit/cases/KN-2026-009999")
    assert response.status_code == 404 and "Không tìm thấy hồ sơ" in response.get_data(as_text=True)
    assert logged(uow, "buithihoa") == [("case.audit", None, "denied")]


def test_the_search_finds_by_procedure_actor_and_status_and_is_logged(login, admitted, uow):
    auditor = login("auditor")
    html = auditor.get("/audit/?process=admission&actor=vuthiphuong&status=completed").get_data(as_text=True)
    assert admitted in html and "1 hồ sơ" in html and "Xem từng bước" in html
    assert "0 hồ sơ" in auditor.get("/audit/?status=cancelled").get_data(as_text=True)
    entries = access_log.entries(uow, username="buithihoa").items
    assert [e.action for e in entries] == ["search", "search"]
    assert entries[1].detail == {"process": "admission", "actor": "vuthiphuong", "status": "completed", "page": 1}


def test_the_auditors_own_access_log_page(login, admitted, uow):
    auditor = login("auditor")
    auditor.get(f"/audit/cases/{admitted}")
    html = auditor.get("/audit/log").get_data(as_text=True)
    assert "Nhật ký truy cập" in html and "Kiểm tra từng bước hồ sơ" in html and admitted in html
    assert "được phép" in html
    assert logged(uow, "buithihoa")[0] == ("access_log.view", None, "ok")


def test_the_case_page_and_its_files_are_logged_for_everyone(login, admitted, uow):
    clerk = login("cell_secretary")
    assert clerk.get(f"/cases/{admitted}").status_code == 200
    document = documents.list_documents(uow, number=admitted, actor=None)[0]
    assert clerk.get(f"/documents/{document.id}").status_code == 200
    assert logged(uow, "phamthidung") == [("document.download", admitted, "ok"), ("case.view", admitted, "ok")]


def test_the_dossier_downloads_as_a_zip_and_is_logged(login, admitted, uow):
    response = login("auditor").get(f"/audit/cases/{admitted}/dossier.zip?clearance=0")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        assert "verify.py" in package.namelist() and "manifest.json.p7s" in package.namelist()
    assert logged(uow, "buithihoa") == [("case.export", admitted, "ok")]
    assert login("auditor").get(f"/audit/cases/{admitted}/dossier.zip?clearance=3").status_code == 403


def test_the_archive_files_lists_and_returns_the_filed_dossier(login, admitted, uow):
    office = login("committee_office")
    response = office.post(f"/archive/file/{admitted}")
    assert response.status_code == 302 and "/archive/HY-TANTIEN-DONG.2026.KN.0001" in response.location
    html = office.get(response.location).get_data(as_text=True)
    assert "Toàn vẹn" in html and "10 năm (đến 01/01/2037)" in html and "Tải hồ sơ điện tử đã nộp lưu" in html
    listed = office.get("/archive/").get_data(as_text=True)
    assert "HY-TANTIEN-DONG.2026.KN.0001" in listed and "Lưu trữ điện tử" in listed
    zipped = office.get("/archive/HY-TANTIEN-DONG.2026.KN.0001/dossier.zip")
    record = archive.list_records(uow, actor=None).items[0]
    assert hashlib.sha256(zipped.data).hexdigest() == record.dossier_sha256
    assert [a for a, _c, _o in logged(uow, "dangvangiang")] == ["archive.retrieve", "archive.list", "archive.view",
                                                                 "archive.file"]
    again = office.post(f"/archive/file/{admitted}", follow_redirects=True).get_data(as_text=True)
    assert "đã được nộp lưu" in again
    assert login("cell_secretary").get("/archive/").status_code == 403


def test_the_administrator_repairs_a_case_with_a_reason_and_the_repair_is_sealed(login, people, uow):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    admin = login("admin")
    page = admin.get(f"/admin/cases/{number}/repairs").get_data(as_text=True)
    assert "Sửa dữ liệu hồ sơ" in page and "Trả về một bước trước" in page
    refused = admin.post(f"/admin/cases/{number}/repairs",
                         data={"action": "correct", "changes": '{"hometown": "Hà Nội"}', "reason": " "})
    assert refused.status_code == 422 and "Vui lòng ghi lý do." in refused.get_data(as_text=True)
    bad_json = admin.post(f"/admin/cases/{number}/repairs", data={"action": "correct", "changes": "[1, 2]",
                                                                  "reason": "Sửa quê quán"})
    assert bad_json.status_code == 422 and "đối tượng JSON" in bad_json.get_data(as_text=True)
    done = admin.post(f"/admin/cases/{number}/repairs", data={
        "action": "correct", "changes": '{"hometown": "Hưng Yên (Tân Tiến)"}', "reason": "Sửa quê quán theo lý lịch"},
        follow_redirects=True).get_data(as_text=True)
    assert "Dữ liệu hồ sơ đã được sửa." in done and "con dấu hợp lệ" in done and "Sửa quê quán theo lý lịch" in done
    assert people.admin.sees(number).data["hometown"] == "Hưng Yên (Tân Tiến)"
    assert login("auditor").get(f"/admin/cases/{number}/repairs").status_code == 403
