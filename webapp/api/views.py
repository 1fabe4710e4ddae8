"""JSON API ``/api/v1``: the same services, rules and errors as the pages.

Authentication: the browser session (with the CSRF token in ``X-CSRFToken``) or a personal token in
``Authorization: Bearer qt_...`` (no CSRF: the request carries no cookie). Errors are
``{"code", "message", "fields"}`` with the Vietnamese message (webapp/errors.py).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from flask_login import login_required

from engine.errors import InvalidInput
from engine.services import access_log, audit, cases, catalogue, progress, tasks
from webapp.api.openapi import document
from webapp.context import current_actor, uow

bp = Blueprint("api", __name__, url_prefix="/api")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("api.invalid_json")
    return body


def _int(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except (TypeError, ValueError):
        raise InvalidInput("inbox.invalid_filter") from None


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(server=url_for("api.openapi", _external=True).rsplit("/api/", 1)[0]))


@bp.get("/v1/procedures")
@login_required
def procedure_list():
    return jsonify({"items": [p.as_json() for p in catalogue.list_procedures(uow())]})


@bp.get("/v1/tasks")
@login_required
def task_list():
    page = tasks.list_tasks(uow(), actor=current_actor(), view=request.args.get("view", "all"),
                            process=request.args.get("process") or None, unit=request.args.get("unit") or None,
                            due=request.args.get("due") or None, sort=request.args.get("sort", "created"),
                            descending=request.args.get("order") == "desc", page=_int("page", 1),
                            per_page=_int("per_page", 50))
    return jsonify({"items": [_task_json(t) for t in page.items], "total": page.total, "page": page.page,
                    "per_page": page.per_page})


def _task_json(task, *, detail: bool = False) -> dict:
    data = task.as_json(detail=detail)
    data.update(case_title=task.case_title, process=task.process, process_name=task.process_name,
                unit_name=task.unit_name, state=task.state, can_claim=task.can_claim,
                can_complete=task.can_complete, due_at=_iso(task.due_at), created_at=_iso(task.created_at))
    return data


def _iso(moment):
    from engine.views import _iso as iso
    return iso(moment)


@bp.get("/v1/tasks/<uuid:task_id>")
@login_required
def task_detail(task_id):
    return jsonify(_task_json(tasks.get_task(uow(), task_id=str(task_id), actor=current_actor()), detail=True))


@bp.post("/v1/tasks/<uuid:task_id>/claim")
@login_required
def task_claim(task_id):
    return jsonify(_task_json(tasks.claim_task(uow(), task_id=str(task_id), actor=current_actor())))


@bp.post("/v1/tasks/<uuid:task_id>/release")
@login_required
def task_release(task_id):
    return jsonify(_task_json(tasks.release_task(uow(), task_id=str(task_id), actor=current_actor())))


@bp.post("/v1/tasks/<uuid:task_id>/complete")
@login_required
def task_complete(task_id):
    body = _body()
    data = body.get("data", {})
    pin = body.get("pin") if isinstance(body.get("pin"), str) else None     # steps that need a signature
    number = tasks.complete_task(uow(), task_id=str(task_id), actor=current_actor(), data=data, pin=pin)
    return jsonify(_case_status(number))


@bp.post("/v1/cases")
@login_required
def case_start():
    body = _body()
    for name in ("process", "unit"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise InvalidInput("api.invalid_json")
    classification = body.get("classification")
    if classification is not None and not isinstance(classification, int):
        raise InvalidInput("case.invalid_classification", classification=classification)
    number = cases.start_case(uow(), key=body["process"], unit_code=body["unit"], actor=current_actor(),
                              data=body.get("data") or {}, classification=classification)
    response = jsonify(_case_status(number))
    response.status_code = 201
    response.headers["Location"] = url_for("api.case_status", number=number)
    return response


@bp.get("/v1/cases/<number>")
@login_required
def case_status(number: str):
    audit.open_case(uow(), current_actor(), number, via=access_log.Via("api", request.remote_addr),
                    action="case.view")      # every read of a case is in the access log (docs/audit.md)
    return jsonify(_case_status(number))


def _case_status(number: str) -> dict:
    actor = current_actor()
    view = cases.get_case(uow(), number=number, actor=actor, with_events=False)
    state = progress.case_progress(uow(), number=number, actor=actor)
    return {"number": view.number, "title": view.title, "process": view.process, "version": view.version,
            "status": view.status, "unit": view.unit, "classification": view.classification,
            "started_by": view.started_by, "started_at": _iso(view.started_at), "ended_at": _iso(view.ended_at),
            "data": view.data, "open_steps": [s.as_json() for s in state.open_steps],
            "done": list(state.done), "outcome": state.outcome}
