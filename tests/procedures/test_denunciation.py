"""P10, denunciations against a member (Điều lệ Điều 32; Quy định 296-QĐ/TW), both variants, through the engine
services: a classified case (at least "mật"), the denouncer kept secret, the accused never on the team, 90 working
days with an extension warned at 60."""

import json
from datetime import timedelta

import pytest

from engine import deadlines
from engine.errors import AssignmentError, InvalidFormData, NotAllowed, NotFound
from engine.services import cases, catalogue, documents
from tests.people import CELL, Person
from tests.procedures.common import assert_completed, docx_text, field_errors
from tests.procedures.variants import check_durations, open_elements, pdf_text, render_case
from webapp import messages
from workflows.documents import DocumentNotApplicable

LETTER = {"denouncer_identified": True, "denouncer_name": "Nguyễn Thị Hằng",
          "denouncer_address": "Thôn Đông, xã Tân Tiến",
          "signer_count": 1, "accused": "levancuong", "accused_full_name": "Lê Văn Cường",
          "accused_position": "Đảng viên Chi bộ thôn Đông", "accused_in_competent_body": False,
          "within_competence": True,
          "content_summary": "Đảng viên sử dụng đất công sai mục đích, không báo cáo chi bộ.",
          "content_specific": True, "previously_handled": False, "new_evidence": False}
START = {"classification": 1, "received_date": "2026-09-01", "channel": "letter", "petition_register_number": "17",
         **LETTER}
TEAM = {"handling_decision_date": "2026-09-07", "team_leader": "dinhvanson",
        "team_members": ["dinhvanson", "khucthihanh"],
        "plan_summary": "Xác minh hồ sơ đất đai, làm việc với người bị tố cáo và người liên quan trong 30 ngày."}
VERIFY = {"explanation_received": True, "accused_explanation_summary": "Người bị tố cáo thừa nhận một phần.",
          "evidence_summary": "Biên bản làm việc, hồ sơ địa chính.", "findings": "Có sử dụng 200 m² đất công làm kho "
          "chứa vật tư không đúng mục đích.", "proposed_conclusion": "partly_founded", "propose_discipline": True,
          "team_report_date": "2026-11-09"}
CONCLUDE = {"conclusion_decision": "approve", "ubkt_meeting_date": "2026-11-16", "ubkt_members": 5, "ubkt_in_favour": 4,
            "conclusion": "partly_founded", "conclusion_text": "Tố cáo đúng một phần về việc sử dụng đất công.",
            "discipline_proposed": True}
NOTIFY = {"notified_on": "2026-11-20", "notice_channel": "secret_mail",
          "notice_text": "Ủy ban Kiểm tra đã kết luận và kiến nghị xử lý theo quy định."}

EXTENSION = {"extension_days": 30, "extension_reason": "Cần xác minh thêm tại cơ quan địa chính.",
             "extension_date": "2027-02-26", "denouncer_notified": True}


@pytest.fixture
def chair(uow):
    return Person(uow, "buithihoa")          # Chủ nhiệm Ủy ban Kiểm tra, clearance 2


@pytest.fixture
def leader(uow):
    return Person(uow, "dinhvanson")


def handle_until_verification(chair, case: str) -> None:
    chair.completes("classify", case, {"classify_decision": "handle", "classify_reason": "Thuộc thẩm quyền.",
                                       "classified_on": "2026-09-03"})
    chair.completes("assign_team", case, TEAM)


# --- Re-engineered -------------------------------------------------------------------------------------------

def test_a_denunciation_is_handled_concluded_and_notified_and_goes_on_to_discipline(chair, leader, uow, tmp_path):
    case = chair.opens("denunciation", unit=CELL, data=START)
    view = chair.sees(case)
    assert view.classification == 1 and view.title == f"Giải quyết tố cáo {case}"
    assert view.data["screening_suggestion"] == "handle" and view.due_at == deadlines.due_at("90WD", view.started_at)
    handle_until_verification(chair, case)
    assert view.data["accused"] not in chair.sees(case).data["team_members"]
    leader.completes("verify", case, VERIFY)
    chair.completes("conclude", case, CONCLUDE)
    chair.completes("notify_denouncer", case, NOTIFY)
    view = assert_completed(chair, case, uow)
    assert view.data["conclusion_passed"] is True and view.data["discipline_proposed"] is True

    conclusion = render_case(view, "denunciation_conclusion")
    text = docx_text(conclusion)
    assert "MẬT" in text and "ỦY BAN KIỂM TRA" in text and "Tố cáo đúng một phần" in text
    assert "Nguyễn Thị Hằng" not in text                                # the denouncer is never in the conclusion
    decision = docx_text(render_case(view, "handling_decision"))
    assert "đồng chí Đinh Văn Sơn (tổ trưởng); thành viên: Khúc Thị Hạnh" in decision
    assert "Nguyễn Thị Hằng" in docx_text(render_case(view, "result_notice"))
    with pytest.raises(DocumentNotApplicable):
        render_case(view, "forward_letter")
    pdf = pdf_text(tmp_path, {"denunciation_conclusion": conclusion}, view)["denunciation_conclusion"]
    assert "MẬT" in pdf and "KẾT LUẬN" in pdf


