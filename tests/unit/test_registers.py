"""The registers of the catalogue (workflows/registers.py): how their numbers are written (Quy định 693-QĐ/VPTW,
399-QĐ/TW), and the secret register a classified case uses."""

import pytest

from workflows.registers import REGISTERS, CannotNumber, number_text, register_for


def test_a_classified_case_uses_the_secret_register_and_its_own_series():
    assert register_for("incoming", 0).code == "incoming" and register_for("incoming", 1).code == "incoming_secret"
    assert register_for("telegram", 3).code == "telegram"
    assert number_text(register_for("incoming", 2), 7, data={}, unit_level="commune") == "M7"


@pytest.mark.parametrize("number,kind,level,text", [
    (1, "Báo cáo", "commune", "01-BC/ĐU"), (15, "Công văn", "commune", "15-CV/ĐU"),
    (120, "Quy định", "province", "120-QĐi/TU"), (3, "Chương trình", "cell", "03-CTr/CB"),
])
def test_an_outgoing_number_carries_the_type_and_the_issuer(number, kind, level, text):
    assert number_text(REGISTERS["outgoing"], number, data={"document_type": kind}, unit_level=level) == text
    assert number_text(REGISTERS["outgoing"], number, data={"document_type": kind}, unit_level=level,
                       ordinal=True) == str(number)


def test_an_outgoing_number_needs_a_known_type_and_issuer():
    with pytest.raises(CannotNumber) as missing:
        number_text(REGISTERS["outgoing"], 1, data={"document_type": "Thư"}, unit_level="commune")
    assert missing.value.what == "document_type"
    with pytest.raises(CannotNumber) as missing:
        number_text(REGISTERS["outgoing"], 1, data={"document_type": "Báo cáo"}, unit_level="district")
    assert missing.value.what == "issuer"


def test_a_form_that_names_the_document_type_overrides_the_cases():
    assert number_text(REGISTERS["outgoing"], 1, data={}, unit_level="commune", document_type="Quyết định") \
        == "01-QĐ/ĐU"
    assert number_text(REGISTERS["outgoing_secret"], 12, data={"document_type": "Tờ trình"}, unit_level="province",
                       document_type="Quyết định") == "12-QĐ/TU"
