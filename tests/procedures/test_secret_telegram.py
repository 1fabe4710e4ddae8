"""P12, secret telegrams (điện mật) at the commune office's cipher desk: register, deliver, recall and destroy, each
with its signed record, both variants, through the engine services. The telegram's text never enters the case."""

from datetime import timedelta

import pytest

from engine import deadlines
from engine.errors import InvalidFormData, NotFound
from engine.services import cases, documents
from tests.people import COMMUNE, Person
from tests.procedures.common import assert_completed, docx_text, field_errors
from tests.procedures.variants import check_durations, open_elements, pdf_text, render_case

HEADER = {"classification": 2, "urgency": "flash", "telegram_number": "125/VPTW",
          "sender_org": "Văn phòng Trung ương Đảng",
          "sent_at": "2026-11-26", "received_at": "2026-11-26"}
START = {**HEADER, "pages": 2, "ciphertext_sha256": "ab" * 32,
         "proposed_addressees": ["vuthiphuong", "buithihoa"]}
REVIEW = {"approved_addressees": ["vuthiphuong", "buithihoa"],
          "reading_instruction": "Đồng chí Chủ nhiệm UBKT nghiên cứu, tham mưu.", "destruction_pre_approved": True}
RECEIPT = {"received_on": "2026-11-26", "acknowledged": True}
RECALL = {"recalled_on": "2026-11-27", "copies_recalled": 2, "all_copies_returned": True}
DESTROY = {"destroyed_on": "2026-11-30", "method": "secure_erase", "witness": "lethimai"}


@pytest.fixture
def cipher(uow):
    return Person(uow, "maivantoan")           # cipher officer of the commune office, clearance 3


# --- Re-engineered -------------------------------------------------------------------------------------------

def test_a_telegram_is_registered_read_recalled_and_destroyed_with_signed_records(cipher, people, uow, clock,
                                                                                  tmp_path):
    case = cipher.opens("secret_telegram", unit=COMMUNE, data=START)
    assert cipher.sees(case).classification == 2 and cipher.sees(case).title == "Điện mật số 125/VPTW"
    cipher.completes("register", case, {"registered_on": "2026-11-26", "register_checked": True})
    people.standing_board.completes("leader_review", case, REVIEW)
    assert cipher.sees(case).data["readers"] == ["vuthiphuong", "buithihoa"]
    people.standing_board.completes("acknowledge", case, RECEIPT)
    Person(uow, "buithihoa").completes("acknowledge", case, RECEIPT)
    data = cipher.sees(case).data
    assert data["readers"] == [] and data["access_revoked"] is True
    clock.advance(days=1)                                       # recalled the next day
    cipher.completes("recall_record", case, RECALL)
    clock.advance(days=3)
    cipher.completes("destroy", case, DESTROY)                  # destruction approved by the leader in advance
    view = assert_completed(cipher, case, uow)
    records = {key: render_case(view, key) for key in ("telegram_register_entry", "telegram_delivery_receipt",
                                                        "telegram_recall_record", "telegram_destruction_record")}
    texts = {key: docx_text(data) for key, data in records.items()}
    assert all("TỐI MẬT" in text and "HỎA TỐC" in text for text in texts.values())
    delivery = texts["telegram_delivery_receipt"]
    assert "Vũ Thị Phương" in delivery and "Đã ký xác nhận" in delivery
    assert "chứng kiến của đồng chí Lê Thị Mai" in texts["telegram_destruction_record"]
    assert "ab" * 32 in texts["telegram_register_entry"]
    pdf = pdf_text(tmp_path, {"telegram_destruction_record": records["telegram_destruction_record"]}, view)
    assert "BIÊN BẢN" in pdf["telegram_destruction_record"] and "TỐI MẬT" in pdf["telegram_destruction_record"]


def test_the_reading_period_ends_access_and_the_office_chief_may_keep_the_telegram(cipher, people, uow, clock):
    case = cipher.opens("secret_telegram", unit=COMMUNE, data=START)
    cipher.completes("register", case, {"registered_on": "2026-11-26", "register_checked": True})
    people.standing_board.completes("leader_review", case, {**REVIEW, "destruction_pre_approved": False})
    people.standing_board.completes("acknowledge", case, RECEIPT)
    clock.set(deadlines.due_at("2WD", clock.now()) + timedelta(minutes=1))
    assert cases.run_due_timers(uow) == 1
    assert open_elements(cipher, case) == ["recall_record"]            # buithihoa's copy was withdrawn unread
    cipher.completes("recall_record", case, {**RECALL, "copies_recalled": 1})
    Person(uow, "lethimai").completes("approve_destruction", case, {"destruction_decision": "reject",
                                                                    "approval_note": "Lưu để đối chiếu."})
    view = assert_completed(cipher, case, uow)
    assert "Chưa nhận (đã thu hồi)" in docx_text(render_case(view, "telegram_delivery_receipt"))


