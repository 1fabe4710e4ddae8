"""P12, incoming and outgoing documents of a commune committee's office (Quy định 693-QĐ/VPTW; 399-QĐ/TW; secrets
law), both variants, through the engine services: separate registers and numbers for secret documents, the
leader's instruction, parallel handling, reminders on the handling deadline, and classification-gated access."""

from datetime import datetime, timezone

import pytest

from engine.errors import InvalidFormData, NotFound
from engine.services import cases, documents
from tests.people import COMMUNE, Person
from tests.procedures.common import assert_completed, docx_text, field_errors
from tests.procedures.variants import check_durations, open_elements, pdf_text, render_case
from webapp import messages

INCOMING = {"direction": "đến", "classification": 0, "urgency": "urgent", "document_type": "Kế hoạch",
            "subject": "Kế hoạch tổng kết công tác xây dựng Đảng năm 2026",
            "sender_org": "Ban Tổ chức Tỉnh ủy Hưng Yên",
            "sender_number": "245-KH/BTCTU", "sender_date": "2026-11-02", "received_date": "2026-11-05",
            "received_via": "party_network"}
TOP_SECRET_IN = {**INCOMING, "classification": 3, "subject": "", "received_via": "secure_network",
                 "document_type": "Công văn", "sender_number": "12-CV/TU"}
INSTRUCT = {"lead_handler": "phamvanhieu", "lead_unit": "HY-TANTIEN", "handling_deadline": "2026-12-10",
            "instruction": "Ban Xây dựng Đảng chủ trì tham mưu kế hoạch tổng kết.", "coordinators": ["hoangvanem"]}
HANDLE = {"handling_result": "done", "handling_note": "Đã tham mưu kế hoạch tổng kết của Đảng ủy xã.",
          "dossier_code": "2026.XDD.07", "handled_on": "2026-11-20"}
OUTGOING = {"direction": "đi", "classification": 0, "urgency": "normal", "document_type": "Báo cáo",
            "subject": "Báo cáo kết quả công tác xây dựng Đảng năm 2026",
            "recipients": "Ban Tổ chức Tỉnh ủy Hưng Yên\nLưu Văn phòng Đảng ủy", "draft_text": "Báo cáo gồm ba phần: "
            "kết quả, hạn chế, phương hướng năm 2027."}
FORMAT_OK = {"format_decision": "approve", "type_and_authority_ok": True, "layout_ok": True}
SIGN_OK = {"sign_decision": "approve", "classification_confirmed": True}
ISSUE = {"issued_date": "2026-11-25", "seal_applied": True, "dispatched_via": "party_network"}
SECRET_ISSUE = {"issued_date": "2026-11-25", "classification_mark_applied": True, "copies": 2,
                "dispatched_via": "secret_mail", "double_envelope": False}


@pytest.fixture
def clerk(uow):
    return Person(uow, "nguyenthivan")       # records clerk of the commune office, clearance 3


@pytest.fixture
def chief(uow):
    return Person(uow, "lethimai")            # office chief, clearance 3


@pytest.fixture
def deputy(uow):
    return Person(uow, "trandinhkhoa")        # standing deputy secretary, clearance 3


@pytest.fixture
def handler(uow):
    return Person(uow, "phamvanhieu")         # commune committee member, party-building specialist, clearance 2


# --- Re-engineered: incoming ---------------------------------------------------------------------------------

def test_an_incoming_document_is_registered_instructed_handled_in_parallel_and_filed(clerk, handler, people, uow,
                                                                                      tmp_path):
    case = clerk.opens("document_flow", unit=COMMUNE, data=INCOMING)
    view = clerk.sees(case)
    assert view.title == "Văn bản đến – Kế hoạch" and view.data["register_label"] == "Sổ đăng ký văn bản đến, số 1"
    people.standing_board.completes("instruct", case, INSTRUCT)
    assert open_elements(clerk, case) == ["contribute", "handle"]
    people.party_building_board.completes("contribute", case, {"contribution_note": "Đề nghị bổ sung số liệu.",
                                                                "contributed_on": "2026-11-16"})
    handler.completes("handle", case, HANDLE)
    view = assert_completed(clerk, case, uow)
    assert view.data["filed_in_dossier"] == "2026.XDD.07" and len(view.data["contributions"]) == 1
    slip = render_case(view, "incoming_routing_slip")
    text = docx_text(slip)
    assert "PHIẾU XỬ LÝ" in text and "KHẨN" in text and "Số đến\n1 (Sổ đăng ký văn bản đến)" in text
    assert "Phạm Văn Hiếu; Đảng bộ xã Tân Tiến" in text and "ĐẢNG ỦY XÃ TÂN TIẾN" in text
    pdf = pdf_text(tmp_path, {"incoming_routing_slip": slip}, view)["incoming_routing_slip"]
    assert "PHIẾU XỬ LÝ" in pdf and "Ban Tổ chức Tỉnh ủy Hưng Yên" in pdf


