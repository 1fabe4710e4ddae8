"""The demo auditor in headless Chromium (docs/audit.md): finds a finished P1 case, steps through it on the diagram
forward and back, sees each signed step's signature valid, exports the dossier, verifies it with the bundled
verify.py, changes one byte and sees the verification fail at that file. Screenshots go to test-artifacts/."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest

from tests.browser.test_admission_in_the_browser import sign_in
from tests.engine.test_audit_dossier import SYSTEM_PYTHON
from tests.people import CELL
from tests.procedures import P1_START, run_p1

pytestmark = pytest.mark.browser
SIGNED = {"cell_vote", "committee_vote", "issue_decision"}


def test_the_auditor_steps_through_a_finished_case_and_verifies_its_dossier(browser, server, people, shots,
                                                                             tmp_path):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number)
    page = sign_in(browser, server, "auditor")
    page.get_by_role("link", name="Kiểm tra", exact=True).click()
    page.select_option("select[name=process]", "admission")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    page.wait_for_load_state()
    shots(page, "audit-01-search")
    page.get_by_role("link", name="Xem từng bước").first.click()
    page.wait_for_selector("#audit-diagram[data-state=ready]")
    banner = page.locator("#audit-banner")
    assert "Phát lại khớp ✓" in banner.inner_text() and "✗" not in banner.inner_text()
    shots(page, "audit-02-first-step")

    seen = []
    count = int(page.locator("#stepper").get_attribute("data-count"))
    for index in range(count):
        step = page.locator(".audit-step.is-current")
        assert step.count() == 1
        seq = int(step.get_attribute("data-seq"))
        highlight = step.get_attribute("data-highlight").split()
        assert page.locator("#step-position").inner_text() == f"Sự kiện {index + 1} / {count}"
        for element in highlight:                       # the event's element is highlighted on the diagram
            assert page.locator(f"g.djs-element.qt-current[data-element-id='{element}']").count() == 1
        signature = step.locator(".signature-cell").inner_text()
        if SIGNED & set(highlight):
            assert "✓ Chữ ký hợp lệ" in signature, (seq, signature)
            seen.append(highlight[0])
            shots(page, f"audit-03-step-{seq:02d}-{highlight[0]}")
        else:
            assert "bước không ký số" in signature or "✓" in signature
        if index < count - 1:
            page.get_by_role("button", name="Sự kiện sau ›").click()
    assert seen == ["cell_vote", "committee_vote", "issue_decision"]
    page.get_by_role("button", name="‹ Sự kiện trước").click()
    page.keyboard.press("ArrowLeft")
    assert page.locator(".audit-step.is-current").get_attribute("data-seq") == str(count - 2)
    page.keyboard.press("ArrowRight")
    assert page.locator("#step-position").inner_text() == f"Sự kiện {count - 1} / {count}"
    vote = page.locator(".audit-step", has=page.locator("h2", has_text="Chi bộ họp, biểu quyết"))
    assert "Phạm Thị Dung" in vote.inner_text() and "Bí thư chi bộ, Chi bộ thôn Đông" in vote.inner_text()

    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất hồ sơ điện tử").click()
    content = open(download.value.path(), "rb").read()
    folder = tmp_path / "dossier"
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        package.extractall(folder)
    checked = subprocess.run([SYSTEM_PYTHON, "-I", "-S", "verify.py"], cwd=folder, capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin"})
    assert checked.returncode == 0 and "KẾT QUẢ: HỢP LỆ" in checked.stdout, checked.stdout
    target = folder / f"documents/nghi-quyet-de-nghi-ket-nap-{number}.docx"
    changed = bytearray(target.read_bytes())
    changed[100] ^= 0x01
    target.write_bytes(bytes(changed))
    failed = subprocess.run([SYSTEM_PYTHON, "-I", "-S", "verify.py"], cwd=folder, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"})
    assert failed.returncode == 1
    assert f"✗ documents/nghi-quyet-de-nghi-ket-nap-{number}.docx: nội dung đã bị thay đổi" in failed.stdout
    (tmp_path / "verify-output.txt").write_text(checked.stdout + "\n---\n" + failed.stdout, encoding="utf-8")

    page.goto(f"{server}/audit/log")
    assert "Xuất hồ sơ điện tử" in page.content() and "Kiểm tra từng bước hồ sơ" in page.content()
    shots(page, "audit-04-access-log")
    page.context.close()