def test_the_accused_cannot_be_on_the_team_and_a_failed_vote_sends_back_to_verification(chair, leader, uow):
    # The accused here is a member of the committee itself (cleared for the case): the conflict rule, not the
    # clearance rule, keeps them off the team.
    against_member = {**START, "accused": "khucthihanh", "accused_full_name": "Khúc Thị Hạnh"}
    case = chair.opens("denunciation", unit=CELL, data=against_member)
    chair.completes("classify", case, {"classify_decision": "handle", "classify_reason": "Thuộc thẩm quyền.",
                                       "classified_on": "2026-09-03"})
    chair.completes("assign_team", case, TEAM)                  # TEAM names khucthihanh
    assert chair.sees(case).data["conflict_of_interest"] is True
    assert open_elements(chair, case) == ["assign_team"]
    chair.completes("assign_team", case, {**TEAM, "team_leader": "khucthihanh", "team_members": ["dinhvanson"]})
    assert open_elements(chair, case) == ["assign_team"]
    chair.completes("assign_team", case, {**TEAM, "team_members": ["dinhvanson"]})
    leader.completes("verify", case, VERIFY)
    chair.completes("conclude", case, {**CONCLUDE, "ubkt_in_favour": 2})
    assert chair.sees(case).data["conclusion_passed"] is False and open_elements(leader, case) == ["verify"]
    leader.completes("verify", case, VERIFY)
    chair.completes("conclude", case, {**CONCLUDE, "discipline_proposed": False})
    chair.completes("notify_denouncer", case, NOTIFY)
    assert_completed(chair, case, uow)


def test_verification_over_sixty_working_days_asks_for_an_extension(chair, leader, uow, clock):
    case = chair.opens("denunciation", unit=CELL, data=START)
    handle_until_verification(chair, case)
    due = deadlines.due_at("60WD", clock.now())
    clock.set(due - timedelta(minutes=1))
    assert cases.run_due_timers(uow) == 0
    clock.set(due + timedelta(minutes=1))
    assert cases.run_due_timers(uow) == 1
    assert open_elements(chair, case) == ["decide_extension", "verify"]
    chair.completes("decide_extension", case, EXTENSION)
    notice = docx_text(render_case(chair.sees(case), "extension_notice", step_input=EXTENSION))
    assert "gia hạn thêm 30 ngày làm việc" in notice and "Nguyễn Thị Hằng" in notice
    clock.advance(days=30)                                  # the extended verification, then the conclusion
    leader.completes("verify", case, {**VERIFY, "team_report_date": "2027-03-15"})
    chair.completes("conclude", case, {**CONCLUDE, "ubkt_meeting_date": "2027-03-19"})
    chair.completes("notify_denouncer", case, {**NOTIFY, "notified_on": "2027-03-24"})
    assert_completed(chair, case, uow)


def test_anonymous_letters_are_not_handled_and_a_case_against_a_committee_member_is_forwarded(chair, uow):
    anonymous = chair.opens("denunciation", unit=CELL, data={**START, "denouncer_identified": False, "signer_count": 0})
    assert chair.sees(anonymous).data["screening_suggestion"] == "not_handled"
    chair.completes("classify", anonymous, {"classify_decision": "not_handled", "classify_reason": "Đơn nặc danh.",
                                            "classified_on": "2026-09-03"})
    assert_completed(chair, anonymous, uow)
    against_member = chair.opens("denunciation", unit=CELL, data={**START, "accused": "dinhvanson",
                                                                  "accused_full_name": "Đinh Văn Sơn",
                                                                  "accused_in_competent_body": True})
    assert chair.sees(against_member).data["screening_suggestion"] == "forward"
    chair.completes("classify", against_member, {"classify_decision": "forward",
                                                 "forward_to": "Ủy ban Kiểm tra Tỉnh ủy",
                                                 "classify_reason": "Người bị tố cáo là ủy viên Ủy ban Kiểm tra.",
                                                 "classified_on": "2026-09-03"})
    view = assert_completed(chair, against_member, uow)
    letter = docx_text(render_case(view, "forward_letter"))
    assert "Kính gửi: Ủy ban Kiểm tra Tỉnh ủy." in letter and "Nguyễn Thị Hằng" not in letter


