"""The dossier export: one case as a self-verifying ZIP (docs/audit.md, "Dossier").

Inside (flat, so that ``python3 verify.py`` runs in the unpacked folder)::

    manifest.json, manifest.json.p7s   what is inside, every file's sha256; sealed by the system
    verify.py, HUONG-DAN.txt           the standalone checker (standard library + openssl) and how to run it
    summary.html                       the case for a human reader, in Vietnamese
    definition/…                       the BPMN, DMN and form files the case ran on (hashes in the manifest)
    journal.jsonl                      one event per line: seq, type, at, actor, prev, hash and the exact body
    checkpoints/NNNN-KIND.json, .p7s   the signed checkpoints covering the case (+ Merkle path in the manifest)
    signatures/NNN-STEP.json, .p7s     each signed decision / sealed repair: the exact signed bytes and the CMS
    documents/NAME, NAME.p7s           generated documents and their signatures or seals
    attachments/ID-NAME                uploaded files
    certificates/root.pem, issuing.pem, system-SERIAL.pem, SERIAL.pem, issuing.crl

Redaction for a recipient without the clearance for some fields (``redaction.py``): those events are
written without their body, with their hash, and a redacted view; signatures over them keep only the
``.p7s``; documents that mention a hidden value, and attachments that cannot be inspected, are withheld
(listed with their sha256). ``verify.py`` reports each as "not verifiable here".
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import select

from engine import journal
from engine.clock import iso
from engine.errors import NotAllowed, NotFound
from engine.models import Attachment, Authority, Case, CaseEvent, Certificate, Document
from engine.services import (access_log, attachments, audit, certificates, checkpoints, definitions,
                             dossier_summary, redaction, seals)
from engine.uow import UnitOfWork
from engine.views import Actor

FORMAT = "quytrinh-dossier/1"
VERIFY_SOURCE = Path(__file__).resolve().parents[1] / "dossier_verify.py"


@dataclass(frozen=True)
class Dossier:
    filename: str
    content: bytes
    manifest: dict

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def export_case(uow: UnitOfWork, *, number: str, actor: Actor | None, clearance: int | None = None,
                via: access_log.Via | None = None, filed_by: str | None = None) -> Dossier:
    """Build the dossier of one case for a recipient of ``clearance`` (None: no redaction).

    ``actor=None`` is the command line's administrator or the archive filing a case (``filed_by``). An
    actor must be an auditor or an archivist who may see the case, and cannot export above their own
    clearance (their own is the default). The read is logged first. Needs the system certificate (the
    manifest's seal): :raises ConfigurationError: no CA passphrase.
    """
    via = via or access_log.Via()
    if actor is not None:
        if not (audit.can_audit(actor) or audit.can_use_archive(actor)):
            raise NotAllowed("audit.required")
        clearance = actor.clearance if clearance is None else clearance
        if clearance > actor.clearance:
            raise NotAllowed("dossier.clearance_above_own")
    if actor is not None or filed_by is None:
        audit.open_case(uow, actor, number, via=via, action="case.export",
                        detail={"clearance": clearance if clearance is not None else "full"})
    try:
        crl = certificates.current_crl(uow)
    except NotFound:
        crl = None
    findings = audit.verify_case(uow, number)
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().first()
        if case is None:
            raise NotFound("case.not_found", number=number)
        return _build(reader, case, clearance=clearance, crl=crl, findings=findings,
                      created_by=(actor.username if actor else filed_by or "cli"))


def _build(reader: UnitOfWork, case: Case, *, clearance: int | None, crl: bytes | None, findings,
           created_by: str) -> Dossier:
    record = definitions.record(reader, case.definition_id)
    rows = reader.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                  .order_by(CaseEvent.seq)).all()
    bodies = [json.loads(r.body) for r in rows]
    policy = redaction.policy_for(record.files, case.classification, clearance, bodies)
    files: dict[str, bytes] = {}
    manifest: dict = {"format": FORMAT, "case": case.number, "created_at": iso(reader.now), "created_by": created_by,
                      "recipient_clearance": clearance, "redacted_fields": sorted(policy.hidden)}

    # the definition
    listed = {}
    for name in sorted(record.files):
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            continue
        content = record.files[name].encode("utf-8")
        files[f"definition/{name}"] = content
        listed[name] = hashlib.sha256(content).hexdigest()
    manifest["definition"] = {"key": record.key, "version": record.version, "name": record.name,
                              "sha256": record.sha256, "main_file": record.main_file, "files": listed}

    # the journal
    lines, redacted_seqs, views = [], [], {}
    for row, body in zip(rows, bodies):
        view, hidden = redaction.redact(body, policy)
        line = {"seq": row.seq, "type": row.type, "at": body["at"], "actor": row.actor, "prev": row.prev_hash,
                "hash": row.hash}
        if hidden:
            line.update(redacted=True, view=view)
            redacted_seqs.append(row.seq)
        else:
            line["body"] = row.body
        views[row.seq] = view
        lines.append(json.dumps(line, ensure_ascii=False, sort_keys=True))
    files["journal.jsonl"] = ("\n".join(lines) + "\n").encode("utf-8")
    manifest["journal"] = {"events": len(rows), "head": case.head_hash, "redacted": redacted_seqs}

    # signatures of steps and repairs
    titles = {k: (m.get("title") or k) for k, m in record.meta.get("elements", {}).items()}
    signer_serials: set[str] = set()
    items = []
    for row, body in zip(rows, bodies):
        if row.signature is None:
            continue
        data = body.get("data") or {}
        decision = data.get("signed")
        step = data.get("element") or row.type
        stem = f"signatures/{row.seq:03d}-{_safe(step)}"
        files[stem + ".p7s"] = bytes(row.signature)
        item = {"seq": row.seq, "kind": "decision" if decision else "seal", "step": step,
                "label": titles.get(step, step), "signature": stem + ".p7s"}
        if decision:
            signer = decision.get("signer") or {}
            item["signer"] = signer.get("name")
            if signer.get("certificate"):
                signer_serials.add(signer["certificate"])
        else:
            item["signer"] = "Hệ thống quytrinh (con dấu số)"
        if row.seq in redacted_seqs:
            item["redacted"] = True
        else:
            files[stem + ".json"] = journal.canonical(decision) if decision else row.body.encode("utf-8")
            item["content"] = stem + ".json"
        items.append(item)
    manifest["signatures"] = items

    # documents and attachments
    data_dir = reader.settings.data_dir
    manifest["documents"] = []
    for doc in reader.session.scalars(select(Document).where(Document.case_id == case.id)
                                      .order_by(Document.event_seq, Document.key, Document.version)).all():
        content = _blob(data_dir, doc.sha256)
        name, name_hidden = redaction.redact(doc.filename, policy)
        entry = {"key": doc.key, "version": doc.version, "name": name, "title": doc.title, "sha256": doc.sha256,
                 "event": doc.event_seq, "signature_kind": doc.signature_kind}
        if content is None:
            entry["missing"] = True
        elif name_hidden or redaction.docx_mentions(content, policy):
            entry["withheld"] = True
        else:
            path = f"documents/{_safe(doc.filename)}"
            files[path] = content
            entry["path"] = path
            if doc.signature is not None:
                files[path + ".p7s"] = bytes(doc.signature)
                entry["signature"] = path + ".p7s"
        if doc.certificate_serial and doc.signature_kind == "person":
            signer_serials.add(doc.certificate_serial)
        manifest["documents"].append(entry)
    manifest["attachments"] = []
    added = {b["data"].get("attachment"): b["seq"] for b in bodies if b.get("type") == "attachment.added"}
    for item in reader.session.scalars(select(Attachment).where(Attachment.case_id == case.id)
                                       .order_by(Attachment.uploaded_at, Attachment.id)).all():
        name, name_hidden = redaction.redact(item.filename, policy)
        entry = {"id": item.id, "name": name, "sha256": item.sha256, "size": item.size, "event": added.get(item.id)}
        content = _blob(data_dir, item.sha256)
        if content is None:
            entry["missing"] = True
        elif policy.active and (name_hidden or item.kind != "docx" or redaction.docx_mentions(content, policy)):
            entry["withheld"] = True
        else:
            path = f"attachments/{item.id[:8]}-{_safe(item.filename)}"
            files[path] = content
            entry["path"] = path
        manifest["attachments"].append(entry)

    # checkpoints
    manifest["checkpoints"] = []
    for cover in checkpoints.coverage_of_case(reader, case.id):
        point = cover.checkpoint
        stem = f"checkpoints/{point['seq']:04d}-{point['kind']}"
        files[stem + ".json"] = point["body"].encode("utf-8")
        files[stem + ".p7s"] = point["signature"]
        item = {"seq": point["seq"], "kind": point["kind"], "at": point["at"], "file": stem + ".json",
                "signature": stem + ".p7s", "entry": cover.entry}
        if point["kind"] == "daily":
            item.update(index=cover.index, size=cover.size, path=cover.path)
        manifest["checkpoints"].append(item)

    # certificates and the CRL
    manifest["certificates"] = _certificates(reader, files, signer_serials)
    if crl is not None:
        files["certificates/issuing.crl"] = crl
        manifest["crl"] = "certificates/issuing.crl"

    manifest["export_checks"] = {
        "chain": findings.chain.ok, "checkpoints": findings.checkpoints.ok, "replay": findings.replay.ok,
        "signatures": findings.signatures.ok, "ok": findings.ok,
        "first": None if findings.first is None else {"check": findings.first.check, "event": findings.first.event,
                                                       "reason": findings.first.reason}}
    final_data, _ = redaction.redact(case.data, policy)
    files["summary.html"] = dossier_summary.render(reader, case=case, record=record, rows=rows, views=views,
                                                   manifest=manifest, findings=findings, data=final_data,
                                                   policy=policy).encode("utf-8")
    files["verify.py"] = VERIFY_SOURCE.read_bytes()
    files["HUONG-DAN.txt"] = dossier_summary.instructions(case.number).encode("utf-8")
    manifest["files"] = {path: {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
                         for path, content in sorted(files.items())}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    seal, _serial = seals.sign(reader, manifest_bytes, reader.now)
    files["manifest.json"] = manifest_bytes
    files["manifest.json.p7s"] = seal
    return Dossier(filename=f"{case.number}-ho-so.zip", content=_zip(files, reader.now), manifest=manifest)


def _certificates(reader: UnitOfWork, files: dict[str, bytes], serials: set[str]) -> dict:
    listed: dict = {"system": [], "signers": {}}
    for role in ("root", "issuing"):
        row = reader.session.scalars(select(Authority).where(Authority.role == role, Authority.active.is_(True))
                                     .order_by(Authority.id.desc()).limit(1)).first()
        if row is not None:
            files[f"certificates/{role}.pem"] = row.certificate_pem.encode("ascii")
            listed[role] = f"certificates/{role}.pem"
    for row in reader.session.scalars(select(Certificate).where(Certificate.kind == "system")
                                      .order_by(Certificate.issued_at)).all():
        path = f"certificates/system-{row.serial}.pem"
        files[path] = row.certificate_pem.encode("ascii")
        listed["system"].append(path)
    for serial in sorted(serials):
        row = reader.session.scalar(select(Certificate).where(Certificate.serial == serial))
        if row is not None:
            path = f"certificates/{serial}.pem"
            files[path] = row.certificate_pem.encode("ascii")
            listed["signers"][serial] = path
    return listed


def _blob(data_dir: str, digest: str) -> bytes | None:
    """The stored bytes as they are (a changed file goes into the dossier as found: verify.py names it)."""
    try:
        return attachments.storage_path(data_dir, digest).read_bytes()
    except FileNotFoundError:
        return None


def _safe(name: str) -> str:
    """A file name usable inside the ZIP on every system (Vietnamese letters kept)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return cleaned[:150] or "tep"


def _zip(files: dict[str, bytes], moment) -> bytes:
    buffer = io.BytesIO()
    stamp = moment.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if path == "verify.py" else 0o644) << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()