def test_a_top_secret_document_has_its_own_register_and_only_cleared_people_see_it(clerk, chief, deputy, uow):
    case = clerk.opens("document_flow", unit=COMMUNE, data=TOP_SECRET_IN)
    view = clerk.sees(case)
    assert view.classification == 3 and view.data["register_name"] == "Sổ đăng ký văn bản mật đến"
    for username in ("vuthiphuong", "phamvanhieu", "hoangvanem"):        # clearance 2, 2, 1
        with pytest.raises(NotFound):
            cases.get_case(uow, number=case, actor=Person(uow, username).actor)
    assert not [t for t in Person(uow, "vuthiphuong").inbox() if t.case == case]
    deputy.completes("instruct", case, {**INSTRUCT, "lead_handler": "lethimai", "coordinators": []})
    chief.completes("handle", case, HANDLE)
    view = assert_completed(clerk, case, uow)
    text = docx_text(render_case(view, "incoming_routing_slip"))
    assert "TUYỆT MẬT" in text and "trích yếu không được ghi" in text and "M1 (Sổ đăng ký văn bản mật đến)" in text


def test_a_top_secret_summary_is_written_only_when_permitted(clerk):
    with pytest.raises(InvalidFormData) as refused:
        clerk.opens("document_flow", unit=COMMUNE, data={**TOP_SECRET_IN, "subject": "Nội dung mật"})
    assert field_errors(refused) == {"subject": "maxLength"}
    permitted = clerk.opens("document_flow", unit=COMMUNE, data={**TOP_SECRET_IN, "subject": "Nội dung mật",
                                                                 "summary_permitted": True})
    assert clerk.sees(permitted).data["subject"] == "Nội dung mật"


def test_a_breached_envelope_is_reported_and_a_missed_deadline_reminded(clerk, chief, handler, people, uow, clock):
    case = clerk.opens("document_flow", unit=COMMUNE, data={**INCOMING, "classification": 1, "received_via": "paper",
                                                            "envelope_intact": False})
    chief.completes("report_breach", case, {"breach_minutes": "Bì thư có dấu hiệu bóc mở ở mép dán.",
                                            "sender_informed": True})
    people.standing_board.completes("instruct", case, {**INSTRUCT, "coordinators": []})
    clock.set(datetime(2026, 12, 10, 17, 1, tzinfo=timezone.utc))             # 00:01 on 11/12 in Hà Nội
    assert cases.run_due_timers(uow) == 1
    assert open_elements(chief, case) == ["handle", "remind_handler"]
    chief.completes("remind_handler", case, {"reminder_note": "Đề nghị hoàn thành trong tuần."})
    handler.completes("handle", case, {**HANDLE, "handled_on": "2026-12-11"})           # after the reminder
    assert_completed(clerk, case, uow)


# --- Re-engineered: outgoing ---------------------------------------------------------------------------------

def test_an_outgoing_document_is_checked_returned_signed_numbered_and_dispatched(clerk, chief, handler, people, uow):
    case = handler.opens("document_flow", unit=COMMUNE, data=OUTGOING)
    chief.completes("check_format", case, {**FORMAT_OK, "format_decision": "return", "layout_ok": False,
                                           "format_comment": "Sửa thể thức phần nơi nhận."})
    handler.completes("revise_draft", case, {"draft_text": OUTGOING["draft_text"], "revision_note": "Đã sửa nơi nhận."})
    chief.completes("check_format", case, FORMAT_OK)
    people.standing_board.completes("approve_sign", case, SIGN_OK)
    clerk.completes("register_outgoing", case, ISSUE)
    view = assert_completed(clerk, case, uow)
    assert view.data["document_number"] == "01-BC/ĐU"           # the first outgoing document of the year
    extract = docx_text(render_case(view, "outgoing_register_extract"))
    assert "TRÍCH SỔ ĐĂNG KÝ" in extract and "01-BC/ĐU" in extract and "Ban Tổ chức Tỉnh ủy Hưng Yên; Lưu" in extract


