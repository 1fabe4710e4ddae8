"""What the pages, the dossier and its verify.py say about a case whose script failed, in Vietnamese: no error
code, no raw JSON, no element id; and the auditor's search and access log in words."""

from __future__ import annotations

import html as htmlmod
import re

import pytest

from engine.services import cases, definitions
from engine.services.steps import CaseFailed
from tests.bpmn_builder import script_process, write_bundle
from tests.engine.test_audit_dossier import run_verify, unpack

FAILURE = "Kịch bản bị lỗi: giá trị «abc» không phải là số (ValueError: invalid literal for int() with base 10: 'abc')."


def text_of(response) -> str:
    page = re.sub(r"<script.*?</script>", " ", response.get_data(as_text=True), flags=re.S)
    return htmlmod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def failed(people, uow, tmp_path):
    """A case whose script failed on «abc», then was retried with a correction and went on."""
    definitions.deploy_file(uow, write_bundle(tmp_path / "qa", "qa.bpmn", script_process("qa_thu", "x = int(text)")))
    number = people.cell_secretary.opens("qa_thu")
    with pytest.raises(CaseFailed):
        people.cell_secretary.completes("enter", number, {"text": "abc"})
    return number


def test_the_repairs_page_and_the_history_name_the_failure_in_vietnamese(login, failed):
    admin = login("admin")
    repairs = text_of(admin.get(f"/admin/cases/{failed}/repairs"))
    assert f"Hồ sơ dừng do lỗi ở bước «Kịch bản». {FAILURE}" in repairs and "script.failed" not in repairs
    page = text_of(admin.get(f"/cases/{failed}"))
    assert "Lỗi khi xử lý · Kịch bản —" in page and "· run" not in page


def test_the_step_through_shows_the_failure_labels_and_names(login, people, uow, failed):
    cases.retry_case(uow, number=failed, actor=people.admin.actor, corrections={"text": "12"}, reason="Sửa số")
    page = text_of(login("auditor").get(f"/audit/cases/{failed}"))
    assert f"Bước lỗi Kịch bản Lý do {FAILURE}" in page
    assert "script.failed" not in page and '"error"' not in page and "Chi tiết" not in page
    assert "Thủ tục Quy trình thử Phiên bản 1 Độ mật Thường" in page and "qa_thu" not in page
    assert "Dữ liệu sửa Văn bản: 12 Lý do Sửa số" in page          # the corrections by their titles
    assert "x (biến không có tiêu đề trong biểu mẫu)" in page       # the script's own variable, marked


def test_the_dossier_summary_and_verify_py_say_it_in_vietnamese(login, people, uow, failed, tmp_path):
    cases.retry_case(uow, number=failed, actor=people.admin.actor, corrections={"text": "12"}, reason="Sửa số")
    folder = unpack(login("auditor").get(f"/audit/cases/{failed}/dossier.zip?clearance=0").data, tmp_path / "d")
    summary = (folder / "summary.html").read_text(encoding="utf-8")
    assert "Lỗi khi xử lý — kịch bản bị lỗi (ValueError)" in summary and "script.failed" not in summary
    assert "abc" not in summary                               # the data the script choked on is not echoed
    checked = run_verify(folder)
    assert "Chữ ký Chạy lại bước bị lỗi (sự kiện #3)" in checked.stdout and "case.retried" not in checked.stdout


def test_the_access_log_shows_search_parameters_in_words(login):
    auditor = login("auditor")
    auditor.get("/audit/?overdue=1&status=completed&from=2026-01-02&page=1")
    page = text_of(auditor.get("/audit/log"))
    assert "mở từ ngày: 02/01/2026; trạng thái: Đã hoàn thành; chỉ hồ sơ quá hạn: có" in page
    assert "overdue=" not in page and "page" not in page


def test_a_date_that_is_not_a_date_is_called_so_and_the_search_box_is_capped(login):
    auditor = login("auditor")
    refused = auditor.get("/audit/?from=abc")
    assert refused.status_code == 422
    assert "Ngày «abc» không hợp lệ" in text_of(refused) and "phải trước" not in text_of(refused)
    # a longer search line is refused by gunicorn (414, in English) before the app: the box does not allow it
    assert 'name="q" maxlength="200"' in auditor.get("/audit/").get_data(as_text=True)
