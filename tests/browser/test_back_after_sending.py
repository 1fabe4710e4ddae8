"""An applicant sends a request, goes Back to the form and sends it again: no second request is opened
behind her back. She is told the request already exists, with a link to it, and opens a second one only by
ticking that she really wants to."""

from __future__ import annotations

import pytest

from engine.services import cases
from tests.browser.test_admission_in_the_browser import fill, send_request, sign_in
from tests.people import CELL
from tests.procedures import P1_START

pytestmark = pytest.mark.browser


def test_sending_again_after_back_asks_before_opening_a_second_request(browser, server, people):
    page = sign_in(browser, server, "applicant")
    page.goto(f"{server}/procedures/admission/start")
    first = send_request(page, CELL, P1_START, "KN")
    page.go_back()
    page.wait_for_load_state()
    assert page.url.endswith("/procedures/admission/start")
    send_again = lambda: (page.get_by_role("button", name="Gửi hồ sơ").click(), page.wait_for_load_state())
    page.select_option("#f-unit_code", CELL)         # the same content typed again (or kept by the browser)
    fill(page, P1_START)
    send_again()
    alert = page.locator("#form-error").inner_text()
    assert f"Bạn đã nộp hồ sơ {first} với đúng nội dung này" in alert, alert
    assert [c.number for c in cases.list_cases(people.uow, actor=people.admin.actor)] == [first]
    assert page.input_value("[name='full_name']") == P1_START["full_name"]        # nothing typed is lost
    page.check("[name='confirm_new_request']")
    send_again()
    assert "/requests/KN-2026-" in page.url and first not in page.url
    assert len(cases.list_cases(people.uow, actor=people.admin.actor)) == 2
    page.context.close()
