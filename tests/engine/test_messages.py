"""Messages and signals delivered to a running case (RuntimeService): the commune office waits for the
province's reply to a dossier, the reply arrives as a BPMN message with its data, and the case moves on;
a message the case is not waiting for is refused in Vietnamese and changes nothing; the auditor's replay
re-delivers it."""

import json

import pytest

from engine.errors import InvalidInput
from engine.services import cases, definitions, replay
from tests.bpmn_builder import HEADER, flow, props, user_task, write_bundle
from tests.people import CELL
from webapp import messages

REPLY, RECALL = "phuc_dap_cua_tinh", "thu_hoi_ho_so"


def _waits_for_the_province(tmp_path, catch: str) -> str:
    """start -> send (user) -> wait (the catch event) -> record (user) -> end."""
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + user_task("send", "Gửi hồ sơ lên tỉnh", "f1", "f2")
            + f'<bpmn:intermediateCatchEvent id="wait" name="Chờ tỉnh trả lời"><bpmn:incoming>f2</bpmn:incoming>'
              f'<bpmn:outgoing>f3</bpmn:outgoing>{catch}</bpmn:intermediateCatchEvent>\n'
            + user_task("record", "Ghi nhận trả lời", "f3", "f4")
            + '<bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "send") + flow("f2", "send", "wait") + flow("f3", "wait", "record")
            + flow("f4", "record", "end"))
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("start", "send", "wait", "record", "end"))
    xml = (HEADER + f'<bpmn:message id="reply" name="{REPLY}"/>\n<bpmn:signal id="recall" name="{RECALL}"/>\n'
           '<bpmn:process id="province_reply" name="Chờ tỉnh trả lời" isExecutable="true">\n'
           f'<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="Bí thư chi bộ">'
           f'{props(role="cell_secretary", scope="case")}{refs}</bpmn:lane></bpmn:laneSet>\n'
           f'{body}</bpmn:process>\n</bpmn:definitions>\n')
    return str(write_bundle(tmp_path / "reply", "reply.bpmn", xml))


def _sent_to_the_province(people, uow, tmp_path, catch: str) -> str:
    definitions.deploy_file(uow, _waits_for_the_province(tmp_path, catch))
    number = people.cell_secretary.opens("province_reply", unit=CELL, data={})
    people.cell_secretary.completes("send", number, {"note": "Đã gửi hồ sơ."})
    return number


@pytest.fixture
def waiting_for_message(people, uow, tmp_path):
    return _sent_to_the_province(people, uow, tmp_path, '<bpmn:messageEventDefinition id="m" messageRef="reply"/>')


@pytest.fixture
def waiting_for_signal(people, uow, tmp_path):
    return _sent_to_the_province(people, uow, tmp_path, '<bpmn:signalEventDefinition id="s" signalRef="recall"/>')


def test_the_province_reply_arrives_as_a_message_with_its_data_and_the_case_moves_on(people, uow, waiting_for_message):
    cases.send_message(uow, number=waiting_for_message, name=REPLY, payload={"reply_number": "15-CV/TU"}, actor=None)
    view = cases.get_case(uow, number=waiting_for_message)
    assert [t.element for t in view.open_tasks] == ["record"]
    assert view.data["reply_number"] == "15-CV/TU"
    received = [e for e in view.events if e.type == "message.received"]
    assert [(e.data["name"], e.data["payload"]) for e in received] == [(REPLY, {"reply_number": "15-CV/TU"})]
    people.cell_secretary.completes("record", waiting_for_message, {"note": "Đã ghi nhận."})
    assert cases.get_case(uow, number=waiting_for_message).status == "completed"
    assert replay.replay_case(uow, waiting_for_message).ok          # the auditor's replay re-delivers it


def test_a_message_the_case_does_not_wait_for_is_refused_and_changes_nothing(uow, waiting_for_message):
    before = cases.get_case(uow, number=waiting_for_message)
    with pytest.raises(InvalidInput) as refused:
        cases.send_message(uow, number=waiting_for_message, name="tin_khac", payload={}, actor=None)
    assert messages.message(refused.value) == "Hồ sơ không chờ thông điệp «tin_khac»."
    after = cases.get_case(uow, number=waiting_for_message)
    assert (after.status, len(after.events), [t.element for t in after.open_tasks]) == ("running", len(before.events), [])


def test_a_signal_moves_a_waiting_case_on_and_one_it_does_not_wait_for_is_refused(uow, waiting_for_signal):
    with pytest.raises(InvalidInput) as refused:
        cases.send_signal(uow, number=waiting_for_signal, name="tin_hieu_khac", payload=None, actor=None)
    assert messages.message(refused.value) == "Hồ sơ không chờ tín hiệu «tin_hieu_khac»."
    assert cases.get_case(uow, number=waiting_for_signal).status == "running"      # not put in error
    cases.send_signal(uow, number=waiting_for_signal, name=RECALL, payload=None, actor=None)
    assert [t.element for t in cases.get_case(uow, number=waiting_for_signal).open_tasks] == ["record"]
    assert replay.replay_case(uow, waiting_for_signal).ok


def test_the_cli_delivers_a_message_and_refuses_one_that_is_not_awaited(cli, waiting_for_message):
    sent = cli("case", "message", waiting_for_message, REPLY, "--payload", json.dumps({"reply_number": "16-CV/TU"}))
    assert sent.stdout.strip() == f"Đã gửi thông điệp «{REPLY}» tới hồ sơ {waiting_for_message}."
    shown = json.loads(cli("case", "show", waiting_for_message, "--json").stdout)
    assert shown["data"]["reply_number"] == "16-CV/TU"
    again = cli("case", "message", waiting_for_message, REPLY, ok=False)
    assert again.returncode == 1 and f"Hồ sơ không chờ thông điệp «{REPLY}»." in again.stderr
