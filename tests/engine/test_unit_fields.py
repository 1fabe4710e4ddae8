"""A unit named in a form (``x-widget: unit``) is checked by the engine, not only offered by the picker: it
exists, is of the level asked, and lies where the form says relative to the case's unit. A transfer
"inside the commune" to a ward's committee would give the receiving step to a cell secretary nobody is."""

from __future__ import annotations

import pytest

from engine.errors import InvalidFormData
from engine.services import people_fields
from engine.models import Unit
from sqlalchemy import select
from tests.people import CELL
from webapp import messages

TRANSFER = {"type": "object", "properties": {
    "scope": {"type": "string", "enum": ["internal", "same_province", "other_province"]},
    "to": {"type": "string", "title": "Tổ chức đảng nơi đến", "x-widget": "unit", "x-unit-where": {
        "by": "scope",
        "internal": {"level": "cell", "within": "commune", "not": "case"},
        "same_province": {"level": "commune", "within": "province", "not": "commune"},
        "other_province": {"level": "commune", "outside": "province"}}},
    "province": {"type": "string", "title": "Tỉnh ủy nơi đến", "x-widget": "unit", "x-unit-level": "province",
                 "x-unit-where": {"contains": "to"}}}}


def said(people, data: dict, schema=TRANSFER) -> list[str]:
    """What the engine says of ``data`` on a form of a case of the applicant's cell (Chi bộ thôn Đông)."""
    with people.uow as uow:
        cell = uow.session.scalar(select(Unit.id).where(Unit.code == CELL))
        try:
            people_fields.check(uow, schema, data, unit_id=cell, actor=people.applicant.actor)
        except InvalidFormData as refused:
            return [messages.field_message(e) for e in refused.errors]
    return []


def test_a_transfer_goes_where_its_scope_says(people):
    assert said(people, {"scope": "internal", "to": "HY-TANTIEN-TAY"}) == []
    assert said(people, {"scope": "same_province", "to": "HY-HONGCHAU"}) == []
    assert said(people, {"scope": "other_province", "to": "HN-BADINH", "province": "HN"}) == []


def test_a_transfer_inside_the_commune_to_a_ward_or_to_ones_own_cell_is_refused_saying_why(people):
    assert said(people, {"scope": "internal", "to": "HN-BADINH"}) == [
        "«Tổ chức đảng nơi đến»: «Đảng bộ phường Ba Đình» không phải là một chi bộ."]
    assert said(people, {"scope": "internal", "to": "HY-HONGCHAU-KP1"}) == [
        "«Tổ chức đảng nơi đến»: «Chi bộ khu phố 1» không trực thuộc Đảng bộ xã Tân Tiến."]
    assert said(people, {"scope": "internal", "to": CELL}) == [
        "«Tổ chức đảng nơi đến»: không được chọn chính Chi bộ thôn Đông."]


def test_another_province_must_be_another_province_and_contain_the_unit(people):
    assert said(people, {"scope": "other_province", "to": "HY-HONGCHAU"}) == [
        "«Tổ chức đảng nơi đến»: «Đảng bộ phường Hồng Châu» trực thuộc Đảng bộ tỉnh Hưng Yên; "
        "hãy chọn tổ chức đảng ngoài Đảng bộ tỉnh Hưng Yên."]
    assert said(people, {"scope": "same_province", "to": "HY-TANTIEN"}) == [
        "«Tổ chức đảng nơi đến»: không được chọn chính Đảng bộ xã Tân Tiến."]
    assert said(people, {"scope": "other_province", "to": "HN-BADINH", "province": "HY"}) == [
        "«Tỉnh ủy nơi đến»: Đảng bộ phường Ba Đình không trực thuộc «Đảng bộ tỉnh Hưng Yên»."]


def test_a_crafted_code_or_a_unit_of_another_level_is_refused(people):
    assert said(people, {"scope": "internal", "to": "ZZZ-NOWHERE"}) == [
        "«Tổ chức đảng nơi đến»: không có tổ chức đảng mã «ZZZ-NOWHERE»."]
    assert said(people, {"scope": "other_province", "to": "HN-BADINH", "province": "HN-BADINH"}) == [
        "«Tỉnh ủy nơi đến»: «Đảng bộ phường Ba Đình» không phải là một đảng bộ tỉnh, thành phố."]


@pytest.mark.parametrize("scope", ["", "bogus"])
def test_a_scope_naming_no_rule_leaves_only_the_units_existence_to_check(people, scope):
    assert said(people, {"scope": scope, "to": "HN-BADINH"}) == []
