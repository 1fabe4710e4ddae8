"""P1 end to end in headless Chromium: the applicant opens the request, each clerk takes and completes
their step through the pages (the cell's and the committee's votes signed with a PIN in the signature
dialog), the committee's decision is downloaded as .docx, the applicant sees the result. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.services import definitions, verification

from tests import tools
from tests.conftest import DEMO_PASSWORD, DEMO_PIN
from tests.people import CELL, NICKNAMES
from tests.procedures import P1_START, P1_STEPS

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def titles_of(people) -> dict:
    meta = definitions.get_definition(people.uow, "admission")[2]
    return {element: info["title"] for element, info in meta["elements"].items()}


def send_request(page, unit: str, data: dict, prefix: str, before_sending=lambda: None) -> str:
    """On a procedure's start page: choose the unit, fill the form, send it; returns the case number."""
    page.select_option("#f-unit_code", unit)
    fill(page, data)
    before_sending()
    page.get_by_role("button", name="Gửi hồ sơ").click()
    page.wait_for_load_state()
    return re.search(rf"{prefix}-2026-\d{{6}}", page.url).group(0)


def sign_in(browser, base: str, who: str):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", NICKNAMES.get(who, who))
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:500]
    return page


def fill(page, data: dict) -> None:
    for name, value in data.items():
        target = page.locator(f"[name='{name}']")
        kind = target.first.get_attribute("type")
        tag = target.first.evaluate("e => e.tagName.toLowerCase()")
        if kind == "radio":
            page.check(f"input[name='{name}'][value='{value}']")
        elif kind == "checkbox" and isinstance(value, list):          # a members picker: tick each one
            for item in value:
                page.check(f"input[name='{name}'][value='{item}']")
        elif kind == "checkbox":
            page.check(f"input[name='{name}']") if value else page.uncheck(f"input[name='{name}']")
        elif tag == "select":
            page.select_option(f"select[name='{name}']", str(value))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                target.nth(index).fill(str(item))
        else:
            target.first.fill(str(value))


def do_step(browser, base, who, element_title, case, data, shots, shot_name=None):
    page = sign_in(browser, base, who)
    page.goto(f"{base}/inbox")
    row = page.locator("tr", has_text=case).filter(has_text=element_title)
    row.get_by_role("link", name=element_title).click()
    page.wait_for_load_state()
    take = page.get_by_role("button", name="Nhận xử lý")
    if take.count():
        take.click()
        page.wait_for_load_state()
        assert "Bạn đã nhận nhiệm vụ" in page.content()
    decision_name = next((n for n in data if page.locator(f"button[name='{n}']").count()), None)
    fill(page, {k: v for k, v in data.items() if k != decision_name})
    if shot_name:
        shots(page, shot_name)
    signed = page.locator("#sign-dialog").count() > 0
    if decision_name:
        page.click(f"button[name='{decision_name}'][value='{data[decision_name]}']")
    else:
        page.get_by_role("button", name="Hoàn thành bước này").click()
    if signed:
        # The signature dialog: the PIN goes to the key, the step is signed and completed.
        page.wait_for_selector("#sign-dialog[open]")
        assert page.locator("#signature-box").is_hidden()
        page.fill("#dialog-pin", DEMO_PIN)
        if shot_name:
            shots(page, shot_name + "-sign-dialog")
        with page.expect_navigation():
            page.get_by_role("button", name="Ký số", exact=True).click()
    page.wait_for_load_state()
    assert "Đã hoàn thành bước" in page.content(), page.content()[:3000]
    page.context.close()


