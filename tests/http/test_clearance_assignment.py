"""A classified step cannot be given to someone who may not open the case: in the browser the inspection
committee chair sees the refusal in Vietnamese, on the form as typed, and the pickers only offer the cleared."""

import re

from tests.conftest import DEMO_PIN
from tests.people import CELL, Person
from tests.procedures.test_denunciation import START, TEAM


def test_the_chair_is_told_the_chosen_leader_is_not_cleared_and_the_pickers_leave_them_out(login, uow):
    chair = Person(uow, "buithihoa")
    case = chair.opens("denunciation", unit=CELL, data={**START, "classification": 2})
    chair.completes("classify", case, {"classify_decision": "handle", "classify_reason": "Thuộc thẩm quyền.",
                                       "classified_on": "2026-09-03"})
    task = chair.task("assign_team", case)
    browser = login("buithihoa")
    page = browser.get(f"/tasks/{task.id}").get_data(as_text=True)
    leaders = re.search(r'<select[^>]*name="team_leader".*?</select>', page, re.S).group(0)
    assert 'value="dinhvanson"' in leaders and 'value="hoangvanem"' not in leaders    # clearance 2 vs 1
    form = {**{k: v for k, v in TEAM.items() if k != "team_members"}, "team_leader": "hoangvanem",
            "team_members": TEAM["team_members"], "pin": DEMO_PIN}
    response = browser.post(f"/tasks/{task.id}/complete", data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "chưa được cấp độ tiếp cận bí mật của hồ sơ (Tối mật)" in text and "Hãy chọn người khác" in text
    assert "Xác minh hồ sơ đất đai" in text                  # what the chair typed is still on the form
    assert chair.task("assign_team", case).state == "ready"
