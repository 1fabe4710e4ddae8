"""Form data that walks P1 (admission) through each step; shared by engine, HTTP and browser tests."""

from __future__ import annotations

P1_START = {
    "full_name": "Nguyễn Văn An", "birth_date": "2000-05-01", "gender": "nam", "hometown": "Hưng Yên",
    "education": "đại học", "sympathiser_certificate_date": "2025-03-01",
    "introducers": ["tranthibinh", "levancuong"],
}
#: An admission in the cell of another commune (Chi bộ khu phố 1, Hồng Châu), introduced by its members.
P1_START_ELSEWHERE = {**P1_START, "introducers": ["dothilan", "nongthiquyen"]}
P1_STEPS = [
    ("applicant", "submit_application", {
        "application_letter": "Tôi tự nguyện xin gia nhập Đảng Cộng sản Việt Nam, phấn đấu vì mục tiêu của Đảng.",
        "biography_summary": "Sinh năm 2000 tại Hưng Yên; tốt nghiệp đại học năm 2022; công tác tại hợp tác xã.",
        "commitment": True}),
    ("cell_secretary", "review_application", {"review_decision": "approve", "review_comment": "Đủ điều kiện.",
                                              "eligible_age": True, "certificate_valid": True}),
    ("introducer1", "introduce", {"months_known": 24, "assessment": "Quần chúng ưu tú, gương mẫu trong công tác.",
                                  "recommend": True}),
    ("introducer2", "introduce", {"months_known": 14, "assessment": "Có tinh thần trách nhiệm, đạo đức tốt.",
                                  "recommend": True}),
    ("cell_secretary", "collect_comments", {"mass_organisation_comment": "Đoàn thanh niên nhận xét tốt.",
                                            "residence_comment": "Chi bộ nơi cư trú nhận xét tốt."}),
    ("party_building_board", "verify_biography", {"verification_result": "clear",
                                                  "verification_conclusion": "Lý lịch rõ ràng, không có vấn đề."}),
    ("cell_secretary", "cell_vote", {"cell_meeting_date": "2026-11-20", "cell_full_members": 15, "cell_present": 14,
                                     "cell_in_favour": 12, "cell_vote_method": "bỏ phiếu kín"}),
    ("party_building_board", "appraise", {"appraisal": "Hồ sơ đầy đủ, đúng quy trình.", "proposal": "propose_admission"}),
    ("standing_board", "committee_vote", {"committee_meeting_date": "2026-11-24", "committee_members": 5,
                                          "committee_in_favour": 5}),
    # the decision's number is the engine's, from the commune committee's register (docs/registers.md)
    ("committee_office", "issue_decision", {"decision_date": "2026-11-25"}),
    ("cell_secretary", "admission_ceremony", {"ceremony_date": "2026-11-26",
                                              "ceremony_minutes": "Lễ kết nạp được tổ chức trang trọng."}),
]


def step_data(element: str) -> dict:
    return dict(next(data for _, name, data in P1_STEPS if name == element))


def run_p1(people, case: str, *, until: str | None = None) -> None:
    """Complete P1's steps in order, stopping before ``until`` (an element id) if given."""
    for who, element, data in P1_STEPS:
        if element == until:
            return
        getattr(people, who).completes(element, case, data)
