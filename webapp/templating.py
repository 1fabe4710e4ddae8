"""What every template may use: display filters, labels of statuses and levels, the header's counters."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user

from webapp import i18n, messages

STATUS_LABELS = {
    "running": _l("In progress"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "error": _l("Error, waiting for a fix"),
}
CLASSIFICATION_LABELS = {0: _l("Normal"), 1: _l("Confidential"), 2: _l("Secret"), 3: _l("Top secret")}
STEP_STATE_LABELS = {"done": _l("Done"), "active": _l("Being handled"), "waiting": _l("Waiting to be taken"),
                     "pending": _l("Not reached"), "skipped": _l("Not carried out")}
CERTIFICATE_STATE_LABELS = {"active": _l("Active"), "pending": _l("Waiting for activation"), "revoked": _l("Revoked"),
                            "expired": _l("Expired"), "not_yet_valid": _l("Not yet valid")}
REVOCATION_REASON_LABELS = {"key_compromise": _l("Lost or broken token, exposed key"),
                            "affiliation_changed": _l("Transfer to another unit"),
                            "cessation_of_operation": _l("Left the post"),
                            "superseded": _l("Replaced by a new certificate"), "unspecified": _l("Other reason")}
#: Fields every case carries from the engine (engine.services.cases.SYSTEM_FIELDS).
SYSTEM_FIELD_LABELS = {"initiator": _l("Opened by"), "case_number": _l("Case number"),
                       "case_unit": _l("Party unit")}


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        datetime=i18n.format_datetime, date=i18n.format_date, duration=i18n.format_duration,
        filesize=_filesize,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.globals["page_url"] = _page_url      # a global: the pagination macro is imported without context
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def common():
        return {
            "status_label": lambda s: STATUS_LABELS.get(s, s),
            "classification_label": lambda c: CLASSIFICATION_LABELS.get(c, str(c)),
            "step_state_label": lambda s: STEP_STATE_LABELS.get(s, s),
            "event_label": lambda t: messages.EVENT_VI.get(t, t),
            "current_locale": str(get_locale() or "vi"),
            "unread_notifications": _unread,
            "now": lambda: app.extensions["quytrinh"].clock.now(),
            "role_name": _role_name,
            "certificate_state_label": lambda s: CERTIFICATE_STATE_LABELS.get(s, s),
            "revocation_reason_label": lambda r: REVOCATION_REASON_LABELS.get(r or "unspecified", r),
        }


def _unread() -> int:
    if not current_user.is_authenticated:
        return 0
    from engine.services import notifications
    from webapp.context import uow
    return notifications.count_unread(uow(), actor=current_user.actor)


def _role_name(code: str | None) -> str:
    """The Vietnamese name of a role code (roles are read once per request)."""
    if not code:
        return ""
    from flask import g
    if "role_names" not in g:
        from engine.services import organisation
        from webapp.context import uow
        with uow().reader() as reader:
            g.role_names = organisation.role_names(reader)
    return g.role_names.get(code, code)


def _page_url(**changes) -> str:
    """The current page's URL with some query arguments changed (filters, sort, paging)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
