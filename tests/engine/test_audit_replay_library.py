"""Replay and whole verification beyond P1: the certificate lifecycle (P11), whose steps act outside the
workflow (keys, certificates, a revocation and a new CRL), replays to the recorded state and its dossier verifies.
P1 is covered by test_replay.py; P1 as-is and P2–P12 by every test of tests/procedures (its conftest replays each
case a test leaves)."""

from __future__ import annotations

from engine.services import audit, dossier, replay
from tests.engine.test_audit_dossier import run_verify, unpack
from tests.engine.test_certificate_procedure import request_certificate, revoke_through_p11
from tests.people import CELL


def test_a_certificate_issued_then_revoked_replays_and_its_dossiers_verify(uow, people, tmp_path):
    issued = request_certificate(people, "nguyenvanan", CELL)
    serial = next(e.data["effects"][0]["result"]["serial"] for e in people.admin.sees(issued).events
                  if e.type == "task.completed" and e.data.get("element") == "issue_certificate")
    revoked = revoke_through_p11(people, "nguyenvanan", CELL, serial)
    for number in (issued, revoked):
        assert replay.replay_case(uow, number).ok
        assert audit.verify_case(uow, number).ok, audit.verify_case(uow, number).findings
        result = run_verify(unpack(dossier.export_case(uow, number=number, actor=None).content, tmp_path / number))
        assert result.returncode == 0, result.stdout
    assert "1 chứng thư bị thu hồi" in result.stdout
