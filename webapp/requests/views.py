"""The applicant's side: the procedure catalogue, opening a request, following it live."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import InvalidInput, NotFound, QuytrinhError
from engine.services import cases, catalogue, progress, search
from webapp import i18n, messages, schemaforms
from webapp.cases.views import case_context
from webapp.context import current_actor, int_arg, is_htmx, uow
from webapp.errors import field_errors, status_of

bp = Blueprint("requests", __name__)

#: Seconds between two refreshes of a request's progress (htmx polling; works under gunicorn gthread).
POLL_SECONDS = 5


@bp.get("/procedures")
@login_required
def catalogue_page():
    return render_template("requests/catalogue.html", procedures=catalogue.list_procedures(uow()))


def _start_page(key: str, *, typed=None, errors=None, error=None, status=200, same=None):
    procedure = catalogue.get_procedure(uow(), key)
    units = catalogue.list_units(uow())
    form = schemaforms.build(procedure.start_form, typed=typed, errors=errors,
                             choices=schemaforms.Choices(*catalogue.form_choices(uow(), units=units)))
    # One token per form shown: sent twice (a double click), it opens one case. Pages are no-store, so
    # Back fetches the form again with a new token: sent again, it is caught by its content (start below).
    open_token = (typed or {}).get("open_token") or secrets.token_urlsafe(24)
    return render_template("requests/start.html", procedure=procedure, form=form, error=error,
                           units=catalogue.start_units(uow(), key), open_token=open_token, same=same,
                           unit=(typed or {}).get("unit_code", ""), unit_error=(errors or {}).get("unit_code")), status


@bp.get("/procedures/<key>/start")
@login_required
def start_form(key: str):
    return _start_page(key)


@bp.post("/procedures/<key>/start")
@login_required
def start(key: str):
    procedure = catalogue.get_procedure(uow(), key)
    unit_code = request.form.get("unit_code", "").strip()
    data = schemaforms.parse(procedure.start_form, request.form)
    token = request.form.get("open_token", "")[:64] or None
    try:
        if not unit_code:
            raise InvalidInput("case.unit_required")
        if not request.form.get("confirm_new_request"):
            same = cases.same_request(uow(), key=key, unit_code=unit_code, actor=current_actor(), data=data,
                                      token=token)
            if same:      # the same form sent again after Back or a reload: ask before opening a second case
                message = _("You already sent request %(number)s with exactly this content at %(at)s. Open it, "
                            "or tick the box below if you really want to send another request.",
                            number=same.number, at=i18n.format_datetime(same.started_at))
                return _start_page(key, typed=request.form, error=message, status=409, same=same)
        number = cases.start_case(uow(), key=key, unit_code=unit_code, actor=current_actor(), data=data,
                                  token=token)
    except QuytrinhError as exc:
        errors = field_errors(exc)
        if exc.code in ("case.unit_required", "unit.not_found", "case.unit_cannot_process"):
            errors = {"unit_code": [messages.message(exc)]}
        elif isinstance(exc, NotFound) and exc.code != "unit.not_found":
            raise
        return _start_page(key, typed=request.form, errors=errors, error=messages.message(exc),
                           status=status_of(exc) if status_of(exc) != 404 else 422)
    flash(_("Your request %(number)s was opened.", number=number), "success")
    return redirect(url_for("requests.show", number=number))


@bp.get("/requests")
@login_required
def mine():
    result = search.search_cases(uow(), actor=current_actor(), mine=True, page=int_arg("page", 1), per_page=20)
    numbers = [c.number for c in result.items]
    states = progress.open_steps_of_my_cases(uow(), actor=current_actor(), numbers=numbers)
    outcomes = progress.outcomes_of_my_cases(uow(), actor=current_actor(), numbers=numbers)
    return render_template("requests/index.html", result=result, states=states, outcomes=outcomes,
                           pages=max((result.total + 19) // 20, 1))


@bp.get("/requests/<number>")
@login_required
def show(number: str):
    return render_template("requests/show.html", poll_seconds=POLL_SECONDS, **case_context(number))


@bp.get("/requests/<number>/progress")
@login_required
def live(number: str):
    state = progress.case_progress(uow(), number=number, actor=current_actor())
    template = "requests/_progress.html"
    return render_template(template, progress=state, poll_seconds=POLL_SECONDS, now=uow().clock.now(),
                           fragment=is_htmx())