def test_the_case_is_hidden_from_users_without_clearance_and_from_the_accused(chair, people, uow):
    case = chair.opens("denunciation", unit=CELL, data={**START, "classification": 2})
    assert chair.sees(case).classification == 2
    for username in ("hoangvanem", "levancuong"):       # clearance 1 in the commune; the accused, clearance 0
        with pytest.raises(NotFound):
            cases.get_case(uow, number=case, actor=Person(uow, username).actor)
    assert not [t for t in people.party_building_board.inbox() if t.case == case]


def test_the_verification_cannot_be_given_to_someone_not_cleared_for_the_case(chair, leader, uow):
    case = chair.opens("denunciation", unit=CELL, data={**START, "classification": 2})
    chair.completes("classify", case, {"classify_decision": "handle", "classify_reason": "Thuộc thẩm quyền.",
                                       "classified_on": "2026-09-03"})
    events = len(chair.sees(case).events)
    with pytest.raises(AssignmentError) as refused:        # clearance 1: the step would wait for someone who
        chair.completes("assign_team", case, {**TEAM, "team_leader": "hoangvanem"})    # may not open the case
    assert refused.value.code == "assignment.not_cleared"
    assert "Tối mật" in messages.message(refused.value) and "hoangvanem" in messages.message(refused.value)
    assert len(chair.sees(case).events) == events and open_elements(chair, case) == ["assign_team"]
    _units, people = catalogue.form_choices(uow, unit_codes=[CELL, "HY-TANTIEN"], classification=2)
    offered = {username for username, _name in people}
    assert "dinhvanson" in offered and "hoangvanem" not in offered          # the picker offers the cleared only
    chair.completes("assign_team", case, TEAM)
    assert open_elements(leader, case) == ["verify"]


def test_a_team_member_without_the_clearance_for_the_case_is_refused(chair, uow):
    case = chair.opens("denunciation", unit=CELL, data={**START, "classification": 2})
    chair.completes("classify", case, {"classify_decision": "handle", "classify_reason": "Thuộc thẩm quyền.",
                                       "classified_on": "2026-09-03"})
    with pytest.raises(AssignmentError) as refused:      # named on the team, could never open a "tối mật" case
        chair.completes("assign_team", case, {**TEAM, "team_members": ["dinhvanson", "hoangvanem"]})
    assert (refused.value.code, refused.value.params["field"], refused.value.params["username"]) == \
        ("assignment.not_cleared", "team_members", "hoangvanem")
    assert open_elements(chair, case) == ["assign_team"]


def test_a_team_member_cleared_for_the_case_but_not_for_the_denouncer_never_sees_who_denounced(chair, uow):
    case = chair.opens("denunciation", unit=CELL, data=START)                   # "mật"; the denouncer: one above
    chair.completes("classify", case, {"classify_decision": "handle", "classify_reason": "Thuộc thẩm quyền.",
                                       "classified_on": "2026-09-03"})
    chair.completes("assign_team", case, {**TEAM, "team_members": ["dinhvanson", "hoangvanem"]})
    member = Person(uow, "hoangvanem")                                         # clearance 1
    seen = member.sees(case)
    assert seen.data["denouncer_name"] == "[đã che]" and seen.data["accused"] == "levancuong"
    assert "Nguyễn Thị Hằng" not in json.dumps(seen.as_json(), ensure_ascii=False)    # nor in the journal
    assert chair.sees(case).data["denouncer_name"] == "Nguyễn Thị Hằng"       # clearance 2
    Person(uow, "dinhvanson").completes("verify", case, VERIFY)
    chair.completes("conclude", case, CONCLUDE)
    chair.completes("notify_denouncer", case, NOTIFY)
    produced = {d.key: d for d in documents.list_documents(uow, number=case, actor=member.actor)}
    with pytest.raises(NotAllowed) as refused:                                   # the notice names the denouncer
        documents.open_document(uow, document_id=produced["result_notice"].id, actor=member.actor)
    assert refused.value.code == "document.above_clearance"
    _view, conclusion = documents.open_document(uow, document_id=produced["denunciation_conclusion"].id,
                                                actor=member.actor)                 # the conclusion never does
    assert "Nguyễn Thị Hằng" not in docx_text(conclusion)
    _view, notice = documents.open_document(uow, document_id=produced["result_notice"].id, actor=chair.actor)
    assert "Nguyễn Thị Hằng" in docx_text(notice)


