"""Cases: search, the case page (diagram, progress, timeline, data, attachments, documents), files."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import InvalidInput, QuytrinhError
from engine.services import access_log, attachments, audit, cases, documents, progress, search, verification
from engine.views import STATUSES
from webapp import messages
from webapp.context import current_actor, int_arg, uow
from webapp.errors import status_of
from webapp.templating import SYSTEM_FIELD_LABELS

bp = Blueprint("cases", __name__)


@bp.get("/cases")
@login_required
def index():
    status = request.args.get("status") or None
    status = status if status in STATUSES else None
    text = request.args.get("q", "")
    result = search.search_cases(uow(), actor=current_actor(), text=text, status=status,
                                 page=int_arg("page", 1), per_page=20)
    return render_template("cases/index.html", result=result, q=text, status=status, statuses=STATUSES,
                           pages=max((result.total + 19) // 20, 1))


def case_context(number: str) -> dict:
    """Everything the case page and the applicant's request page show (reads only)."""
    actor = current_actor()
    view = cases.get_case(uow(), number=number, actor=actor)
    state = progress.case_progress(uow(), number=number, actor=actor)
    titles = progress.field_titles(uow(), number=number, actor=actor)
    people = {e.actor for e in view.events if e.actor} | ({view.started_by} if view.started_by else set())
    people |= people_in_data(view.data, titles)
    checks = verification.verify_case_signatures(uow(), number) if any(e.signed for e in view.events) else None
    return {"case": view, "progress": state, "titles": titles, "system_labels": SYSTEM_FIELD_LABELS,
            "names": progress.display_names(uow(), people),
            "unit_names": progress.unit_display_names(uow(), units_in(view.data, titles, view.events)),
            "files": attachments.list_attachments(uow(), number=number, actor=actor),
            "case_documents": documents.list_documents(uow(), number=number, actor=actor),
            "signature_checks": checks.by_seq() if checks else {},
            "signature_text": lambda check: messages.signature_message(check.code, check.params),
            "now": uow().clock.now()}


def people_in_data(data: dict, titles: dict) -> set[str]:
    """The usernames a case's data holds (who opened it, member pickers): pages show them by name."""
    return {name for key, value in data.items() if key == "initiator" or _names_people(titles.get(key))
            for name in (value if isinstance(value, list) else [value]) if isinstance(name, str)}


def units_in(data: dict, titles: dict, events=()) -> set[str]:
    """The unit codes a case page shows: its unit, unit pickers' values, the unit of each step taken."""
    codes = {value for key, value in data.items()
             if isinstance(value, str) and (key == "case_unit" or (titles.get(key) and titles[key].widget == "unit"))}
    return codes | {e.data["unit"] for e in events if isinstance(e.data.get("unit"), str)}


def _names_people(info) -> bool:
    return info is not None and info.widget in ("member", "members")


@bp.get("/cases/<number>")
@login_required
def show(number: str):
    _log_read("case.view", number)
    return render_template("cases/show.html", **case_context(number))


def _log_read(action: str, number: str, **detail) -> None:
    """Every read of a case is in the access log (docs/audit.md); a refused one too, as ``denied``."""
    audit.open_case(uow(), current_actor(), number, via=access_log.Via("web", request.remote_addr), action=action,
                    detail=detail)


@bp.get("/cases/<number>/diagram.bpmn")
@login_required
def diagram(number: str):
    xml = progress.case_diagram(uow(), number=number, actor=current_actor())
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/cases/<number>/progress.json")
@login_required
def progress_json(number: str):
    return jsonify(progress.case_progress(uow(), number=number, actor=current_actor()).as_json())


@bp.post("/cases/<number>/attachments")
@login_required
def upload(number: str):
    upload = request.files.get("file")
    back = request.form.get("back") == "request"
    target = url_for("requests.show", number=number) if back else url_for("cases.show", number=number)
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("attachment.no_file")
        view = attachments.add_attachment(uow(), number=number, actor=current_actor(), filename=upload.filename,
                                          stream=upload.stream)
    except QuytrinhError as exc:
        if status_of(exc) == 404:
            raise
        flash(messages.message(exc), "error")
        return redirect(target + "#attachments")
    flash(_("File “%(name)s” was attached.", name=view.filename), "success")
    return redirect(target + "#attachments")


def _file_response(attachment_id: str, *, inline: bool) -> Response:
    view, content = attachments.open_attachment(uow(), attachment_id=attachment_id, actor=current_actor())
    _log_read("attachment.download", view.case, file=view.filename, sha256=view.sha256)
    inline = inline and view.inline
    response = Response(content, mimetype=view.content_type if inline else view.content_type)
    disposition = "inline" if inline else "attachment"
    ascii_name = view.filename.encode("ascii", "ignore").decode().replace('"', "") or "tep"
    response.headers["Content-Disposition"] = (f"{disposition}; filename=\"{ascii_name}\"; "
                                               f"filename*=UTF-8''{quote(view.filename)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    # The file is shown on its own: no script may run in it, whatever it contains.
    response.headers["Content-Security-Policy"] = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                                                   "object-src 'self'; "
                                                   "frame-ancestors 'self'")
    return response


@bp.get("/attachments/<uuid:attachment_id>")
@login_required
def download(attachment_id):
    return _file_response(str(attachment_id), inline=False)


@bp.get("/attachments/<uuid:attachment_id>/preview")
@login_required
def preview(attachment_id):
    return _file_response(str(attachment_id), inline=True)


def _document_response(document_id: str, *, signature: bool) -> Response:
    view, content = documents.open_document(uow(), document_id=document_id, actor=current_actor(),
                                            signature=signature)
    _log_read("document.download", view.case, file=view.p7s_name if signature else view.filename)
    name = view.p7s_name if signature else view.filename
    mimetype = "application/pkcs7-signature" if signature else documents.DOCX
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@bp.get("/documents/<uuid:document_id>")
@login_required
def document(document_id):
    """A generated document (.docx), for whoever may see its case."""
    return _document_response(str(document_id), signature=False)


@bp.get("/documents/<uuid:document_id>.p7s")
@login_required
def document_signature(document_id):
    """The detached signature (CMS, DER) of a signed or sealed document."""
    return _document_response(str(document_id), signature=True)
