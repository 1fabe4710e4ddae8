"""The process designer in headless Chromium: open P1 in the bpmn-js modeler, give a lane an unknown role,
see the validation message beside the diagram (the steps outlined), fix it, change a deadline, deploy
version 2 and see the visual diff; a case opened before the deploy finishes on version 1.
Screenshots go to test-artifacts/designer-*.png."""

from __future__ import annotations

import re

import pytest

from engine.services import cases, definitions
from tests.browser.test_admission_in_the_browser import sign_in
from tests.people import CELL
from tests.procedures import P1_START, run_p1

pytestmark = pytest.mark.browser

UNKNOWN_ROLE = "van_phong_khong_co"


def select_lane(page, lane_id: str) -> None:
    """Click the lane's title band (its left edge), as a designer selects a lane."""
    box = page.locator(f"#canvas [data-element-id='{lane_id}']").bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + box["height"] / 2)
    page.wait_for_function("id => document.querySelector('#props [data-out=id]').textContent === id", arg=lane_id)


def select_element(page, element_id: str) -> None:
    page.locator(f"#canvas [data-element-id='{element_id}']").first.click()
    page.wait_for_function("id => document.querySelector('#props [data-out=id]').textContent === id",
                           arg=element_id)


def set_field(page, selector: str, value: str) -> None:
    page.fill(selector, value)
    page.press(selector, "Tab")      # a change event: the panel writes through the modeler's command stack


def test_a_designer_changes_a_lane_sees_the_problem_fixes_it_deploys_and_sees_the_diff(browser, server, people,
                                                                                       shots):
    before = people.applicant.opens("admission", unit=CELL, data=P1_START)   # runs on version 1 throughout
    page = sign_in(browser, server, "designer")
    page.get_by_role("link", name="Thiết kế quy trình").click()
    page.wait_for_load_state()
    shots(page, "designer-01-index")
    page.locator("button[data-open='admission']").click()
    page.wait_for_selector("#designer[data-state]")
    assert page.get_attribute("#designer", "data-state") == "ready", page.inner_text("#designer-status")
    assert page.locator(".djs-palette").is_visible()             # a modeler, not a viewer

    # The committee office's lane gets a role the organisation does not have.
    select_lane(page, "lane_committee_office")
    assert page.input_value("#p-role") == "committee_office" and page.input_value("#p-scope") == "parent"
    assert page.locator("#p-name").input_value() == "Văn phòng Đảng ủy xã, phường"
    set_field(page, "#p-role", UNKNOWN_ROLE)
    assert page.get_attribute("#designer", "data-dirty") == "true"
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_selector("#problems:not([hidden])")
    problems = page.locator("#problems .problem")
    assert problems.count() == 2
    text = page.inner_text("#problems")
    assert f"Vai trò «{UNKNOWN_ROLE}» không có trong mô hình tổ chức." in text
    assert "admission.bpmn:" in text and "issue_decision" in text and "remind_ceremony" in text
    assert "Có 2 lỗi" in page.inner_text("#designer-status")
    assert page.locator(".djs-element.qt-problem").count() == 2      # the two steps of that lane, outlined
    shots(page, "designer-02-problem")
    problems.first.locator("button").click()                          # a problem selects its element
    page.wait_for_function("() => document.querySelector('#props [data-out=id]').textContent === 'issue_decision'")

    # Fixed: the records clerk handles the office's steps; and the decision is sent within 5 working days.
    select_lane(page, "lane_committee_office")
    set_field(page, "#p-role", "records_clerk")
    select_element(page, "issue_decision")
    assert page.input_value("#p-deadline") == "P3D"
    assert page.inner_text("#props [data-out=lane-assignment]") == "records_clerk@parent"
    assert page.input_value("#p-form") == "forms/issue_decision.json"
    set_field(page, "#p-deadline", "5WD")
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_function("() => document.querySelector('#designer-status').dataset.kind === 'success'")
    assert "Không có lỗi" in page.inner_text("#designer-status")
    assert page.locator("#problems").is_hidden() and page.locator(".djs-element.qt-problem").count() == 0
    shots(page, "designer-03-fixed")

    # Deploy: version 2, then the diff of version 1 and version 2.
    with page.expect_navigation(url=re.compile(r"/designer/procedures/admission/diff\?from=1&to=2")):
        page.get_by_role("button", name="Triển khai thành phiên bản mới").click()
    page.wait_for_selector(".diff-diagram[data-side=new][data-state]")
    page.wait_for_selector(".diff-diagram[data-side=old][data-state]")
    assert page.get_attribute(".diff-diagram[data-side=new]", "data-state") == "ready"
    assert "Đã triển khai phiên bản 2" in page.content()
    changed = page.locator(".diff-table tr.diff-changed")
    assert sorted(changed.evaluate_all("rows => rows.map(r => r.dataset.element)")) == [
        "issue_decision", "lane_committee_office"]
    table = page.inner_text(".diff-table")
    assert "records_clerk" in table and "committee_office" in table and "5WD" in table and "P3D" in table
    assert page.locator(".diff-diagram[data-side=new] .djs-element.qt-diff-changed").count() == 2
    assert page.locator(".diff-diagram[data-side=old] .djs-element.qt-diff-changed").count() == 2
    shots(page, "designer-04-diff")

    # The versions page: who deployed what, when.
    page.goto(f"{server}/designer/procedures/admission")
    assert page.locator("tr[data-version='2']").inner_text().count("Ngô Văn Thiết") == 1
    shots(page, "designer-05-versions")
    page.context.close()

    # Engine: the new version is 2 and deployed by the designer; the case opened before it ends on version 1
    # (its issue_decision step still goes to the committee office of version 1).
    view, files, meta = definitions.get_definition(people.uow, "admission")
    assert (view.version, view.deployed_by) == (2, "ngovanthiet")
    assert meta["elements"]["issue_decision"]["assignment"]["role"] == "records_clerk"
    assert meta["elements"]["issue_decision"]["deadline"] == "5WD"
    assert 'name="role" value="records_clerk"' in files["admission.bpmn"]
    assert "<bpmn:loopDataInputRef>introducers</bpmn:loopDataInputRef>" in files["admission.bpmn"]
    run_p1(people, before)
    finished = cases.get_case(people.uow, number=before, actor=people.admin.actor)
    assert (finished.status, finished.version) == ("completed", 1)


