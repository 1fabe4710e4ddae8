"""Signing through the pages: the PIN dialog, refusals in Vietnamese (never a 500), the case page's documents
and ✓ per signed step, the published CA material, "my certificate" and the CA's administration page."""

from __future__ import annotations

import re

import pytest
from cryptography import x509

from engine.services import certificates
from tests.conftest import DEMO_PIN
from tests.http.helpers import as_form, completions
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data


@pytest.fixture
def at_committee(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="committee_vote")
    return case


def _task(people, case):
    return people.standing_board.task("committee_vote", case)


def test_the_task_page_of_a_signed_step_asks_for_the_pin_and_shows_the_certificate(login, people, at_committee):
    page = login("standing_board").get(f"/tasks/{_task(people, at_committee).id}").get_data(as_text=True)
    assert 'name="pin"' in page and 'type="password"' in page and "data-sign" in page
    assert 'id="sign-dialog"' in page and "Ký số" in page
    assert "Bạn ký bằng chứng thư số của Vũ Thị Phương (Bí thư Đảng ủy xã, Đảng bộ xã Tân Tiến)" in page
    assert "js/signing.js" in page


def test_without_a_pin_the_step_is_refused_in_vietnamese_and_nothing_changes(login, people, at_committee):
    response = login("standing_board").post(f"/tasks/{_task(people, at_committee).id}/complete",
                                            data=as_form(step_data("committee_vote")))
    assert response.status_code == 422
    assert "cần chữ ký số: vui lòng nhập mã PIN" in response.get_data(as_text=True)
    assert completions(people, at_committee, "committee_vote") == 0


