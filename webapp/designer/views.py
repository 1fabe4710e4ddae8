"""The process designer: procedures and their versions, drafts edited in the bpmn-js modeler (validate,
save, deploy), the visual diff between versions, and the upload of files drawn in other tools.

Only process designers and administrators get here (``engine.services.designer.ensure_designer``; the
blueprint checks first so that no page of it renders for anyone else). The modeler talks JSON to the
draft routes (CSRF token in ``X-CSRFToken``); everything else is plain GET/POST with redirects.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import wraps

from flask import (Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.errors import DefinitionInvalid, InvalidInput, QuytrinhError
from engine.services import definitions, designer, organisation, uploads
from engine.services.progress import display_names
from webapp import messages
from webapp.context import current_actor, uow
from webapp.errors import status_of

bp = Blueprint("designer", __name__, url_prefix="/designer")

SCOPES = ("case", "parent", "level:commune", "level:province", "level:central")


def designer_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        designer.ensure_designer(current_actor())   # NotAllowed -> 403 page (webapp/errors.py)
        return view(*args, **kwargs)
    return wrapped


@bp.app_context_processor
def designer_link():
    """``can_design()`` for the header's link."""
    return {"can_design": lambda: current_user.is_authenticated and designer.can_design(current_user.actor)}


# Procedures and versions ------------------------------------------------------------------------

@bp.get("/")
@designer_required
def index():
    actor = current_actor()
    procedures = definitions.list_definitions(uow(), latest_only=True)
    drafts = designer.list_drafts(uow(), actor=actor)
    return render_template("designer/index.html", procedures=procedures, drafts=drafts,
                           names=display_names(uow(), {d.updated_by for d in drafts}))


@bp.get("/procedures/<key>")
@designer_required
def procedure(key: str):
    actor = current_actor()
    versions = designer.list_versions(uow(), actor=actor, key=key)
    drafts = designer.list_drafts(uow(), actor=actor, key=key)
    people = {v.definition.deployed_by for v in versions if v.definition.deployed_by} | {d.updated_by for d in drafts}
    return render_template("designer/procedure.html", key=key, versions=versions, drafts=drafts,
                           latest=versions[0].definition, names=display_names(uow(), people))


@bp.get("/procedures/<key>/versions/<int:version>/diagram.bpmn")
@designer_required
def version_diagram(key: str, version: int):
    _view, main, files = designer.version_files(uow(), actor=current_actor(), key=key, version=version)
    return _xml(files[main])


@bp.get("/procedures/<key>/diff")
@designer_required
def diff(key: str):
    versions = designer.list_versions(uow(), actor=current_actor(), key=key)
    numbers = [v.definition.version for v in versions]
    newest = numbers[0]
    try:
        new = int(request.args.get("to", newest))
        old = int(request.args.get("from", new - 1 if new > 1 else new))
    except ValueError:
        abort(400)
    if old not in numbers or new not in numbers:
        abort(404)
    changes = designer.diff_versions(uow(), actor=current_actor(), key=key, old=old, new=new)
    return render_template("designer/diff.html", key=key, name=versions[0].definition.name, changes=changes,
                           numbers=numbers, old=old, new=new, labels=_field_labels(),
                           old_url=url_for(".version_diagram", key=key, version=old),
                           new_url=url_for(".version_diagram", key=key, version=new),
                           old_title=_("Version %(v)d", v=old), new_title=_("Version %(v)d", v=new), draft=None)


# Drafts -----------------------------------------------------------------------------------------

@bp.post("/drafts")
@designer_required
def create_draft():
    """From a deployed procedure (``key``), or a new procedure (``key`` and ``name``)."""
    key = request.form.get("key", "").strip()
    name = request.form.get("name")
    version = request.form.get("version", type=int)
    try:
        draft = designer.create_draft(uow(), actor=current_actor(), key=key, name=name, version=version)
    except InvalidInput as exc:
        flash(messages.message(exc), "error")
        return redirect(url_for(".index"))
    return redirect(url_for(".modeler", draft_id=draft.id))


@bp.get("/drafts/<int:draft_id>")
@designer_required
def modeler(draft_id: int):
    actor = current_actor()
    draft, _files = designer.get_draft(uow(), draft_id, actor=actor)
    with uow().reader() as reader:
        roles = organisation.role_names(reader)
    deployed = {d.key: d.version for d in definitions.list_definitions(uow(), latest_only=True)}
    return render_template("designer/modeler.html", draft=draft, roles=roles, scopes=SCOPES,
                           latest=deployed.get(draft.key), names=display_names(uow(), {draft.updated_by}))


@bp.get("/drafts/<int:draft_id>/bundle.json")
@designer_required
def draft_bundle(draft_id: int):
    draft, files = designer.get_draft(uow(), draft_id, actor=current_actor())
    response = jsonify({"draft": draft.as_json(), "main": draft.main_file, "files": files})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/drafts/<int:draft_id>/diagram.bpmn")
@designer_required
def draft_diagram(draft_id: int):
    draft, files = designer.get_draft(uow(), draft_id, actor=current_actor())
    return _xml(files.get(draft.main_file, ""))