def test_a_top_secret_paper_dispatch_needs_two_envelopes(clerk, chief, deputy, uow):
    drafter = Person(uow, "lethimai")
    case = drafter.opens("document_flow", unit=COMMUNE, data={**OUTGOING, "classification": 3, "subject": ""})
    chief.completes("check_format", case, FORMAT_OK)
    deputy.completes("approve_sign", case, {**SIGN_OK, "sign_decision": "return", "sign_comment": "Bổ sung số liệu."})
    drafter.completes("revise_draft", case, {"draft_text": OUTGOING["draft_text"], "revision_note": "Đã bổ sung."})
    chief.completes("check_format", case, FORMAT_OK)
    deputy.completes("approve_sign", case, SIGN_OK)
    clerk.completes("register_secret_outgoing", case, SECRET_ISSUE)
    assert clerk.sees(case).data["envelopes_ok"] is False
    clerk.completes("register_secret_outgoing", case, {**SECRET_ISSUE, "double_envelope": True})   # same number
    view = assert_completed(clerk, case, uow)
    assert (view.data["secret_register_number"], view.data["document_number"]) == ("1", "01-BC/ĐU")
    extract = docx_text(render_case(view, "outgoing_register_extract"))
    assert "TUYỆT MẬT" in extract and "văn bản mật đi" in extract and "Hai lớp" in extract
    assert "Số thứ tự trong sổ văn bản mật đi\n1\n" in extract and "01-BC/ĐU" in extract


# --- Registration numbers given by the system (Quy định 693-QĐ/VPTW) ----------------------------------------------
# Each register of each office numbers from 1 on 1 January, consecutively; secret documents have their own register.

def _registered(person, data, unit=COMMUNE) -> str:
    return person.sees(person.opens("document_flow", unit=unit, data=data)).data["register_number"]


def test_incoming_documents_are_numbered_1_2_and_a_secret_one_m1_in_its_own_register(clerk, handler):
    assert _registered(clerk, INCOMING) == "1"
    assert _registered(clerk, {**INCOMING, "classification": 1, "received_via": "secure_network"}) == "M1"
    outgoing = handler.opens("document_flow", unit=COMMUNE, data=OUTGOING)     # not an incoming number
    assert "register_number" not in clerk.sees(outgoing).data
    assert _registered(clerk, INCOMING) == "2"
    assert _registered(clerk, TOP_SECRET_IN) == "M2"


def test_another_office_keeps_its_own_register_from_1(clerk):
    assert _registered(clerk, INCOMING) == "1"
    assert _registered(Person(clerk.uow, "lamthiyen"), INCOMING, unit="HY-HONGCHAU") == "1"
    assert _registered(clerk, INCOMING) == "2"


def test_a_new_year_starts_every_register_again_at_1(clerk, clock):
    clock.set(datetime(2026, 12, 31, 16, 59, tzinfo=timezone.utc))            # 23:59 on 31/12 in Hà Nội
    assert [_registered(clerk, INCOMING), _registered(clerk, TOP_SECRET_IN)] == ["1", "M1"]
    clock.set(datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))             # 00:00 on 1/1/2027 in Hà Nội
    assert [_registered(clerk, INCOMING), _registered(clerk, INCOMING), _registered(clerk, TOP_SECRET_IN)] == \
        ["1", "2", "M1"]


def test_a_number_typed_by_the_clerk_is_refused_and_the_register_untouched(clerk, chief, handler, people):
    with pytest.raises(InvalidFormData) as refused:
        clerk.opens("document_flow", unit=COMMUNE, data={**INCOMING, "register_number": "125"})
    assert field_errors(refused) == {"register_number": "register"}
    assert messages.field_message(refused.value.errors[0]) == \
        "«Số đến» do hệ thống tự cấp theo sổ đăng ký khi hoàn thành bước: không nhập số này."
    assert _registered(clerk, INCOMING) == "1"
    case = _signed_outgoing(handler, chief, people.standing_board)
    with pytest.raises(InvalidFormData) as refused:
        clerk.completes("register_outgoing", case, {**ISSUE, "document_number": "215-BC/ĐU"})
    assert field_errors(refused) == {"document_number": "register"}


