"""Every procedure test doubles as a replay test (auditor issue, docs/audit.md).

After each test of a procedure (happy paths, returns, rejections, timers, parallel branches, P1 as-is and
P2–P12 in both variants), every case the test left in its database is replayed from its journal on its
pinned definition, step by step, and must reach the recorded state; its hash chain and the signed
checkpoints covering it must hold too. A test that never touched the database is left alone.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import Case
from engine.services import checkpoints, history, replay


@pytest.fixture(autouse=True)
def every_case_replays(request):
    if "uow" not in request.fixturenames:
        yield
        return
    uow = request.getfixturevalue("uow")
    yield
    with uow.reader() as reader:
        numbers = list(reader.session.scalars(select(Case.number).order_by(Case.id)).all())
    for number in numbers:
        report = replay.replay_case(uow, number)
        assert report.ok, (f"{number}: replay diverged at #{report.diverged_at} ({report.reason}) "
                           f"{report.detail}")
        assert history.verify_case(uow, number).ok, number
        with uow.reader() as reader:
            marks = checkpoints.verify(reader, number)
        assert marks.ok, (number, marks.failures)
