"""The auditor's pages: search, step-through on the diagram, the dossier, the access log; the archive.

Each view reads through one engine service that checks who may read and writes the access log first
(engine/services/access_log.py); the pages add no right to see a case (docs/audit.md).
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import wraps
from urllib.parse import quote

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine.errors import InvalidInput, NotAllowed, QuytrinhError
from engine.services import access_log, archive, audit, audit_search, catalogue, definitions, dossier
from engine.views import STATUSES
from webapp import messages
from webapp.context import current_actor, int_arg, uow
from webapp.errors import status_of
from webapp.i18n import format_date, format_datetime
from webapp.templating import CLASSIFICATION_LABELS, STATUS_LABELS, SYSTEM_FIELD_LABELS

bp = Blueprint("audit", __name__)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def via() -> access_log.Via:
    return access_log.Via("web", request.remote_addr)


def auditor_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        audit.ensure_auditor(current_actor())      # NotAllowed -> the 403 page
        return view(*args, **kwargs)
    return wrapped


def archivist_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not audit.can_use_archive(current_actor()):
            raise NotAllowed("archive.required")
        return view(*args, **kwargs)
    return wrapped


@bp.app_context_processor
def audit_links():
    """``can_audit()`` and ``can_use_archive()`` for the header's links."""
    signed_in = lambda: current_user.is_authenticated  # noqa: E731
    return {"can_audit": lambda: signed_in() and audit.can_audit(current_user.actor),
            "can_use_archive": lambda: signed_in() and audit.can_use_archive(current_user.actor)}


# Search --------------------------------------------------------------------------------------------

def _date_arg(name: str) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("audit.invalid_date", value=value[:20]) from None