def test_outgoing_numbers_carry_type_and_issuer_and_secret_ones_have_their_own_series(clerk, chief, deputy, handler,
                                                                                      people, uow):
    first = _signed_outgoing(handler, chief, people.standing_board)
    second = _signed_outgoing(handler, chief, people.standing_board, {**OUTGOING, "document_type": "Công văn"})
    secret = _signed_outgoing(chief, chief, deputy, {**OUTGOING, "classification": 2, "document_type": "Tờ trình"})
    clerk.completes("register_outgoing", second, ISSUE)                          # numbered in the order issued
    clerk.completes("register_outgoing", first, ISSUE)
    clerk.completes("register_secret_outgoing", secret, SECRET_ISSUE)
    assert [clerk.sees(case).data["document_number"] for case in (first, second, secret)] == \
        ["02-BC/ĐU", "01-CV/ĐU", "01-TTr/ĐU"]
    assert clerk.sees(secret).data["secret_register_number"] == "1"
    extract = next(d for d in documents.list_documents(uow, number=first, actor=None)
                   if d.key == "outgoing_register_extract")            # generated by the engine in the step
    _view, content = documents.open_document(uow, document_id=extract.id, actor=None)
    assert "Số, ký hiệu\n02-BC/ĐU" in docx_text(content)


def _signed_outgoing(drafter, chief, leader, data=OUTGOING) -> str:
    """An outgoing document drafted, checked and signed: waiting for the records clerk to number it."""
    case = drafter.opens("document_flow", unit=COMMUNE, data=data)
    chief.completes("check_format", case, FORMAT_OK)
    leader.completes("approve_sign", case, SIGN_OK)
    return case


# --- As-is ---------------------------------------------------------------------------------------------------

def test_the_paper_procedure_checks_the_envelope_registers_separately_and_distributes(clerk, chief, handler, people,
                                                                                       uow):
    case = clerk.opens("document_flow_asis", unit=COMMUNE, data={**INCOMING, "classification": 1,
                                                                 "received_via": "paper", "envelope_intact": False})
    clerk.completes("check_secret_envelope", case, {"envelope_ok": False, "delivery_slip_signed": True})
    chief.completes("report_breach", case, {"breach_minutes": "Bì có dấu hiệu bóc mở.", "sender_informed": True})
    clerk.completes("register_secret_incoming", case, {"registered_on": "2026-11-05"})
    chief.completes("present_to_chief", case, {"proposed_lead_unit": "HY-TANTIEN",
                                               "proposal": "Giao Ban Xây dựng Đảng."})
    people.standing_board.completes("instruct", case, {k: v for k, v in INSTRUCT.items() if k != "coordinators"})
    clerk.completes("distribute", case, {"copies_made": 1, "delivered_on": "2026-11-06", "receipts_signed": True})
    handler.completes("handle", case, HANDLE)
    handler.completes("file_document", case, {"filed_on": "2026-11-23"})
    view = assert_completed(clerk, case, uow)
    slip = docx_text(render_case(view, "incoming_routing_slip"))
    assert "Giao Ban Xây dựng Đảng." in slip and "M1 (Sổ đăng ký văn bản mật đến)" in slip


def test_the_paper_procedure_for_an_outgoing_document_signs_on_paper_and_dispatches(clerk, chief, handler, people, uow,
                                                                                     clock):
    case = handler.opens("document_flow_asis", unit=COMMUNE, data=OUTGOING)
    chief.completes("check_format", case, {**FORMAT_OK, "format_decision": "return"})
    handler.completes("revise_draft", case, {"draft_text": OUTGOING["draft_text"], "revision_note": "Đã sửa."})
    chief.completes("check_format", case, FORMAT_OK)
    clock.advance(hours=2)      # the draft comes back a second time later that day
    people.standing_board.completes("approve_sign", case, {**SIGN_OK, "sign_decision": "return"})
    handler.completes("revise_draft", case, {"draft_text": OUTGOING["draft_text"], "revision_note": "Đã sửa lần 2."})
    chief.completes("check_format", case, FORMAT_OK)
    people.standing_board.completes("approve_sign", case, SIGN_OK)
    people.standing_board.completes("sign_paper", case, {"signed_on": "2026-11-24"})
    clerk.completes("register_outgoing", case, {"issued_date": "2026-11-24", "seal_applied": True})
    clerk.completes("dispatch", case, {"dispatched_via": "post", "dispatched_on": "2026-11-25",
                                       "master_copy_kept": True})
    view = assert_completed(clerk, case, uow)
    assert "01-BC/ĐU" in docx_text(render_case(view, "outgoing_register_extract"))


def test_durations_cover_both_variants():
    check_durations("document_flow")
