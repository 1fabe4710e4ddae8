"""The clerk's inbox and the task page: claim, release, delegate, fill the form, attach files, complete."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine import forms
from engine.errors import (AssignmentError, InvalidInput, NotFound, QuytrinhError, SignatureError, StepConflict,
                           TaskAlreadyCompleted)
from engine.services import attachments, cases, catalogue, colleagues, outputs, progress, redaction, tasks
from webapp import messages, schemaforms
from webapp.cases.views import people_in_data, units_in
from webapp.templating import SYSTEM_FIELD_LABELS
from webapp.context import current_actor, int_arg, is_htmx, safe_next, uow
from webapp.errors import field_errors, status_of

bp = Blueprint("inbox", __name__)

PER_PAGE = 20
VIEWS = ("all", "claimed", "units")


@bp.get("/")
@login_required
def home():
    actor = current_actor()
    if actor.roles or actor.is_admin:
        return redirect(url_for("inbox.index"))
    return redirect(url_for("requests.mine"))


@bp.get("/inbox")
@login_required
def index():
    actor = current_actor()
    filters = {
        "view": request.args.get("view", "all") if request.args.get("view") in VIEWS else "all",
        "process": request.args.get("process") or None,
        "unit": request.args.get("unit") or None,
        "due": request.args.get("due") or None,
        "sort": request.args.get("sort", "created"),
        "descending": request.args.get("order") == "desc",
    }
    result = tasks.list_tasks(uow(), actor=actor, page=int_arg("page", 1), per_page=PER_PAGE, **filters)
    context = {"page": result, "filters": filters, "now": uow().clock.now(),
               "pages": max((result.total + PER_PAGE - 1) // PER_PAGE, 1),
               "names": _names_of(*((t.applicant, t.assignee, t.candidate) for t in result.items))}
    if is_htmx():
        return render_template("inbox/_table.html", **context)
    units = sorted({(r.unit_code) for r in actor.roles})
    return render_template("inbox/index.html", procedures=catalogue.list_procedures(uow()), units=units, **context)


def _names_of(*groups) -> dict[str, str]:
    """username -> full name of the people a page shows (applicant, who took a step, whom it is given to)."""
    return progress.display_names(uow(), {name for group in groups for name in group if name})


def _task_page(task_id: str, *, typed=None, errors=None, error: str | None = None, status: int = 200):
    actor = current_actor()
    task = tasks.get_task(uow(), task_id=task_id, actor=actor, with_return=True)
    try:
        case = cases.get_case(uow(), number=task.case, actor=actor, with_events=False)
        files = attachments.list_attachments(uow(), number=task.case, actor=actor)
    except NotFound:  # entitled to the task but not to the whole case (a step given to one user)
        case, files = None, []
    fields = (task.form or {}).get("properties") or {}
    initial = {k: v for k, v in (case.data if case else {}).items()      # a field hidden from this clerk stays empty
               if k in fields and v != redaction.REDACTED}
    form = schemaforms.build(task.form, initial=initial, typed=typed, errors=errors,
                             choices=schemaforms.Choices(*catalogue.form_choices(
                                 uow(), unit_codes=[u for u in (case.unit if case else None, task.unit) if u],
                                 classification=case.classification if case else 0)))
    people = []
    if task.state == "ready" and task.can_complete and task.role:
        people = colleagues.colleagues_for_task(uow(), task_id=task.id, actor=actor)
    prompt = outputs.pin_prompt(uow(), task_id=task.id, actor=actor) if task.can_complete else None
    # What the case holds so far (the applicant's request, earlier steps' decisions) beside the form.
    titles = progress.field_titles(uow(), number=task.case, actor=actor) if case else {}
    return render_template("inbox/task.html", task=task, case=case, form=form, files=files, colleagues=people,
                           names=_names_of((task.assignee, task.candidate),
                                           people_in_data(case.data, titles) if case else ()),
                           titles=titles, system_labels=SYSTEM_FIELD_LABELS,
                           unit_names=progress.unit_display_names(uow(), units_in(case.data, titles)) if case else {},
                           error=error, now=uow().clock.now(), pin_prompt=prompt,
                           pin_problem=messages.message(prompt.problem) if prompt and prompt.problem else None,
                           allowed_types=", ".join(attachments.ALLOWED_EXTENSIONS)), status


@bp.get("/tasks/<uuid:task_id>")
@login_required
def task(task_id):
    return _task_page(str(task_id))


@bp.post("/tasks/<uuid:task_id>/claim")
@login_required
def claim(task_id):
    view = tasks.claim_task(uow(), task_id=str(task_id), actor=current_actor())
    flash(_("You have taken the task “%(title)s” of case %(case)s.", title=view.title, case=view.case), "success")
    return redirect(safe_next(request.form.get("next"), url_for("inbox.task", task_id=task_id)))


@bp.post("/tasks/<uuid:task_id>/release")
@login_required
def release(task_id):
    view = tasks.release_task(uow(), task_id=str(task_id), actor=current_actor())
    flash(_("You have given back the task “%(title)s”.", title=view.title), "success")
    return redirect(safe_next(request.form.get("next"), url_for("inbox.index")))


@bp.post("/tasks/<uuid:task_id>/delegate")
@login_required
def delegate(task_id):
    username = request.form.get("to", "").strip()
    if not username:
        return _task_page(str(task_id), error=messages.VI["task.delegate_not_entitled"].format(username="—"),
                          status=422)
    try:
        view = tasks.delegate_task(uow(), task_id=str(task_id), actor=current_actor(), to_username=username)
    except (InvalidInput, NotFound) as exc:
        message = messages.message(exc) if not isinstance(exc, NotFound) or exc.code != "user.not_found" \
            else messages.VI["task.delegate_not_entitled"].format(username=username)
        return _task_page(str(task_id), error=message, status=422)
    flash(_("The task “%(title)s” was handed to %(user)s.", title=view.title, user=view.assignee), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<uuid:task_id>/complete")
@login_required
def complete(task_id):
    actor = current_actor()
    task_view = tasks.get_task(uow(), task_id=str(task_id), actor=actor)
    data = schemaforms.parse(task_view.form, request.form)
    pin = request.form.get("pin") or None
    try:
        if "pin_confirm" in request.form and pin != (request.form.get("pin_confirm") or None):
            raise SignatureError("certificate.pin_mismatch")     # choosing a new PIN: typed twice
        number = tasks.complete_task(uow(), task_id=str(task_id), actor=actor, data=data, pin=pin)
    except TaskAlreadyCompleted as exc:
        return render_template("inbox/already_done.html", task=task_view, message=messages.message(exc)), 409
    except (InvalidInput, StepConflict, SignatureError, AssignmentError) as exc:   # the form again, as typed
        return _task_page(str(task_id), typed=request.form, errors=field_errors(exc), error=messages.message(exc),
                          status=status_of(exc))
    flash(_("Step “%(title)s” of case %(case)s is done.", title=task_view.title, case=number), "success")
    _flash_numbers_given(task_view.form, number, actor)
    if task_view.applicant == actor.username and not tasks.has_open_task(uow(), actor=actor, number=number):
        return redirect(url_for("requests.show", number=number))    # the applicant follows his request
    return redirect(url_for("inbox.index"))


def _flash_numbers_given(form: dict | None, number: str, actor) -> None:
    """The clerk writes or stamps on the document the number the system gave (docs/registers.md): say it."""
    fields = forms.register_fields(form)
    if not fields:
        return
    try:
        data = cases.get_case(uow(), number=number, actor=actor, with_events=False).data
    except NotFound:
        return
    given = "; ".join(f"{field.title}: {data[field.name]}" for field in fields if data.get(field.name))
    if given:
        flash(_("Number given from the register — %(numbers)s", numbers=given), "success")


@bp.post("/tasks/<uuid:task_id>/attachments")
@login_required
def upload(task_id):
    actor = current_actor()
    task_view = tasks.get_task(uow(), task_id=str(task_id), actor=actor)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("attachment.no_file")
        view = attachments.add_attachment(uow(), number=task_view.case, actor=actor, filename=upload.filename,
                                          stream=upload.stream, task_id=task_view.id)
    except QuytrinhError as exc:
        return _task_page(str(task_id), error=messages.message(exc), status=status_of(exc))
    flash(_("File “%(name)s” was attached.", name=view.filename), "success")
    return redirect(url_for("inbox.task", task_id=task_id) + "#attachments")
