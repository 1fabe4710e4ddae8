"""Notifications inside the application; the header shows how many are unread."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import login_required

from engine.services import notifications
from webapp import messages
from webapp.context import current_actor, uow
from webapp.i18n import format_date

bp = Blueprint("notifications", __name__)


def text_of(item: notifications.NotificationView) -> str:
    params = dict(item.params)
    if params.get("due_at"):
        from engine.clock import parse_iso
        params["due"] = format_date(parse_iso(params["due_at"]))
    kind = item.kind
    if kind == "case.ended":     # cancelled, or completed naming the end event reached when known
        kind = "case.ended.cancelled" if params.get("status") == "cancelled" else \
            "case.ended.outcome" if params.get("outcome") else kind
    return messages.render(messages.NOTIFICATION_VI.get(kind, "{case}"), params)


@bp.get("/notifications")
@login_required
def index():
    items = notifications.list_notifications(uow(), actor=current_actor(), limit=100)
    return render_template("notifications/index.html", items=items, text_of=text_of)


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    item = notifications.mark_read(uow(), actor=current_actor(), notification_id=notification_id)
    if item.task_id:
        return redirect(url_for("inbox.task", task_id=item.task_id))
    if item.kind == "case.ended":       # only the person who opened the case gets it
        return redirect(url_for("requests.show", number=item.case))
    return redirect(url_for("cases.show", number=item.case))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    notifications.mark_read(uow(), actor=current_actor())
    return redirect(url_for("notifications.index"))