def test_a_new_procedure_gets_a_new_form_written_in_the_panel(browser, server, people, shots):
    page = sign_in(browser, server, "designer")
    page.goto(f"{server}/designer/")
    page.fill("#new-name", "Xin nghỉ sinh hoạt đảng")
    page.fill("#new-key", "leave_of_absence")
    page.get_by_role("button", name="Tạo và mở trong trình thiết kế").click()
    page.wait_for_selector("#designer[data-state=ready]")
    select_element(page, "review")
    assert page.input_value("#p-form") == "forms/review.json"
    page.once("dialog", lambda dialog: dialog.accept("forms/leave_review.json"))
    page.get_by_role("button", name="Biểu mẫu mới").click()
    page.wait_for_function("() => document.querySelector('#p-form').value === 'forms/leave_review.json'")
    schema = ('{"type": "object", "title": "Xem xét", "required": ["months"], "properties": '
              '{"months": {"type": "integer", "title": "Số tháng", "minimum": 1, "maximum": 12}}}')
    page.fill("#p-form-json", '{"type": "object", ')
    assert "Chưa phải JSON hợp lệ" in page.inner_text("[data-form-error]")
    page.fill("#p-form-json", schema)
    assert page.locator("[data-form-error]").is_hidden()
    page.check("#p-signature")
    set_field(page, "#p-documents", "leave_decision")
    shots(page, "designer-06-new-form")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_function("() => document.querySelector('#designer-status').dataset.kind === 'success'")
    assert "Đã lưu bản nháp (lần lưu thứ 2)" in page.inner_text("#designer-status")
    draft = page.url.rsplit("/", 1)[1]
    saved = page.request.get(f"{server}/designer/drafts/{draft}/bundle.json").json()
    assert saved["files"]["forms/leave_review.json"] == schema
    xml = saved["files"]["leave_of_absence.bpmn"]
    assert 'name="formJsonSchemaFilename" value="forms/leave_review.json"' in xml
    assert 'name="signatureRequired" value="true"' in xml and 'name="documents" value="leave_decision"' in xml
    page.context.close()


def test_an_upload_from_another_modeler_lists_why_it_cannot_be_deployed(browser, server, shots, tmp_path):
    from tests.http.test_designer import CAMUNDA
    path = tmp_path / "leave_request.bpmn"
    path.write_text(CAMUNDA.format(group="nhom_khong_ton_tai"), encoding="utf-8")
    page = sign_in(browser, server, "designer")
    page.goto(f"{server}/designer/upload")
    page.set_input_files("#upload-files", [str(path)])
    page.get_by_role("button", name="Triển khai", exact=True).click()
    page.wait_for_load_state()
    assert "Tệp quy trình không hợp lệ" in page.inner_text("#upload-result")
    rows = page.locator("table.problems tbody tr")
    assert rows.count() >= 1 and "nhom_khong_ton_tai" in page.inner_text("table.problems")
    shots(page, "designer-07-upload-refused")
    page.context.close()
