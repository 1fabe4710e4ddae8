"""An administrator's repairs of one case, with a reason: send back, retry, correct data.

Each is one engine service (engine/services/repairs.py, cases.retry_case, cases.correct_data) that
journals the repair as an event sealed by the system (engine/services/seals.py); nothing here changes
history. The page lists the repairs already made with their seal's verification.
"""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput, QuytrinhError
from engine.services import cases, definitions, repairs, seals, verification
from webapp import messages
from webapp.admin.views import admin_required
from webapp.context import current_actor, uow
from webapp.errors import status_of

bp = Blueprint("repairs", __name__, url_prefix="/admin/cases")


def _page(number: str, form: dict | None = None, status: int = 200):
    actor = current_actor()
    view = cases.get_case(uow(), number=number, actor=actor)
    meta = definitions.get_definition(uow(), view.process, view.version)[2]
    titles = {element: info.get("title") or element for element, info in meta.get("elements", {}).items()}
    opened = []
    for event in view.events:
        for item in event.data.get("opened") or ():
            element = item.get("element")
            if element and element not in opened:
                opened.append(element)
    checks = verification.verify_case_signatures(uow(), number).by_seq()
    done = [e for e in view.events if e.type in seals.REPAIR_EVENTS]
    failure = messages.reason_message(view.error.get("reason"), view.error.get("reason_params")) if view.error else None
    return render_template("repairs/case.html", case=view, titles=titles, steps=opened, repairs=done, checks=checks,
                           form=form or {}, failure=failure,
                           signature_text=lambda c: messages.signature_message(c.code, c.params)), status


@bp.get("/<number>/repairs")
@admin_required
def show(number: str):
    return _page(number)


def _json_object(text: str, *, required: bool) -> dict:
    text = (text or "").strip()
    if not text:
        if required:
            raise InvalidInput("repair.data_required")
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise InvalidInput("repair.invalid_json") from None
    if not isinstance(value, dict):
        raise InvalidInput("repair.invalid_json")
    return value


@bp.post("/<number>/repairs")
@admin_required
def perform(number: str):
    actor = current_actor()
    form = request.form.to_dict()
    action = form.get("action")
    reason = (form.get("reason") or "").strip()
    try:
        if not reason:
            raise InvalidInput("case.reason_required")
        if action == "send_back":
            repairs.send_back(uow(), number=number, actor=actor, element=form.get("element", ""), reason=reason)
            done = _("The case was sent back to the chosen step.")
        elif action == "retry":
            cases.retry_case(uow(), number=number, actor=actor,
                             corrections=_json_object(form.get("corrections", ""), required=False),
                             skip=form.get("skip") == "1", reason=reason)
            done = _("The failed step was run again.")
        elif action == "correct":
            cases.correct_data(uow(), number=number, actor=actor,
                               changes=_json_object(form.get("changes", ""), required=True), reason=reason)
            done = _("The case's data was corrected.")
        else:
            raise InvalidInput("repair.unknown_action")
    except QuytrinhError as exc:
        if status_of(exc) == 404:
            raise
        flash(messages.message(exc), "error")
        return _page(number, form, status_of(exc))
    flash(done + " " + _("The repair is recorded in the journal with the system's digital seal."), "success")
    return redirect(url_for("repairs.show", number=number))