def test_a_wrong_pin_gets_a_vietnamese_message_and_keeps_what_was_typed(login, people, at_committee):
    response = login("standing_board").post(f"/tasks/{_task(people, at_committee).id}/complete",
                                            data={**as_form(step_data("committee_vote")), "pin": "975310"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mã PIN không đúng. Còn 4 lần thử trước khi khóa ký bị khóa." in page
    assert 'value="2026-11-24"' in page and "975310" not in page
    assert completions(people, at_committee, "committee_vote") == 0


def test_the_right_pin_signs_and_the_case_page_shows_the_documents_and_a_tick(login, people, at_committee):
    clerk = login("standing_board")
    response = clerk.post(f"/tasks/{_task(people, at_committee).id}/complete",
                          data={**as_form(step_data("committee_vote")), "pin": DEMO_PIN})
    assert response.status_code == 302
    page = login("cell_secretary").get(f"/cases/{at_committee}").get_data(as_text=True)
    assert "Quyết định kết nạp đảng viên" in page and "Nghị quyết đề nghị kết nạp đảng viên" in page
    assert "Đã ký số bởi Vũ Thị Phương, Bí thư Đảng ủy xã" in page
    assert page.count("✓ chữ ký số hợp lệ") == 2 and "✗" not in page
    links = re.findall(r'href="(/documents/[0-9a-f-]{36}(?:\.p7s)?)"', page)
    assert len(links) == 4
    viewer = login("cell_secretary")
    docx = viewer.get(next(link for link in links if not link.endswith(".p7s")))
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert "wordprocessingml" in docx.headers["Content-Type"]
    p7s = viewer.get(next(link for link in links if link.endswith(".p7s")))
    assert p7s.status_code == 200 and p7s.headers["Content-Type"] == "application/pkcs7-signature"
    # Someone who may not see the case may not fetch its documents either (and learns nothing).
    outsider = login("other_commune_secretary")
    assert outsider.get(links[0]).status_code == 404
    assert outsider.get(links[1]).status_code == 404


def test_the_ca_material_is_published_without_an_account(client, uow, people):
    root = client.get("/ca/root.pem")
    assert root.status_code == 200 and root.data.startswith(b"-----BEGIN CERTIFICATE-----")
    issuing = x509.load_pem_x509_certificate(client.get("/ca/issuing.pem").data)
    crl = x509.load_der_x509_crl(client.get("/ca/crl.der").data)
    assert crl.is_signature_valid(issuing.public_key())
    serial = certificates.list_certificates(uow, user_id=people.standing_board.actor.user_id)[0].serial
    assert client.get(f"/ca/status/{serial}").get_json()["status"] == "good"
    assert client.get("/ca/status/ABCDEF").get_json()["status"] == "unknown"


def test_my_certificate_page_downloads_and_opens_a_revocation_case(login, people, uow):
    me = login("standing_board")
    page = me.get("/certificate").get_data(as_text=True)
    serial = certificates.list_certificates(uow, user_id=people.standing_board.actor.user_id)[0].serial
    assert serial in page and "Đang dùng" in page and "Đề nghị thu hồi" in page
    pem = me.get(f"/certificate/{serial}.pem")
    assert pem.status_code == 200 and x509.load_pem_x509_certificate(pem.data).serial_number == int(serial, 16)
    assert login("cell_secretary").get(f"/certificate/{serial}.pem").status_code == 404
    refused = me.post("/certificate/revoke", data={"serial": serial, "revocation_reason": "nonsense",
                                                   "request_reason": "Mất thiết bị"})
    assert refused.status_code == 422 and "Lý do thu hồi «nonsense» không hợp lệ" in refused.get_data(as_text=True)
    opened = me.post("/certificate/revoke", data={"serial": serial, "revocation_reason": "key_compromise",
                                                  "request_reason": "Mất thiết bị ký số"})
    assert opened.status_code == 302 and "/requests/CTS-2026-" in opened.headers["Location"]
    number = opened.headers["Location"].rsplit("/", 1)[1]
    assert people.committee_office.task("unit_approval", number)


def test_choosing_a_new_pin_must_be_typed_twice_alike(login, people):
    number = people.applicant.opens("certificate", unit=CELL, data={"request_type": "issue",
                                                                    "request_reason": "Ký văn bản điện tử"})
    task = people.applicant.task("generate_key", number)
    applicant = login("applicant")
    page = applicant.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'name="pin_confirm"' in page and "data-sign" not in page
    response = applicant.post(f"/tasks/{task.id}/complete", data={"pin_kept_secret": "true", "pin": "864209",
                                                                  "pin_confirm": "864208"})
    assert response.status_code == 422 and "Hai lần nhập mã PIN không giống nhau." in response.get_data(as_text=True)
    response = applicant.post(f"/tasks/{task.id}/complete", data={"pin_kept_secret": "true", "pin": "864209",
                                                                  "pin_confirm": "864209"})
    assert response.status_code == 302


def test_the_ca_administration_page_is_for_administrators(login):
    page = login("admin").get("/admin/ca")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "CA gốc" in text and "Chứng thư đã cấp" in text and "Vũ Thị Phương" in text and "crl.der" in text
    assert login("standing_board").get("/admin/ca").status_code == 403


def test_a_revocation_asked_on_my_certificate_page_refuses_the_next_signature(login, people, uow, at_committee):
    me = login("standing_board")
    serial = certificates.list_certificates(uow, user_id=people.standing_board.actor.user_id)[0].serial
    opened = me.post("/certificate/revoke", data={"serial": serial, "revocation_reason": "key_compromise"})
    number = opened.headers["Location"].rsplit("/", 1)[1]
    people.committee_office.completes("unit_approval", number, {"approval_decision": "approve",
                                                                "approval_note": "Xác nhận mất thiết bị."})
    people.cipher_office.completes("revoke_certificate", number, {"revocation_checked": True})
    task = _task(people, at_committee)
    page = me.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'id="signing-problem"' in page and f"Chứng thư số {serial} đã bị thu hồi" in page
    response = me.post(f"/tasks/{task.id}/complete", data={**as_form(step_data("committee_vote")), "pin": DEMO_PIN})
    assert response.status_code == 422 and "đã bị thu hồi" in response.get_data(as_text=True)
    assert "Đã thu hồi" in me.get("/certificate").get_data(as_text=True)
