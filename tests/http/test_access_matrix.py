"""Every demo person × every route × cases inside/outside their units and above/below their clearance.

The expectation is computed here from the demo organisation (engine/demo.py), not by the engine's own
``can_view_case``: a case is visible to its starter, to anyone involved in one of its tasks, to anyone
holding a role in its unit or a unit above it, and to administrators, and never above one's clearance.
An invisible case must answer exactly like a case that does not exist (no IDOR, nothing leaks).
"""

import io
import re

import pytest

from engine import demo
from engine.services import attachments
from tests.people import CELL, OTHER_COMMUNE_CELL
from tests.procedures import P1_START, P1_START_ELSEWHERE, run_p1

PDF = b"%PDF-1.4\n%%EOF\n"
PARENT = {code: parent for code, _name, _level, parent in demo.UNITS}
USERS = {u.username: u for u in demo.USERS}
GHOST_CASE = "KN-2026-999999"
GHOST_ID = "00000000-0000-4000-8000-000000000000"


def ancestors(code):
    while code:
        yield code
        code = PARENT[code]


def expected_visible(username, case):
    user = USERS[username]
    if case["level"] > user.clearance:
        return False
    if user.is_admin or username == case["starter"] or username in case["involved"]:
        return True
    return any(unit in set(ancestors(case["unit"])) for _role, unit, _pos in user.roles)


@pytest.fixture
def world(people):
    """Three cases: ordinary in the cell, ordinary in another commune, secret (2) in the cell."""
    ordinary = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, ordinary, until="collect_comments")      # introducers are involved now
    elsewhere = people.applicant.opens("admission", unit=OTHER_COMMUNE_CELL, data=P1_START_ELSEWHERE)
    secret = people.standing_board.opens("admission", unit=CELL, data=P1_START, classification=2)
    worlds = [
        {"number": ordinary, "unit": CELL, "level": 0, "starter": "nguyenvanan",
         "involved": {"nguyenvanan", "phamthidung", "tranthibinh", "levancuong"}},
        {"number": elsewhere, "unit": OTHER_COMMUNE_CELL, "level": 0, "starter": "nguyenvanan",
         "involved": {"nguyenvanan"}},
        {"number": secret, "unit": CELL, "level": 2, "starter": "vuthiphuong", "involved": {"vuthiphuong"}},
    ]
    for case in worlds:
        starter = people(case["starter"])
        view = starter.sees(case["number"])
        case["task"] = view.open_tasks[0].id
        case["attachment"] = attachments.add_attachment(
            people.uow, number=case["number"], actor=starter.actor, filename="ho-so.pdf", stream=io.BytesIO(PDF)).id
    return worlds


def case_urls(case):
    n, t, a = case["number"], case["task"], case["attachment"]
    return [f"/cases/{n}", f"/cases/{n}/diagram.bpmn", f"/cases/{n}/progress.json", f"/requests/{n}",
            f"/requests/{n}/progress", f"/api/v1/cases/{n}", f"/attachments/{a}", f"/attachments/{a}/preview"]


def ghost_urls():
    return case_urls({"number": GHOST_CASE, "task": GHOST_ID, "attachment": GHOST_ID})


AUDITORS = {u.username for u in demo.USERS if u.is_admin or any(role == "inspection_committee" for role, *_ in u.roles)}
ADMINS = {u.username for u in demo.USERS if u.is_admin}


def restricted_urls(number):
    """Pages for some people only: (url, who may use them) — the auditor's step-through and dossier, the repairs."""
    return [(f"/audit/cases/{number}", AUDITORS), (f"/audit/cases/{number}/steps.json", AUDITORS),
            (f"/audit/cases/{number}/dossier.zip", AUDITORS), (f"/admin/cases/{number}/repairs", ADMINS)]


