"""The roles a lane may name, with their Vietnamese titles (glossary: ../shared/domain/procedures.md §4).

Since 1 July 2025 the party has central, provincial and commune/ward levels (Quy định 294-QĐ/TW): the
"upper committee" of a village or agency cell is usually the commune or ward committee.
"""

ROLES: dict[str, str] = {
    "party_member": "Đảng viên",
    "cell_secretary": "Bí thư chi bộ",
    "cell_deputy_secretary": "Phó Bí thư chi bộ",
    "cell_committee": "Chi ủy viên",
    "fee_collector": "Đảng viên được phân công thu đảng phí",
    "executive_committee": "Ủy viên Ban Chấp hành đảng bộ",
    "standing_board": "Ban Thường vụ đảng ủy",
    "party_building_board": "Ban Xây dựng Đảng",
    "committee_office": "Văn phòng đảng ủy",
    "office_chief": "Chánh Văn phòng",
    "records_clerk": "Văn thư",
    "inspection_committee": "Ủy ban Kiểm tra",
    "organisation_board": "Ban Tổ chức tỉnh ủy",
    "provincial_standing_board": "Ban Thường vụ tỉnh ủy",
    "cipher_office": "Phòng Cơ yếu – Công nghệ thông tin",
    "process_designer": "Người thiết kế quy trình",
}