@bp.post("/drafts/<int:draft_id>")
@designer_required
def save_draft(draft_id: int):
    """Save the modeler's files (JSON: ``{"main", "files", "revision"}``); 409 when someone saved since."""
    try:
        body = _json_body()
        main, files = _main_and_files(body)
        draft = designer.save_draft(uow(), draft_id=draft_id, actor=current_actor(), main=main, files=files,
                                    expected_revision=_int(body.get("revision")))
    except QuytrinhError as exc:
        return _json_error(exc)
    return jsonify({"draft": draft.as_json(), "message": _("Draft saved (save %(n)d).", n=draft.revision)})


@bp.post("/drafts/<int:draft_id>/validate")
@designer_required
def validate_draft(draft_id: int):
    """Check the modeler's current files (JSON, as for saving) without saving or deploying them."""
    designer.get_draft(uow(), draft_id, actor=current_actor())   # 404 for a draft that does not exist
    try:
        main, files = _main_and_files(_json_body())
        result = designer.validate_files(uow(), actor=current_actor(), main=main, files=files)
    except DefinitionInvalid as exc:
        return jsonify(_problems_json(exc)), 422
    except QuytrinhError as exc:
        return _json_error(exc)
    return jsonify({"ok": True, "keys": result.keys, "problems": [],
                    "notes": [_problem_json(n) for n in result.notes],
                    "message": _("No problems found: this diagram can be deployed.")})


@bp.post("/drafts/<int:draft_id>/deploy")
@designer_required
def deploy_draft(draft_id: int):
    """Deploy the saved draft as a new version. JSON callers get the problems as JSON (422); a plain form
    gets the problems page."""
    wants_json = request.is_json or request.accept_mimetypes.best == "application/json"
    body = _json_body() if request.is_json else request.form
    revision = body.get("revision")
    try:
        deployed = designer.deploy_draft(uow(), draft_id=draft_id, actor=current_actor(),
                                         expected_revision=_int(revision) if revision not in (None, "") else None)
    except DefinitionInvalid as exc:
        if wants_json:
            return jsonify(_problems_json(exc)), 422
        draft, _files = designer.get_draft(uow(), draft_id, actor=current_actor())
        return render_template("designer/problems.html", title=draft.name, message=messages.message(exc),
                               problems=_rows(exc),
                               back=url_for(".modeler", draft_id=draft_id)), 422
    except QuytrinhError as exc:
        if wants_json:
            return _json_error(exc)
        raise
    target = _after_deploy(deployed)
    flash(target["message"], "success" if deployed[0].new else "info")   # shown on the page it leads to
    if wants_json:
        return jsonify({"deployed": [asdict(d) for d in deployed], "redirect": target["url"],
                        "message": target["message"]})
    return redirect(target["url"])


def _after_deploy(deployed) -> dict:
    main = deployed[0]
    if not main.new:
        return {"url": url_for(".procedure", key=main.key),
                "message": _("Nothing changed: version %(v)d already has these files.", v=main.version)}
    message = _("Deployed version %(v)d of “%(key)s”. Running cases stay on their version.", v=main.version,
                key=main.key)
    if main.version > 1:
        return {"url": url_for(".diff", key=main.key, **{"from": main.version - 1, "to": main.version}),
                "message": message}
    return {"url": url_for(".procedure", key=main.key), "message": message}


@bp.get("/drafts/<int:draft_id>/diff")
@designer_required
def draft_diff(draft_id: int):
    """What deploying the draft would change against the latest version (or ``?from=N``)."""
    actor = current_actor()
    draft, _files = designer.get_draft(uow(), draft_id, actor=actor)
    versions = designer.list_versions(uow(), actor=actor, key=draft.key)
    numbers = [v.definition.version for v in versions]
    old = request.args.get("from", type=int) or numbers[0]
    if old not in numbers:
        abort(404)
    changes = designer.diff_draft(uow(), actor=actor, draft_id=draft_id, version=old)
    return render_template("designer/diff.html", key=draft.key, name=draft.name, changes=changes, numbers=numbers,
                           old=old, new=None, labels=_field_labels(), draft=draft,
                           old_url=url_for(".version_diagram", key=draft.key, version=old),
                           new_url=url_for(".draft_diagram", draft_id=draft_id),
                           old_title=_("Version %(v)d", v=old), new_title=_("Draft"))


@bp.post("/drafts/<int:draft_id>/delete")
@designer_required
def delete_draft(draft_id: int):
    designer.delete_draft(uow(), draft_id=draft_id, actor=current_actor())
    flash(_("Draft deleted."), "success")
    return redirect(url_for(".index"))


# Files from other tools -------------------------------------------------------------------------

@bp.get("/upload")
@designer_required
def upload_form():
    return render_template("designer/upload.html", result=None)


