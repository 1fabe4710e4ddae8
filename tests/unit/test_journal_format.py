"""The journal's byte format and chain check, without a database."""

from engine import journal


def _chain(n):
    events, prev = [], journal.GENESIS
    for seq in range(1, n + 1):
        body = journal.make_body(case="KN-2026-000001", seq=seq, type="task.completed", at=f"2026-11-26T0{seq}:00:00.000000Z",
                                 actor="phamthidung", data={"input": {"ý kiến": "Đồng ý", "n": seq}}, state="s", prev=prev)
        digest = journal.sha256_hex(body)
        events.append(journal.StoredEvent(seq=seq, type="task.completed", at=f"2026-11-26T0{seq}:00:00.000000Z",
                                          actor="phamthidung", body=body.decode(), prev_hash=prev, hash=digest))
        prev = digest
    return events


def test_canonical_json_is_sorted_compact_utf8():
    assert journal.canonical({"b": 1, "a": "Đảng"}) == '{"a":"Đảng","b":1}'.encode("utf-8")


def test_an_intact_chain_verifies_and_a_changed_body_is_named():
    events = _chain(4)
    assert journal.verify_chain("KN-2026-000001", events, head=events[-1].hash) is None
    broken = events[2].__class__(**{**events[2].__dict__, "body": events[2].body.replace("Đồng ý", "Không đồng ý")})
    found = journal.verify_chain("KN-2026-000001", events[:2] + [broken] + events[3:])
    assert (found.seq, found.reason) == (3, "hash")


def test_reordered_events_are_detected():
    events = _chain(4)
    found = journal.verify_chain("KN-2026-000001", [events[0], events[2], events[1], events[3]])
    assert found.seq == 2


def test_an_event_of_another_case_does_not_fit():
    events = _chain(2)
    assert journal.verify_chain("KN-2026-000002", events).reason == "column"