def normalise(text, case):
    text = re.sub(r'(name="csrf_token" value=|name="csrf-token" content=)"[^"]*"', r'\1""', text)
    return text.replace(case["number"], "N").replace(GHOST_CASE, "N").replace(case["attachment"], "A") \
        .replace(GHOST_ID, "A").replace(case["task"], "T")


@pytest.mark.parametrize("username", sorted(USERS))
def test_no_route_reveals_a_case_the_person_may_not_see(login, world, username):
    client = login(username)
    ghosts = {url: client.get(url) for url in ghost_urls()}
    leaks = []
    for case in world:
        visible = expected_visible(username, case)
        for url, ghost_url in zip(case_urls(case), ghosts):
            response = client.get(url)
            if visible:
                if response.status_code != 200:
                    leaks.append(f"{url}: {response.status_code}, expected 200")
            elif response.status_code != 404 or normalise(response.get_data(as_text=True), case) != \
                    normalise(ghosts[ghost_url].get_data(as_text=True), case):
                leaks.append(f"{url}: {response.status_code}, expected the same 404 as a missing case")
        # pages for auditors or administrators: for anyone else, or a case they may not see, the same answer
        # as for a case that does not exist
        for (url, who), (ghost_url, _) in zip(restricted_urls(case["number"]), restricted_urls(GHOST_CASE)):
            response, ghost = client.get(url), client.get(ghost_url)
            if username in who and visible:
                if response.status_code != 200:
                    leaks.append(f"{url}: {response.status_code}, expected 200")
            elif response.status_code != ghost.status_code or response.status_code == 200 or \
                    normalise(response.get_data(as_text=True), case) != normalise(ghost.get_data(as_text=True), case):
                leaks.append(f"{url}: {response.status_code}, expected the answer for a missing case "
                             f"({ghost.status_code})")
        # task pages: entitled people or people who may see the case
        task_page = client.get(f"/tasks/{case['task']}")
        task_api = client.get(f"/api/v1/tasks/{case['task']}")
        if not visible:
            for response in (task_page, task_api):
                if response.status_code != 404 or case["number"] in response.get_data(as_text=True):
                    leaks.append(f"task of {case['number']}: {response.status_code}")
            for url in ("/inbox", "/cases", "/cases?q=KN", "/requests", "/notifications", "/api/v1/tasks"):
                if case["number"] in client.get(url).get_data(as_text=True):
                    leaks.append(f"{url} lists {case['number']}")
            for action in ("claim", "release", "complete"):
                response = client.post(f"/tasks/{case['task']}/{action}", data={})
                if response.status_code != 404 or case["number"] in response.get_data(as_text=True):
                    leaks.append(f"POST {action} on {case['number']}: {response.status_code}")
            upload = client.post(f"/cases/{case['number']}/attachments", data={"file": (io.BytesIO(PDF), "x.pdf")},
                                 content_type="multipart/form-data")
            if upload.status_code != 404:
                leaks.append(f"upload to {case['number']}: {upload.status_code}")
    assert leaks == []


def test_the_matrix_covers_both_sides(world):
    """Sanity check of the expectations themselves: each case is visible to some and hidden from others."""
    for case in world:
        seen = {u for u in USERS if expected_visible(u, case)}
        assert seen and seen != set(USERS)
    assert not expected_visible("phamthidung", world[2])          # cell secretary, clearance 0, secret case
    assert expected_visible("buithihoa", world[2])                # inspection committee of the commune, clearance 2
    assert not expected_visible("phamthidung", world[1])          # another commune's cell
    assert "buithihoa" in AUDITORS and "phamthidung" not in AUDITORS and ADMINS <= AUDITORS


def test_task_api_listing_matches_entitlement(login, world):
    items = login("other_cell_secretary").get("/api/v1/tasks").get_json()["items"]
    assert items == []
    numbers = {t["case"] for t in login("cell_secretary").get("/api/v1/tasks").get_json()["items"]}
    assert numbers == {world[0]["number"]}
    assert re.match(r"KN-2026-\d{6}", world[0]["number"])