@bp.post("/upload")
@designer_required
def upload():
    """A BPMN file with its form JSON files (Camunda Modeler, bpmn.io...): check, deploy, or open as a draft."""
    action = request.form.get("action", "validate")
    actor = current_actor()
    try:
        bundle = uploads.bundle_from_uploads(_uploaded_texts())
        if action == "draft":
            draft = designer.create_draft_from_bundle(uow(), actor=actor, bundle=bundle)
            return redirect(url_for(".modeler", draft_id=draft.id))
        if action == "deploy":
            deployed = designer.deploy_upload(uow(), actor=actor, bundle=bundle,
                                              replace=request.form.get("replace_existing") == "1")
            target = _after_deploy(deployed)
            flash(target["message"], "success" if deployed[0].new else "info")
            return redirect(target["url"])
        result = designer.validate_files(uow(), actor=actor, main=bundle.main, files=bundle.files)
    except DefinitionInvalid as exc:
        return render_template("designer/upload.html", result={"ok": False, "message": messages.message(exc),
                                                               "problems": _rows(exc),
                                                               "files": sorted(bundle.files)}), 422
    except InvalidInput as exc:
        return render_template("designer/upload.html", result={"ok": False, "message": messages.message(exc),
                                                               "problems": []}), status_of(exc)
    return render_template("designer/upload.html", result={
        "ok": True, "keys": result.keys, "files": sorted(bundle.files),
        "notes": [{"element": n.element, "message": messages.problem_message(n)} for n in result.notes]})


def _uploaded_texts() -> dict[str, str]:
    texts = {}
    for item in request.files.getlist("files"):
        if not item or not item.filename:
            continue
        raw = item.read()
        try:
            texts[item.filename] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:   # Latin-1, UTF-16, or not text at all
            raise InvalidInput("upload.not_utf8", name=item.filename[:100]) from None
    return texts


# Helpers ----------------------------------------------------------------------------------------

def _xml(text: str) -> Response:
    response = Response(text, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("api.invalid_json")
    return body


def _main_and_files(body: dict) -> tuple[str, dict]:
    """The modeler's ``main`` and ``files``; a main file missing from the files is named (an empty bundle
    or a main file that is not BPMN is left to the service's ``draft.no_bpmn``)."""
    main, files = body.get("main", ""), body.get("files") or {}
    if isinstance(main, str) and main and isinstance(files, dict) and files and main not in files:
        raise InvalidInput("draft.main_missing", main=main[:100])
    return main, files


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput("api.invalid_json") from None


def _json_error(exc: QuytrinhError):
    response = jsonify({"code": exc.code, "message": messages.message(exc)})
    response.status_code = status_of(exc)
    return response


def _problem_json(problem) -> dict:
    return {**problem.as_dict(), "message": messages.problem_message(problem)}


def _problems_json(exc: DefinitionInvalid) -> dict:
    return {"ok": False, "message": messages.message(exc), "problems": [_problem_json(p) for p in exc.problems]}


def _rows(exc: DefinitionInvalid) -> list[dict]:
    return [_problem_json(p) for p in exc.problems]


def _field_labels() -> dict[str, str]:
    return {"type": _("Type"), "name": _("Name"), "lane": _("Lane"), "source": _("From"), "target": _("To"),
            "condition": _("Condition"), "form_content": _("Form content"), "script": _("Script"),
            "timer": _("Timer"), "event": _("Event"), "loop": _("Repetition (multi-instance)"),
            "extensions": _("Other extensions"), "documentation": _("Documentation"),
            "property:role": _("Role"), "property:scope": _("Scope"), "property:assignee": _("Assignee"),
            "property:formJsonSchemaFilename": _("Form"), "property:deadline": _("Deadline"),
            "property:signatureRequired": _("Signature required"), "property:documents": _("Documents produced"),
            "property:decisions": _("Decisions"), "property:caseDeadline": _("Case deadline"),
            "property:casePrefix": _("Case number prefix"), "property:caseTitle": _("Case title")}



# As-is versus re-engineered ----------------------------------------------------------------------

COMPARISON_CASES = 10


@bp.get("/comparison")
@designer_required
def comparison():
    """The simulated comparison of each procedure's two variants, as last computed."""
    from engine.demo import BPMN_DIR
    from engine.services import simulation
    kept = {r["procedure"]: r for r in simulation.saved(uow().settings)}
    keys = simulation.procedures_with_variants(BPMN_DIR)
    return render_template("designer/comparison.html", keys=keys, kept=kept, target=simulation.TARGET_REDUCTION,
                           cases=COMPARISON_CASES)


@bp.post("/comparison/<key>")
@designer_required
def run_comparison(key: str):
    """Simulate one procedure's variants now (a few cases: seconds), and keep the result."""
    from engine.demo import BPMN_DIR
    from engine.services import simulation
    if key not in simulation.procedures_with_variants(BPMN_DIR):
        abort(404)
    result = simulation.compare(BPMN_DIR / key, cases_per_variant=COMPARISON_CASES)
    simulation.save(uow().settings, result, cases_per_variant=COMPARISON_CASES, seed=2026, at=uow().clock.now())
    flash(_("The comparison of %(name)s was simulated again.", name=result.reengineered.name), "success")
    return redirect(url_for("designer.comparison") + f"#{key}")
