"""P10 in headless Chromium: the commune's inspection committee chair records a denunciation against a cell's
member, classifies it, picks the verification team from the cleared people of the commune, the team leader
verifies, the committee concludes and the denouncer is notified — every step signed in the dialog. A team
member cleared for the case but not for the denouncer reads "[đã che]" on the case page. Screenshots go to
test-artifacts/."""

from __future__ import annotations


import pytest

from engine.services import definitions
from tests.browser.test_admission_in_the_browser import do_step, send_request, sign_in
from tests.people import CELL
from tests.procedures.test_denunciation import CONCLUDE, NOTIFY, START, TEAM, VERIFY

pytestmark = pytest.mark.browser

CLASSIFY = {"classify_decision": "handle", "classify_reason": "Thuộc thẩm quyền.", "classified_on": "2026-09-03"}


def test_a_denunciation_is_handled_in_the_browser_and_the_denouncer_stays_hidden(browser, server, people, shots):
    titles = {e: info["title"] for e, info in definitions.get_definition(people.uow, "denunciation")[2]["elements"]
              .items()}
    chair = sign_in(browser, server, "buithihoa")
    chair.goto(f"{server}/procedures/denunciation/start")
    case = send_request(chair, CELL, START, "TC", lambda: shots(chair, "p10-01-start"))
    chair.context.close()

    do_step(browser, server, "buithihoa", titles["classify"], case, CLASSIFY, shots)
    # The team is picked from the commune's people cleared for the case: the chair's own committee is offered,
    # people of the cell below are too, nobody without clearance is.
    picker = sign_in(browser, server, "buithihoa")
    picker.goto(f"{server}/inbox")
    picker.locator("tr", has_text=case).get_by_role("link", name=titles["assign_team"]).click()
    picker.wait_for_load_state()
    offered = picker.locator("select[name='team_leader'] option").evaluate_all("os => os.map(o => o.value)")
    assert {"dinhvanson", "khucthihanh"} <= set(offered)
    assert "phamthidung" not in offered                        # the cell secretary: clearance 0, case "mật"
    shots(picker, "p10-02-team-picker")
    picker.context.close()
    do_step(browser, server, "buithihoa", titles["assign_team"], case,
            {**TEAM, "team_members": ["dinhvanson", "hoangvanem"]}, shots)
    do_step(browser, server, "dinhvanson", titles["verify"], case, VERIFY, shots, "p10-03-verify")
    do_step(browser, server, "buithihoa", titles["conclude"], case, CONCLUDE, shots)
    do_step(browser, server, "buithihoa", titles["notify_denouncer"], case, NOTIFY, shots)

    member = sign_in(browser, server, "hoangvanem")           # on the team, cleared "mật" only
    member.goto(f"{server}/cases/{case}")
    page = member.content()
    assert "Hồ sơ đã hoàn thành" in page or "Đã hoàn thành" in page
    assert "[đã che]" in page and START["denouncer_name"] not in page
    shots(member, "p10-04-team-member-case-page")
    member.context.close()
    chair = sign_in(browser, server, "buithihoa")
    chair.goto(f"{server}/cases/{case}")
    assert START["denouncer_name"] in chair.content()
    chair.context.close()