def test_an_applicant_is_admitted_through_the_pages(browser, server, people, shots, tmp_path):
    base = server
    # The applicant opens the request from the catalogue.
    page = sign_in(browser, base, "applicant")
    page.goto(f"{base}/procedures")
    shots(page, "01-catalogue")
    page.locator("article.card", has=page.locator("a[href$='/procedures/admission/start']")) \
        .get_by_role("link", name="Nộp hồ sơ").click()
    case = send_request(page, CELL, P1_START, "KN", lambda: shots(page, "02-start-form"))
    assert titles_of(people)["submit_application"] in page.content()
    shots(page, "03-request-opened")

    # The applicant's own first step, with an attachment.
    page.get_by_role("link", name="Thực hiện bước này").click()
    page.set_input_files("#file", files=[{"name": "Đơn xin vào Đảng.pdf", "mimeType": "application/pdf",
                                          "buffer": PDF}])
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    assert "Đã đính kèm tệp" in page.content()
    who, element, data = P1_STEPS[0]
    fill(page, data)
    shots(page, "04-applicant-task")
    page.get_by_role("button", name="Hoàn thành bước này").click()
    page.wait_for_load_state()
    page.context.close()

    titles = titles_of(people)
    clerk = sign_in(browser, base, "cell_secretary")
    clerk.goto(f"{base}/inbox")
    shots(clerk, "05-inbox-cell-secretary")
    clerk.context.close()
    for index, (who, element, data) in enumerate(P1_STEPS[1:], start=6):
        shot = f"{index:02d}-{element}-{who}" if element in ("review_application", "cell_vote", "introduce",
                                                             "committee_vote") else None
        do_step(browser, base, who, titles[element], case, data, shots, shot)
        if element == "verify_biography":
            # Halfway: the case page with the diagram, the timeline and the data.
            viewer = sign_in(browser, base, "cell_secretary")
            viewer.goto(f"{base}/cases/{case}")
            if viewer.locator("#diagram").count():
                viewer.wait_for_selector("#diagram[data-state]")
                assert viewer.get_attribute("#diagram", "data-state") == "ready"
                assert viewer.locator(".djs-element.qt-done").count() >= 5
                assert viewer.locator(".djs-element.qt-waiting, .djs-element.qt-active").count() == 1
            else:
                assert viewer.locator("#no-diagram").is_visible()
            shots(viewer, "15-case-page-halfway")
            viewer.context.close()

        if element == "committee_vote":
            download_the_signed_decision(browser, base, case, shots)

    # What was signed in the browser holds for the verifier and for openssl with the root certificate only.
    assert verification.verify_case_signatures(people.uow, case).ok
    folder = tools.write_files(tmp_path / case, verification.signature_bundle(people.uow, case))
    checked = tools.openssl_cms_verify(folder, "committee_vote.p7s", "committee_vote.json")
    assert checked.returncode == 0, checked.stderr

    # The applicant sees the final result without reloading the page.
    page = sign_in(browser, base, "applicant")
    page.goto(f"{base}/requests/{case}")
    assert "Hồ sơ đã hoàn thành" in page.content()
    shots(page, "20-request-completed")
    page.get_by_role("link", name="Thông báo").click()
    shots(page, "21-notifications")
    page.context.close()


def download_the_signed_decision(browser, base, case, shots):
    """The case page lists the committee's signed decision with its .p7s and a tick; the .docx downloads."""
    viewer = sign_in(browser, base, "cell_secretary")
    viewer.goto(f"{base}/cases/{case}#documents")
    documents = viewer.locator("#documents")
    assert "Đã ký số bởi Vũ Thị Phương" in documents.inner_text()
    assert viewer.locator(".sig-ok").count() == 2
    shots(viewer, "16-case-documents-signed")
    with viewer.expect_download() as info:
        documents.get_by_role("link", name="Quyết định kết nạp đảng viên").click()
    download = info.value
    assert download.suggested_filename == f"quyet-dinh-ket-nap-{case}.docx"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"PK") and b"word/document.xml" in content
    with viewer.expect_download() as info:
        documents.get_by_role("link", name="chữ ký số (.p7s)").last.click()
    assert info.value.suggested_filename == f"quyet-dinh-ket-nap-{case}.docx.p7s"
    viewer.context.close()


def test_the_request_page_updates_without_reloading(browser, server, people, shots):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    page = sign_in(browser, server, "applicant")
    page.goto(f"{server}/requests/{case}")
    assert page.locator("#live-progress").get_attribute("hx-trigger") == "every 5s"
    people.applicant.completes("submit_application", case, P1_STEPS[0][2])
    page.wait_for_function("document.querySelector('#live-progress').textContent.includes(%r)" % titles_of(people)["review_application"],
                           timeout=15000)
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1   # the page was not reloaded
    shots(page, "22-live-progress")
    page.context.close()
