"""The dossier export (docs/audit.md): a ZIP that verifies itself with its own verify.py on a clean interpreter
(standard library and openssl only), fails naming the place after any change, and redacts the fields above the
recipient's clearance while its chain and checkpoints still verify."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine import dossier_verify
from engine.services import dossier
from tests.people import CELL, Person
from tests.procedures import P1_START, run_p1

SYSTEM_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable


@pytest.fixture
def admitted(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number)
    return number


def unpack(content: bytes, where: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(where)
    return where


def run_verify(folder: Path) -> subprocess.CompletedProcess:
    """``python3 -I -S verify.py`` in the unpacked folder: no site-packages, no project, only PATH for openssl."""
    return subprocess.run([SYSTEM_PYTHON, "-I", "-S", "verify.py"], cwd=folder, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"}, timeout=120)


def test_verify_py_needs_only_the_standard_library():
    tree = ast.parse(Path(dossier_verify.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported and imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_the_exported_dossier_verifies_with_its_own_script_on_a_clean_interpreter(admitted, cli, tmp_path):
    target = tmp_path / "dossier.zip"
    assert "Đã xuất hồ sơ" in cli("audit", "export", admitted, "-o", str(target)).stdout
    folder = unpack(target.read_bytes(), tmp_path / "unpacked")
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"verify.py", "manifest.json", "manifest.json.p7s", "journal.jsonl", "summary.html", "HUONG-DAN.txt",
            "definition/admission.bpmn", "certificates/root.pem", "certificates/issuing.crl"} <= names
    assert any(n.startswith("checkpoints/") and n.endswith("-case.p7s") for n in names)
    assert {"signatures/008-cell_vote.p7s", "signatures/010-committee_vote.json"} <= names
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["definition"]["files"]["admission.bpmn"] == hashlib.sha256(
        (folder / "definition/admission.bpmn").read_bytes()).hexdigest()
    assert manifest["export_checks"]["ok"] is True and manifest["redacted_fields"] == []
    summary = (folder / "summary.html").read_text(encoding="utf-8")
    assert "Diễn biến hồ sơ" in summary and "Vũ Thị Phương" in summary and "Chữ ký số: toàn vẹn" in summary
    result = run_verify(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KẾT QUẢ: HỢP LỆ" in result.stdout
    assert "✓ Điểm chốt #1 (kết thúc hồ sơ) ký bởi hệ thống" in result.stdout
    assert "Chi bộ họp, biểu quyết đề nghị kết nạp (sự kiện #8): Phạm Thị Dung, hợp lệ" in result.stdout


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("target,offset,named", [
    ("documents/nghi-quyet-de-nghi-ket-nap-KN-2026-000001.docx", 200,
     "documents/nghi-quyet-de-nghi-ket-nap-KN-2026-000001.docx: nội dung đã bị thay đổi"),
    ("journal.jsonl", 400, "journal.jsonl: nội dung đã bị thay đổi"),
    ("signatures/010-committee_vote.p7s", -40, "signatures/010-committee_vote.p7s: nội dung đã bị thay đổi"),
])
def test_one_changed_byte_fails_the_verification_naming_the_file(uow, admitted, tmp_path, target, offset, named):
    folder = unpack(dossier.export_case(uow, number=admitted, actor=None).content, tmp_path / "d")
    _flip(folder / target, offset)
    result = run_verify(folder)
    assert result.returncode == 1, result.stdout
    assert f"✗ {named}" in result.stdout
    assert "KẾT QUẢ: KHÔNG HỢP LỆ" in result.stdout and named in result.stdout.splitlines()[-1]


def test_a_changed_journal_with_a_recomputed_manifest_is_still_caught_at_its_event(uow, admitted, tmp_path):
    """The forger also fixes the manifest's hash: the manifest's seal and the chain name what was done."""
    folder = unpack(dossier.export_case(uow, number=admitted, actor=None).content, tmp_path / "d")
    journal_path = folder / "journal.jsonl"
    forged = journal_path.read_text(encoding="utf-8").replace('\\"cell_in_favour\\":12', '\\"cell_in_favour\\":15')
    journal_path.write_text(forged, encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["journal.jsonl"]["sha256"] = hashlib.sha256(forged.encode("utf-8")).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1),
                                          encoding="utf-8")
    result = run_verify(folder)
    assert result.returncode == 1
    assert "✗ manifest.json: con dấu số của bản kê không hợp lệ" in result.stdout
    assert "✗ journal.jsonl sự kiện #8: nội dung không khớp mã băm" in result.stdout


def test_a_swapped_document_with_its_manifest_entry_fixed_is_caught_against_the_journal(uow, admitted, tmp_path):
    folder = unpack(dossier.export_case(uow, number=admitted, actor=None).content, tmp_path / "d")
    first = folder / "documents/quyet-dinh-ket-nap-KN-2026-000001.docx"
    second = folder / "documents/quyet-dinh-ket-nap-KN-2026-000001-v2.docx"
    first.write_bytes(second.read_bytes())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][first.relative_to(folder).as_posix()]["sha256"] = hashlib.sha256(first.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_verify(folder)
    assert result.returncode == 1
    assert "✗ documents/quyet-dinh-ket-nap-KN-2026-000001.docx: văn bản khác với mã băm ghi trong nhật ký" \
        in result.stdout


def test_fields_above_the_recipients_clearance_are_redacted_and_the_rest_still_verifies(uow, tmp_path):
    from tests.procedures.test_denunciation import CONCLUDE, NOTIFY, START, VERIFY, handle_until_verification
    chair, leader = Person(uow, "buithihoa"), Person(uow, "dinhvanson")
    number = chair.opens("denunciation", unit=CELL, data=START)          # "mật"; the denouncer's fields: "tối mật"
    handle_until_verification(chair, number)
    leader.completes("verify", number, VERIFY)
    chair.completes("conclude", number, CONCLUDE)
    chair.completes("notify_denouncer", number, NOTIFY)
    made = dossier.export_case(uow, number=number, actor=chair.actor, clearance=1)
    withheld = [d["key"] for d in made.manifest["documents"] if d.get("withheld")]
    kept = [d["key"] for d in made.manifest["documents"] if not d.get("withheld")]
    assert "result_notice" in withheld and "denunciation_conclusion" in kept
    assert set(made.manifest["redacted_fields"]) >= {"denouncer_name", "denouncer_address"}
    assert made.manifest["journal"]["redacted"][0] == 1
    folder = unpack(made.content, tmp_path / "redacted")
    for path in folder.rglob("*"):
        # the procedure's own files are not case data (P10's start form shows the same name as an example)
        if path.is_file() and not path.relative_to(folder).as_posix().startswith("definition/"):
            raw = path.read_bytes()
            texts = [raw]
            if raw.startswith(b"PK"):
                with zipfile.ZipFile(io.BytesIO(raw)) as package:
                    texts += [package.read(n) for n in package.namelist()]
            assert not any("Nguyễn Thị Hằng".encode() in t or b"Nguy\\u1ec5n" in t for t in texts), path
    journal = [json.loads(line) for line in (folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()]
    assert journal[0]["redacted"] is True and journal[0]["view"]["data"]["input"]["denouncer_name"] == "[đã che]"
    result = run_verify(folder)
    assert result.returncode == 0, result.stdout
    assert "Sự kiện #1 đã che" in result.stdout and "không kiểm tra được nội dung tại đây" in result.stdout
    full = dossier.export_case(uow, number=number, actor=chair.actor)           # the chair's own clearance: 2
    assert full.manifest["redacted_fields"] == []


def test_an_auditor_cannot_export_for_a_clearance_above_their_own(uow, people, admitted):
    from engine.errors import NotAllowed
    with pytest.raises(NotAllowed, match="dossier.clearance_above_own"):
        dossier.export_case(uow, number=admitted, actor=people.auditor.actor, clearance=3)
    with pytest.raises(NotAllowed, match="audit.required"):
        dossier.export_case(uow, number=admitted, actor=people.cell_secretary.actor)
