"""Statutory deadlines in working days: task and case due dates, a returned dossier pausing the case's
clock, and timers of N working days."""

from datetime import date, datetime, timezone
from pathlib import Path

from engine import deadlines
from workflows import calendar
from engine.services import cases, definitions
from tests.bpmn_builder import flow, process, props, user_task, write_bundle
from tests.people import CELL
from tests.procedures import P1_START, run_p1

VN = deadlines.VIETNAM


def _local(moment):
    return deadlines.last_day(moment)


def test_the_standing_board_has_sixty_working_days(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="committee_vote")
    task = people.standing_board.task("committee_vote", number)
    # from Thursday 26/11/2026: 60 working days, skipping weekends, New Year's Day and Tết 2027
    assert _local(task.due_at) == calendar.add_working_days(date(2026, 11, 26), 60)
    assert _local(task.due_at) > date(2027, 2, 19)                       # Tết pushed it past mid-February


def _returnable(uow, tmp_path: Path) -> str:
    """A dossier with a 10-working-day limit that the reviewer may send back to the applicant."""
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + user_task("review", "Xem xét", "f1", "f2").replace("<bpmn:incoming>f1</bpmn:incoming>",
                                                                 "<bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>f5</bpmn:incoming>")
            + '<bpmn:exclusiveGateway id="decide" default="f3"><bpmn:incoming>f2</bpmn:incoming>'
              '<bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>\n'
            + user_task("supplement", "Bổ sung hồ sơ", "f4", "f5", pausesCaseDeadline="true")
            + '<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "review") + flow("f2", "review", "decide") + flow("f3", "decide", "end")
            + flow("f4", "decide", "supplement", "note == 'return'") + flow("f5", "supplement", "review"))
    xml = process("returnable", body, lane_nodes=["start", "review", "decide", "supplement", "end"])
    xml = xml.replace('isExecutable="true">', f'isExecutable="true">{props(caseDeadline="10WD")}', 1)
    definitions.deploy_file(uow, write_bundle(tmp_path, "r.bpmn", xml))
    return "returnable"


def test_a_returned_dossier_pauses_the_case_deadline_and_resubmission_resumes_it(people, uow, clock, tmp_path):
    key = _returnable(uow, tmp_path)
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))             # Monday 23/11/2026
    number = people.cell_secretary.opens(key)
    first_due = people.cell_secretary.sees(number).due_at
    assert _local(first_due) == date(2026, 12, 7)                           # 10 working days later
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc))             # returned on Wednesday
    people.cell_secretary.completes("review", number, {"note": "return"})
    assert people.cell_secretary.sees(number).due_at is None                # paused while with the applicant
    clock.set(datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc))              # resubmitted the next Wednesday
    people.cell_secretary.completes("supplement", number, {"note": "đã bổ sung"})
    resumed = people.cell_secretary.sees(number).due_at
    # counted: 24 and 25/11 (the day it was returned still counts), then from 03/12 on: the 10th is Monday 14/12
    assert _local(resumed) == date(2026, 12, 14)
    assert resumed == deadlines.due_at("10WD", datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc),
                                       [(datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc),
                                         datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc))])
    assert cases.get_case(uow, number=number).status == "running"
