"""P1 documents as .docx: texts with diacritics, the layout of 36-HD/VPTW, identical bytes, PDF via LibreOffice."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
from docx import Document
from docx.shared import Mm, Pt

from tests import tools
from workflows.documents import (
    DocumentNotApplicable,
    MissingCaseData,
    Organisation,
    Signer,
    UnknownDocument,
    document_type,
    render,
)
from workflows.documents.text import date_in_words, percent, sentence, signing_time

ORGANISATION = Organisation(unit_name="Chi bộ thôn Đông", parent_name="Đảng bộ xã Tân Tiến",
                            committee_name="Đảng ủy xã Tân Tiến", superior_name="Đảng bộ tỉnh Hưng Yên",
                            place="Tân Tiến")
SECRETARY = Signer("Vũ Thị Phương", "Bí thư Đảng ủy xã",
                   signed_at=datetime(2026, 11, 25, 2, 15, tzinfo=timezone.utc))        # 09:15 in Hà Nội
CELL_SECRETARY = Signer("Phạm Thị Dung", "Bí thư Chi bộ thôn Đông")
CASE = {
    "case_number": "KN-2026-000001", "case_unit": "HY-TANTIEN-DONG",
    "full_name": "Nguyễn Văn An", "birth_date": "2000-03-12", "gender": "nam",
    "hometown": "xã Tân Tiến, tỉnh Hưng Yên", "occupation": "giáo viên", "education": "đại học",
    "youth_union_member": True,
    "verification_conclusion": "Lý lịch rõ ràng",
    "cell_meeting_date": "2026-10-20", "cell_full_members": 9, "cell_present": 8, "cell_in_favour": 8,
    "cell_vote_method": "bỏ phiếu kín",
    "cell_resolution_summary": "Quần chúng có lập trường tư tưởng vững vàng, hoàn thành tốt nhiệm vụ",
    "committee_meeting_date": "2026-11-20", "committee_members": 9, "committee_in_favour": 8,
    "decision_number": "125-QĐ/ĐU", "decision_date": "2026-11-25",
}


def texts(data: bytes) -> str:
    """All text of a .docx, body paragraphs and table cells, one paragraph a line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def decision(case=CASE, signer=SECRETARY) -> bytes:
    return render("admission_decision", case_data=case, organisation=ORGANISATION, signer=signer)


def resolution(case=CASE, signer=CELL_SECRETARY) -> bytes:
    return render("cell_resolution", case_data=case, organisation=ORGANISATION, signer=signer)


# --- Content ------------------------------------------------------------------------------------------------

def test_the_decision_reads_like_a_party_decision():
    text = texts(decision())
    for expected in [
        "ĐẢNG BỘ TỈNH HƯNG YÊN", "ĐẢNG ỦY XÃ TÂN TIẾN", "Số 125-QĐ/ĐU", "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Tân Tiến, ngày 25 tháng 11 năm 2026", "QUYẾT ĐỊNH", "về việc kết nạp đảng viên",
        "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
        "- Xét Nghị quyết ngày 20/10/2026 của Chi bộ thôn Đông đề nghị kết nạp quần chúng Nguyễn Văn An vào Đảng;",
        "BAN THƯỜNG VỤ ĐẢNG ỦY XÃ TÂN TIẾN QUYẾT ĐỊNH",
        "Điều 1. Kết nạp quần chúng Nguyễn Văn An, sinh ngày 12/03/2000, quê quán: xã Tân Tiến, tỉnh Hưng Yên, "
        "vào Đảng Cộng sản Việt Nam.",
        "Điều 2. Thời gian dự bị của đồng chí Nguyễn Văn An là 12 tháng",
        "Nơi nhận:", "- Như Điều 3,", "T/M BAN THƯỜNG VỤ", "BÍ THƯ",
        "Đã ký số bởi: Vũ Thị Phương – Bí thư Đảng ủy xã – 25/11/2026 09:15", "Vũ Thị Phương",
    ]:
        assert expected in text


def test_the_cell_resolution_reports_the_vote():
    text = texts(resolution())
    for expected in [
        "ĐẢNG BỘ XÃ TÂN TIẾN", "CHI BỘ THÔN ĐÔNG", "Số      -NQ/CB", "Tân Tiến, ngày 20 tháng 10 năm 2026",
        "NGHỊ QUYẾT", "đề nghị kết nạp đảng viên", "Hình thức biểu quyết: bỏ phiếu kín.",
        "1. Về lý lịch: quần chúng Nguyễn Văn An; giới tính: nam; sinh ngày 12/03/2000",
        "đoàn viên Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Kết luận thẩm tra lý lịch: Lý lịch rõ ràng.",
        "2. Về phẩm chất chính trị, đạo đức, lối sống, năng lực công tác: Quần chúng có lập trường",
        "3. Kết quả biểu quyết: 8 đồng chí đảng viên chính thức tán thành", "đạt 88,89% so với tổng số",
        "0 đồng chí không tán thành.", "Chi bộ đề nghị Ban Thường vụ Đảng ủy xã Tân Tiến xem xét",
        "T/M CHI BỘ", "Phạm Thị Dung", "- Lưu chi bộ.",
    ]:
        assert expected in text
    assert "Đã ký số" not in text                      # not signed yet: room for a hand signature