def test_a_top_secret_denunciation_is_refused_when_nobody_on_the_committee_may_open_it(uow):
    clerk = Person(uow, "nguyenthivan")                     # the commune's records clerk, cleared "tuyệt mật"
    with pytest.raises(AssignmentError) as refused:         # the inspection committee is cleared up to "tối mật"
        clerk.opens("denunciation", unit=CELL, data={**START, "classification": 3})
    text = messages.message(refused.value)
    assert refused.value.code == "assignment.nobody_cleared"
    assert "Ủy ban Kiểm tra" in text and "Tuyệt mật" in text and "Đảng bộ xã Tân Tiến" in text
    assert cases.list_cases(uow, actor=clerk.actor) == []                            # nothing was opened


def test_the_case_must_be_classified_and_an_identified_denouncer_named(chair):
    with pytest.raises(InvalidFormData) as refused:
        chair.opens("denunciation", unit=CELL, data={**START, "classification": 0})
    assert field_errors(refused) == {"classification": "enum"}
    with pytest.raises(InvalidFormData) as refused:
        chair.opens("denunciation", unit=CELL, data={k: v for k, v in START.items() if k != "denouncer_name"})
    assert field_errors(refused) == {"denouncer_name": "required"}


# --- As-is ---------------------------------------------------------------------------------------------------

def test_the_paper_procedure_goes_through_the_clerk_twice_and_archives(chair, leader, uow):
    clerk = Person(uow, "nguyenthivan")
    case = clerk.opens("denunciation_asis", unit=CELL, data={"classification": 1, "received_date": "2026-09-01",
                                                             "channel": "letter", "petition_register_number": "18"})
    clerk.completes("forward_to_ubkt", case, {"handed_over_on": "2026-09-01", "receiver_signed": True})
    chair.completes("record_letter", case, LETTER)
    handle_until_verification(chair, case)
    clerk.completes("issue_handling_decision", case, {"handling_decision_number": "12-QĐ/UBKT",
                                                      "handling_decision_issued_on": "2026-09-08"})
    leader.completes("notify_accused", case, {"accused_notified_on": "2026-09-09", "explanation_due": "2026-09-19"})
    leader.completes("verify", case, {k: VERIFY[k] for k in ("explanation_received", "evidence_summary", "findings")})
    leader.completes("draft_report", case, {k: VERIFY[k] for k in ("proposed_conclusion", "propose_discipline",
                                                                   "team_report_date")})
    chair.completes("conclude", case, {**CONCLUDE, "conclusion_decision": "return"})
    leader.completes("verify", case, {k: VERIFY[k] for k in ("explanation_received", "evidence_summary", "findings")})
    leader.completes("draft_report", case, {k: VERIFY[k] for k in ("proposed_conclusion", "propose_discipline",
                                                                   "team_report_date")})
    chair.completes("conclude", case, CONCLUDE)
    clerk.completes("issue_conclusion", case, {"conclusion_number": "05-KL/UBKT", "conclusion_issued_on": "2026-11-17"})
    chair.completes("notify_denouncer", case, NOTIFY)
    clerk.completes("archive", case, {"dossier_code": "2026.UBKT.TC-01", "archived_on": "2026-11-24"})
    view = assert_completed(chair, case, uow)
    assert "Số 05-KL/UBKT" in docx_text(render_case(view, "denunciation_conclusion"))
    assert "Số 12-QĐ/UBKT" in docx_text(render_case(view, "handling_decision"))


def test_the_paper_procedure_files_an_anonymous_letter(chair, uow):
    clerk = Person(uow, "nguyenthivan")
    case = clerk.opens("denunciation_asis", unit=CELL, data={"classification": 1, "received_date": "2026-09-01",
                                                             "channel": "letter", "petition_register_number": "19"})
    clerk.completes("forward_to_ubkt", case, {"handed_over_on": "2026-09-01", "receiver_signed": True})
    anonymous = {k: v for k, v in LETTER.items() if not k.startswith("denouncer_")}
    chair.completes("record_letter", case, {**anonymous, "denouncer_identified": False, "signer_count": 0})
    chair.completes("classify", case, {"classify_decision": "not_handled", "classify_reason": "Đơn nặc danh.",
                                       "classified_on": "2026-09-03"})
    assert_completed(chair, case, uow)


def test_durations_cover_both_variants():
    check_durations("denunciation")
