"""Certificates: the holder's page (status, download, revocation request that opens a P11 case), the
public CA material a verifier needs without an account (``/ca/root.pem``, ``/ca/crl.der``,
``/ca/status/<serial>``), and the administrators' view of the CA."""

from __future__ import annotations

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import InvalidInput, NotFound, QuytrinhError
from engine.services import cases, certificates
from webapp import messages
from webapp.admin.views import admin_required
from webapp.context import current_actor, uow
from webapp.errors import status_of
from webapp.templating import REVOCATION_REASON_LABELS

bp = Blueprint("certificates", __name__)

#: The P11 procedure (bpmn/certificate/certificate.bpmn).
PROCEDURE = "certificate"
REASONS = ("key_compromise", "affiliation_changed", "cessation_of_operation", "superseded", "unspecified")


def _mine(error: str | None = None, status: int = 200):
    actor = current_actor()
    items = certificates.list_certificates(uow(), user_id=actor.user_id, kind="user")
    units = sorted({r.unit_code for r in actor.roles})
    return render_template("certificates/mine.html", certificates=items, error=error, reasons=REASONS,
                           units=units, procedure=PROCEDURE, now=uow().clock.now()), status


@bp.get("/certificate")
@login_required
def mine():
    return _mine()


@bp.get("/certificate/<serial>.pem")
@login_required
def download(serial: str):
    actor = current_actor()
    own = {c.serial for c in certificates.list_certificates(uow(), user_id=actor.user_id)}
    if serial.upper() not in own and not actor.is_admin:
        raise NotFound("certificate.not_found", serial=serial)
    return _pem(certificates.certificate_pem(uow(), serial), f"chung-thu-{serial.upper()}.pem")


@bp.post("/certificate/revoke")
@login_required
def request_revocation():
    """Open a P11 case asking to revoke one of my certificates (the office confirms, Cơ yếu revokes)."""
    actor = current_actor()
    serial = request.form.get("serial", "").strip().upper()
    mine_ = {c.serial: c for c in certificates.list_certificates(uow(), user_id=actor.user_id, kind="user")}
    chosen = mine_.get(serial)
    reason = request.form.get("revocation_reason", "")
    explanation = request.form.get("request_reason", "").strip() or str(REVOCATION_REASON_LABELS.get(reason, ""))
    data = {"request_type": "revoke", "request_reason": explanation, "serial": serial, "revocation_reason": reason}
    if request.form.get("compromised_since"):
        data["compromised_since"] = request.form["compromised_since"]
    try:
        if chosen is None or chosen.state == "revoked":
            raise InvalidInput("certificate.none_to_revoke", serial=serial or "—")
        if reason not in REASONS:
            raise InvalidInput("certificate.invalid_reason", reason=reason)
        number = cases.start_case(uow(), key=PROCEDURE, unit_code=chosen.unit or "", actor=actor, data=data)
    except QuytrinhError as exc:
        if status_of(exc) == 404 and exc.code != "unit.not_found":
            raise
        return _mine(error=messages.message(exc), status=422)
    flash(_("Your revocation request %(number)s was opened.", number=number), "success")
    return redirect(url_for("requests.show", number=number))


# Published CA material: no sign-in, as any verifier needs it -------------------------------------

def _pem(text: str, name: str) -> Response:
    response = Response(text, mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/ca/root.pem")
def root_pem():
    return _pem(certificates.authority_pem(uow(), "root"), "root.pem")


@bp.get("/ca/issuing.pem")
def issuing_pem():
    return _pem(certificates.authority_pem(uow(), "issuing"), "issuing.pem")


@bp.get("/ca/crl.der")
def crl_der():
    response = Response(certificates.current_crl(uow()), mimetype="application/pkix-crl")
    response.headers["Content-Disposition"] = 'attachment; filename="crl.der"'
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.get("/ca/status/<serial>")
def status(serial: str):
    response = jsonify(certificates.certificate_status(uow(), serial))
    response.headers["Cache-Control"] = "no-store"
    return response


# Administration ----------------------------------------------------------------------------------

@bp.get("/admin/ca")
@admin_required
def admin():
    issued = certificates.list_certificates(uow())
    return render_template("certificates/admin.html", authorities=certificates.authorities(uow()),
                           issued=issued, revoked=[c for c in issued if c.revoked_at], now=uow().clock.now())