def test_a_decision_drafted_before_the_office_numbers_it_leaves_number_and_date_blank():
    draft = {k: v for k, v in CASE.items() if k not in ("decision_number", "decision_date")}
    text = texts(decision(draft, signer=None))
    assert "Số      -QĐ/ĐU" in text
    assert "Tân Tiến, ngày     tháng     năm 2026" in text
    assert "Đã ký số" not in text


def test_a_signed_decision_without_a_date_is_dated_on_the_signing_day_in_vietnam():
    late = Signer("Vũ Thị Phương", "Bí thư Đảng ủy xã", signed_at=datetime(2026, 11, 25, 18, 30, tzinfo=timezone.utc))
    undated = {k: v for k, v in CASE.items() if k != "decision_date"}
    assert "Tân Tiến, ngày 26 tháng 11 năm 2026" in texts(decision(undated, signer=late))


def test_a_vote_below_two_thirds_gives_no_proposal():
    with pytest.raises(DocumentNotApplicable):
        resolution({**CASE, "cell_in_favour": 5})
    with pytest.raises(DocumentNotApplicable):
        decision({**CASE, "committee_in_favour": 5})


def test_missing_case_data_is_named():
    with pytest.raises(MissingCaseData, match="birth_date"):
        decision({k: v for k, v in CASE.items() if k != "birth_date"})


def test_an_unknown_document_key_is_refused():
    with pytest.raises(UnknownDocument):
        render("membership_card", case_data=CASE, organisation=ORGANISATION)


def test_title_and_file_name():
    assert document_type("cell_resolution").title == "Nghị quyết đề nghị kết nạp đảng viên"
    assert document_type("cell_resolution").file_name(CASE) == "nghi-quyet-de-nghi-ket-nap-KN-2026-000001.docx"
    assert document_type("admission_decision").file_name(CASE) == "quyet-dinh-ket-nap-KN-2026-000001.docx"
    with pytest.raises(MissingCaseData):
        document_type("admission_decision").file_name({**CASE, "case_number": "../x"})


# --- Layout and bytes --------------------------------------------------------------------------------------

def test_the_page_and_fonts_follow_36_hd_vptw():
    document = Document(io.BytesIO(decision()))
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    expected = (Mm(210), Mm(297), Mm(20), Mm(20), Mm(30), Mm(15))
    assert all(abs(size - mm) < Mm(0.1) for size, mm in zip(sizes, expected, strict=True))     # stored in twips
    normal = document.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))
    motto = document.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert motto.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and motto.bold and motto.underline
    issuer = document.tables[0].rows[0].cells[0].paragraphs[1].runs[0]
    assert issuer.text == "ĐẢNG ỦY XÃ TÂN TIẾN" and issuer.bold
    assert document.tables[0].rows[0].cells[1].paragraphs[2].runs[0].italic       # place and date


def test_the_same_input_gives_the_same_bytes():
    assert decision() == decision()
    assert resolution() == resolution()
    later = Signer(SECRETARY.full_name, SECRETARY.position, signed_at=SECRETARY.signed_at + timedelta(minutes=1))
    assert decision(signer=later) != decision()


def test_file_properties_come_from_the_data_not_the_clock():
    properties = Document(io.BytesIO(decision())).core_properties
    assert properties.title == "Quyết định kết nạp đảng viên"
    assert properties.author == "Đảng ủy xã Tân Tiến"
    assert properties.created.replace(tzinfo=None) == datetime(2026, 11, 25, 2, 15)
    unsigned = Document(io.BytesIO(resolution())).core_properties
    assert unsigned.created.replace(tzinfo=None) == datetime(2026, 10, 19, 17, 0)   # 20/10 00:00 in Hà Nội


# --- Formatting helpers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("day, words", [
    (date(2026, 11, 25), "ngày 25 tháng 11 năm 2026"),
    (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),       # day < 10 and months 1–2 take a leading zero
    (date(2026, 4, 3), "ngày 03 tháng 4 năm 2026"),
])
def test_dates_in_words(day, words):
    assert date_in_words(day) == words


def test_numbers_and_times():
    assert percent(8, 9) == "88,89%" and percent(9, 9) == "100%" and percent(1, 2) == "50%"
    assert signing_time(datetime(2026, 11, 25, 2, 15, tzinfo=timezone.utc)) == "25/11/2026 09:15"
    assert sentence("  Lý lịch   rõ ràng ") == "Lý lịch rõ ràng." and sentence("Xong.") == "Xong."


# --- PDF through LibreOffice -------------------------------------------------------------------------------

def test_the_decision_converts_to_a_one_page_pdf(tmp_path):
    source = tmp_path / document_type("admission_decision").file_name(CASE)
    source.write_bytes(decision())
    [pdf] = tools.to_pdf([source], tmp_path)
    text = tools.pdf_text(pdf)
    assert "QUYẾT ĐỊNH" in text and "Nguyễn Văn An" in text and "Vũ Thị Phương" in text
    assert tools.pdf_pages(pdf) == 1


@pytest.mark.parametrize("unit, committee", [
    ("Đảng bộ phường Ba Đình", "Đảng ủy phường Ba Đình"), ("Đảng bộ tỉnh Hưng Yên", "Tỉnh ủy Hưng Yên"),
    ("Đảng bộ thành phố Hà Nội", "Thành ủy Hà Nội"), ("Chi bộ thôn Đông", "Chi ủy Chi bộ thôn Đông"),
    ("HN-BADINH", "HN-BADINH")])
def test_a_document_names_the_committee_that_speaks_for_a_party_organisation(unit, committee):
    from workflows.documents.model import committee_of
    assert committee_of(unit) == committee