def test_a_top_secret_telegram_is_hidden_from_leaders_without_clearance(cipher, uow):
    case = cipher.opens("secret_telegram", unit=COMMUNE, data={**START, "classification": 3,
                                                               "proposed_addressees": ["trandinhkhoa"]})
    cipher.completes("register", case, {"registered_on": "2026-11-26", "register_checked": True})
    with pytest.raises(NotFound):
        cases.get_case(uow, number=case, actor=Person(uow, "vuthiphuong").actor)     # Bí thư, clearance 2
    assert not Person(uow, "vuthiphuong").inbox()
    assert [t.element for t in Person(uow, "trandinhkhoa").inbox() if t.case == case] == ["leader_review"]


def test_the_case_keeps_a_hash_of_the_ciphertext_never_text(cipher):
    with pytest.raises(InvalidFormData) as refused:
        cipher.opens("secret_telegram", unit=COMMUNE, data={**START, "ciphertext_sha256": "Nội dung bản điện"})
    assert field_errors(refused) == {"ciphertext_sha256": "pattern"}


def stored_text(person, number: str, key: str) -> str:
    """The text of the latest document ``key`` the engine generated and stored for the case."""
    [view] = [d for d in documents.list_documents(person.uow, number=number, actor=person.actor)
              if d.key == key and d.latest]
    return docx_text(documents.open_document(person.uow, document_id=view.id, actor=person.actor)[1])


def read_and_recalled(cipher, people, uow) -> str:
    """A telegram read by both approved addressees and recalled the same day: it waits for destruction."""
    case = cipher.opens("secret_telegram", unit=COMMUNE, data=START)
    cipher.completes("register", case, {"registered_on": "2026-11-26", "register_checked": True})
    people.standing_board.completes("leader_review", case, REVIEW)
    people.standing_board.completes("acknowledge", case, RECEIPT)
    Person(uow, "buithihoa").completes("acknowledge", case, RECEIPT)
    cipher.completes("recall_record", case, {**RECALL, "recalled_on": "2026-11-26"})
    return case


def test_the_records_the_engine_stores_name_the_readers_and_the_witness_not_their_usernames(cipher, people, uow):
    case = read_and_recalled(cipher, people, uow)
    cipher.completes("destroy", case, {**DESTROY, "destroyed_on": "2026-11-26"})
    delivery = stored_text(cipher, case, "telegram_delivery_receipt")
    assert "\nVũ Thị Phương\n26/11/2026" in delivery and "\nBùi Thị Hoa\n26/11/2026" in delivery
    assert "vuthiphuong" not in delivery and "buithihoa" not in delivery
    destruction = stored_text(cipher, case, "telegram_destruction_record")
    assert "chứng kiến của đồng chí Lê Thị Mai" in destruction and "lethimai" not in destruction


def test_the_cipher_officer_who_destroys_the_telegram_is_not_its_witness(cipher, people, uow):
    case = read_and_recalled(cipher, people, uow)
    with pytest.raises(InvalidFormData) as refused:
        cipher.completes("destroy", case, {**DESTROY, "destroyed_on": "2026-11-26", "witness": "maivantoan"})
    assert field_errors(refused) == {"witness": "x-not-self"}


# --- As-is ---------------------------------------------------------------------------------------------------

def test_the_paper_procedure_waits_recalls_copy_by_copy_and_destroys_by_council(cipher, people, uow, clock):
    case = cipher.opens("secret_telegram_asis", unit=COMMUNE, data=HEADER)
    cipher.completes("decrypt", case, {"decrypted_on": "2026-11-26", "pages": 2})
    cipher.completes("register", case, {"registered_on": "2026-11-26"})
    people.standing_board.completes("leader_review", case, {k: REVIEW[k] for k in ("approved_addressees",
                                                                                   "reading_instruction")})
    cipher.completes("print_copies", case, {"copies_printed": 2})
    people.standing_board.completes("acknowledge", case, RECEIPT)
    Person(uow, "buithihoa").completes("acknowledge", case, RECEIPT)
    assert open_elements(cipher, case) == []                            # the reading period runs
    clock.set(deadlines.due_at("2WD", clock.now()) + timedelta(minutes=1))
    assert cases.run_due_timers(uow) == 1
    cipher.completes("recall_copies", case, {**RECALL, "copies_recalled": 1, "all_copies_returned": False})
    Person(uow, "lethimai").completes("remind_return", case, {"reminder_note": "Đề nghị nộp lại bản điện số 2."})
    cipher.completes("recall_copies", case, RECALL)
    cipher.completes("propose_destruction", case, {"proposed_on": "2026-12-01", "proposal_note": "Đã hết giá trị."})
    Person(uow, "lethimai").completes("approve_destruction", case, {"destruction_decision": "approve"})
    cipher.completes("destroy", case, {**DESTROY, "method": "burning"})
    view = assert_completed(cipher, case, uow)
    assert "theo phê duyệt của Chánh Văn phòng" in docx_text(render_case(view, "telegram_destruction_record"))
    assert "Số đăng ký (sổ điện mật)\n1\n" in docx_text(render_case(view, "telegram_register_entry"))


def test_durations_cover_both_variants():
    check_durations("secret_telegram")
