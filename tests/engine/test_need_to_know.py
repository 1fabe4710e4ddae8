"""Need to know: a classified case of a process that declares it is seen only by the people on it —
not by everyone holding a role in its unit or above, not by administrators — and never by the accused."""

import pytest

from engine.errors import NotFound
from engine.services import cases, search
from tests.people import CELL, COMMUNE, Person
from tests.procedures.test_denunciation import START as DENUNCIATION
from tests.procedures.test_document_flow import INCOMING, INSTRUCT

SECRET_IN = {**INCOMING, "classification": 1, "received_via": "secure_network"}


def _sees(uow, username, number) -> bool:
    actor = Person(uow, username).actor
    try:
        cases.get_case(uow, number=number, actor=actor)
    except NotFound:
        listed = False
    else:
        listed = True
    in_list = number in [c.number for c in cases.list_cases(uow, actor=actor, limit=200)]
    in_search = number in [c.number for c in search.search_cases(uow, actor=actor, text=number).items]
    assert listed == in_list == in_search, (username, listed, in_list, in_search)
    return listed


def test_a_secret_incoming_document_is_seen_by_the_people_on_it_only(uow):
    clerk = Person(uow, "nguyenthivan")                      # records clerk: custodian of the register
    number = clerk.opens("document_flow", unit=COMMUNE, data=SECRET_IN)
    # the standing board holds the open "instruct" task; a board member of the same commune does not
    assert _sees(uow, "vuthiphuong", number) and _sees(uow, "nguyenthivan", number)
    assert not _sees(uow, "hoangvanem", number)              # a role in the commune, clearance 1: not enough
    assert not _sees(uow, "quantri", number)                 # administrators are not on it either
    Person(uow, "vuthiphuong").completes("instruct", number, INSTRUCT)
    assert _sees(uow, "phamvanhieu", number)                 # named lead handler
    assert _sees(uow, "hoangvanem", number)                  # named coordinator, now on the case
    assert not _sees(uow, "vuthiphuong", number)             # her task is done: no longer on it


def test_an_ordinary_document_of_the_same_procedure_follows_the_unit_rule(uow):
    number = Person(uow, "nguyenthivan").opens("document_flow", unit=COMMUNE, data=INCOMING)
    assert _sees(uow, "hoangvanem", number) and _sees(uow, "quantri", number)


def test_the_accused_never_sees_the_denunciation_even_as_an_inspection_committee_member(uow):
    chair = Person(uow, "buithihoa")
    number = chair.opens("denunciation", unit=CELL, data={**DENUNCIATION, "accused": "dinhvanson",
                                                         "accused_full_name": "Đinh Văn Sơn"})
    assert _sees(uow, "buithihoa", number) and _sees(uow, "khucthihanh", number)   # the committee
    assert not _sees(uow, "dinhvanson", number)
    assert not _sees(uow, "phamthidung", number)           # the cell's secretary is not on the case


def test_a_process_cannot_be_opened_below_its_own_classification(uow):
    chair = Person(uow, "buithihoa")
    number = chair.opens("denunciation", unit=CELL, data=DENUNCIATION, classification=0)
    assert chair.sees(number).classification == 1