@bp.get("/audit/")
@auditor_required
def index():
    status = request.args.get("status") or None
    criteria = audit_search.Criteria(
        process=request.args.get("process") or None, unit=request.args.get("unit") or None,
        opened_from=_date_arg("from"), opened_to=_date_arg("to"), acted_by=(request.args.get("actor") or "").strip()
        or None, status=status if status in STATUSES else None, overdue=request.args.get("overdue") == "1",
        text=request.args.get("q", ""))
    result = audit_search.search(uow(), actor=current_actor(), criteria=criteria, page=int_arg("page", 1),
                                 per_page=20, via=via())
    processes = sorted({d.key: d.name for d in definitions.list_definitions(uow(), latest_only=True)}.items(),
                       key=lambda item: item[1])
    return render_template("audit/index.html", result=result, criteria=criteria, statuses=STATUSES,
                           processes=processes, units=catalogue.list_units(uow()),
                           pages=max((result.total + 19) // 20, 1), args=request.args)


# Step-through --------------------------------------------------------------------------------------

@bp.get("/audit/cases/<number>")
@auditor_required
def case(number: str):
    trail = audit.step_through(uow(), actor=current_actor(), number=number, via=via())
    steps = [_step_json(step, trail) for step in trail.steps]
    return render_template("audit/case.html", trail=trail, steps=steps, banner=_banner(trail),
                           clearance=current_actor().clearance)


@bp.get("/audit/cases/<number>/steps.json")
@auditor_required
def steps_json(number: str):
    trail = audit.step_through(uow(), actor=current_actor(), number=number, via=via(), action="case.steps")
    return jsonify({"case": trail.number, "status": trail.status, "banner": _banner(trail),
                    "redacted_fields": list(trail.redacted_fields),
                    "steps": [_step_json(step, trail) for step in trail.steps]})


@bp.get("/audit/cases/<number>/dossier.zip")
@auditor_required
def export(number: str):
    actor = current_actor()
    clearance = request.args.get("clearance", type=int)
    made = dossier.export_case(uow(), number=number, actor=actor, clearance=clearance, via=via())
    return _zip_response(made.filename, made.content)


def _zip_response(name: str, content: bytes) -> Response:
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _banner(trail: audit.StepThrough) -> dict:
    """What the banner says: replay verified ✓ or where it diverged, and the other checks."""
    replay = trail.replay
    if replay.ok:
        text = _("Replay verified ✓ — the %(n)d recorded steps lead to the recorded state", n=len(replay.steps))
    else:
        reasons = {"definition": _("the procedure's files were changed after deployment"),
                   "input": _("a recorded input no longer applies"),
                   "state": _("the state after the event differs from the recorded one")}
        text = _("Replay diverges at event #%(seq)d: %(reason)s", seq=replay.diverged_at or 0,
                 reason=reasons.get(replay.reason or "", replay.reason or ""))
    checks = [(_("Hash chain"), trail.chain.ok), (_("Signed checkpoints"), trail.checkpoints.ok),
              (_("Digital signatures"), trail.signatures_ok)]
    first_break = None
    if not trail.chain.ok:
        first_break = trail.chain.broken_at
    elif not trail.checkpoints.ok:
        found = trail.checkpoints.first_for_case(trail.number)
        first_break = found.event if found else None
    return {"ok": trail.intact, "replay_ok": replay.ok, "text": text, "diverged_at": replay.diverged_at,
            "checks": [{"label": label, "ok": ok} for label, ok in checks], "first_break": first_break}


def _value(value, info=None) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "":
        return "—"
    if info is not None and not isinstance(value, (list, dict)) and value in info.enum_titles:
        return str(info.enum_titles[value])
    if isinstance(value, list):
        return ", ".join(_value(v, info) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return format_date(value)
    return str(value)


def _title(key: str, titles: dict) -> str:
    if key in SYSTEM_FIELD_LABELS:
        return str(SYSTEM_FIELD_LABELS[key])
    return titles[key].title if key in titles else key


def _field(key: str, titles: dict) -> dict:
    """A field's title; ``untitled`` when no form names it (a variable a script computes): its key is shown."""
    title = _title(key, titles)
    return {"key": key, "title": title, "untitled": title == key}


def _rows(data: dict, titles: dict) -> list[dict]:
    return [{**_field(k, titles), "value": _value(v, titles.get(k))} for k, v in data.items()]


def _step_json(step: audit.AuditStep, trail: audit.StepThrough) -> dict:
    titles = trail.field_titles
    signature = None
    if step.signature is not None:
        check = step.signature
        signature = {"ok": check.ok, "signer": check.signer_name, "serial": check.serial,
                     "time": format_datetime(check.signing_time) if check.signing_time else "",
                     "seal": bool(step.details.get("sealed_by")) or check.signer_name is None,
                     "text": _("Signature valid") if check.ok else messages.signature_message(check.code,
                                                                                               check.params),
                     "documents": [d.get("name") for d in check.documents]}
    details = [{"key": key, "label": str(DETAIL_LABELS.get(key, key)), "value": value}
               for key, value in _details(step, trail).items()]
    return {
        "seq": step.seq, "type": step.type, "label": messages.EVENT_VI.get(step.type, step.type),
        "at": format_datetime(step.at), "actor": step.actor, "actor_name": step.actor_name or step.actor,
        "role": step.role, "role_name": step.role_name, "unit": step.unit, "unit_name": step.unit_name,
        "element": step.element, "element_title": step.element_title, "highlight": list(step.highlight),
        "active": list(step.active), "data_before": _rows(step.data_before, titles),
        "data_after": _rows(step.data_after, titles),
        "changes": [{**_field(k, titles), "before": _value(b, titles.get(k)),
                     "after": _value(a, titles.get(k))} for k, b, a in step.changes],
        "input": _rows(step.details.get("input") or {}, titles), "details": details,
        "documents": [{**d, "url": url_for("cases.document", document_id=d["id"]),
                       "p7s_url": url_for("cases.document_signature", document_id=d["id"]) if d["signature"] else None}
                      for d in step.documents],
        "attachments": [{**a, "url": url_for("cases.download", attachment_id=a["id"])} for a in step.attachments],
        "signature": signature, "chain_ok": step.chain_ok, "replayed": step.replayed, "redacted": step.redacted,
        "hash": step.hash}


def _details(step: audit.AuditStep, trail: audit.StepThrough) -> dict[str, str]:
    """What the event says besides the data, in words: a failure's Vietnamese message, names and labels
    rather than codes."""
    titles, elements = trail.field_titles, trail.element_titles
    shown = {}
    for key, value in step.details.items():
        if key in ("input", "sealed_by", "definition", "reason_params") or value in (None, [], {}):
            continue
        if key == "reason" and step.type == "case.failed":
            value = messages.reason_message(value, step.details.get("reason_params"))
        elif key in ("changes", "corrections") and isinstance(value, dict):
            value = "; ".join(f"{_title(k, titles)}: {_value(v, titles.get(k))}" for k, v in value.items())
        elif key in ("timers", "skipped", "element"):
            value = ", ".join(elements.get(e, e) for e in ([value] if isinstance(value, str) else value or []))
        elif key == "key" and value == trail.process:
            value = trail.process_name
        elif key == "classification":
            value = str(CLASSIFICATION_LABELS.get(value, value))
        shown[key] = _value(value)
    return shown


DETAIL_LABELS = {"reason": _l("Reason"), "to_seq": _l("Rebuilt up to event"), "element": _l("Step"),
                 "corrections": _l("Corrected data"), "skipped": _l("Skipped script"), "changes": _l("Corrected data"),
                 "step": _l("Failed step"), "reason_params": _l("Details"), "timers": _l("Timers"), "name": _l("Name"),
                 "payload": _l("Content"), "to": _l("Delegated to"), "sha256": "SHA-256", "size": _l("Size (bytes)"),
                 "key": _l("Procedure"), "version": _l("Version"), "classification": _l("Classification"),
                 "decision": _l("Decision")}


# The access log ------------------------------------------------------------------------------------

@bp.get("/audit/log")
@login_required
def access_log_page():
    """Your own reads (an administrator may look at anyone's with ?user=)."""
    actor = current_actor()
    if not (audit.can_audit(actor) or audit.can_use_archive(actor)):
        raise NotAllowed("audit.required")
    username = actor.username
    if actor.is_admin and request.args.get("user"):
        username = request.args["user"].strip()
    access_log.record(uow(), actor=actor, action="access_log.view", channel="web", address=request.remote_addr,
                      detail={"user": username})
    page = access_log.entries(uow(), username=username, page=int_arg("page", 1), per_page=50)
    return render_template("audit/log.html", page=page, username=username, labels=messages.ACCESS_VI,
                           detail_text=_log_detail, pages=max((page.total + 49) // 50, 1))


def _log_detail(detail: dict) -> str:
    """An entry's recorded parameters in words: «trạng thái: Đã hoàn thành; chỉ hồ sơ quá hạn: có»."""
    parts = []
    for key, value in detail.items():
        if key == "page":
            continue
        if isinstance(value, bool):
            value = "có" if value else "không"
        elif key == "status":
            value = STATUS_LABELS.get(value, value)
        elif key == "clearance":
            value = CLASSIFICATION_LABELS.get(value, "bản đầy đủ" if value == "full" else value)
        elif key in ("from", "to"):
            value = format_date(value)
        parts.append(f"{messages.ACCESS_DETAIL_VI.get(key, key)}: {value}")
    return "; ".join(parts)


# The archive ---------------------------------------------------------------------------------------

@bp.get("/archive/")
@archivist_required
def archive_index():
    year = request.args.get("year", type=int)
    result = archive.list_records(uow(), actor=current_actor(), text_filter=request.args.get("q", ""),
                                  process=request.args.get("process") or None, unit=request.args.get("unit") or None,
                                  year=year, page=int_arg("page", 1), via=via())
    processes = sorted({d.key: d.name for d in definitions.list_definitions(uow(), latest_only=True)}.items(),
                       key=lambda item: item[1])
    return render_template("archive/index.html", result=result, processes=processes,
                           units=catalogue.list_units(uow()), args=request.args,
                           pages=max((result.total + 19) // 20, 1))


@bp.get("/archive/<file_code>")
@archivist_required
def archive_record(file_code: str):
    view, check = archive.get_record(uow(), actor=current_actor(), file_code=file_code, via=via())
    return render_template("archive/record.html", record=view, check=check, clearance=current_actor().clearance,
                           message_for=lambda code: messages.VI.get(code or "", code or ""))


@bp.get("/archive/<file_code>/dossier.zip")
@archivist_required
def archive_retrieve(file_code: str):
    view, content = archive.retrieve(uow(), actor=current_actor(), file_code=file_code, via=via())
    return _zip_response(f"{view.file_code}.zip", content)


@bp.get("/archive/<file_code>/export.zip")
@archivist_required
def archive_export(file_code: str):
    name, content = archive.export(uow(), actor=current_actor(), file_code=file_code,
                                   clearance=request.args.get("clearance", type=int), via=via())
    return _zip_response(name, content)


@bp.post("/archive/file/<number>")
@archivist_required
def archive_file(number: str):
    try:
        view = archive.file_case(uow(), number=number, actor=current_actor(), via=via())
    except QuytrinhError as exc:
        if status_of(exc) == 404:
            raise
        flash(messages.message(exc), "error")
        return redirect(url_for("cases.show", number=number))
    flash(_("Case %(number)s was filed in the archive as %(code)s.", number=number, code=view.file_code), "success")
    return redirect(url_for("audit.archive_record", file_code=view.file_code))
