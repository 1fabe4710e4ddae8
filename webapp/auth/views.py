"""Signing in and out, the language switch, and personal API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from engine.errors import NotAllowed, QuytrinhError
from engine.services import logins, tokens
from webapp import messages
from webapp.app import CurrentUser
from webapp.context import current_actor, safe_next, uow
from webapp.errors import status_of
from webapp.i18n import LOCALES

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"), url_for("inbox.home"))
    if request.method == "GET":
        return render_template("auth/login.html", next=target, username="")
    username = request.form.get("username", "")
    try:
        actor = logins.login(uow(), username=username, password=request.form.get("password", ""),
                             address=request.remote_addr or "unknown")
    except NotAllowed as exc:
        return render_template("auth/login.html", next=target, username=username,
                               error=messages.message(exc)), status_of(exc)
    locale = session.get("locale")
    session.clear()  # no session fixation: a fresh session for the signed-in user
    if locale:
        session["locale"] = locale
    session.permanent = True
    login_user(CurrentUser(actor))
    return redirect(target)


@bp.post("/logout")
def logout():
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/locale")
def set_locale():
    chosen = request.form.get("locale", "vi")
    session["locale"] = chosen if chosen in LOCALES else "vi"
    return redirect(safe_next(request.form.get("next"), url_for("inbox.home")))


@bp.get("/account/tokens")
@login_required
def token_list():
    return render_template("auth/tokens.html", tokens=tokens.list_tokens(uow(), actor=current_actor()))


@bp.post("/account/tokens")
@login_required
def token_create():
    actor = current_actor()
    name = request.form.get("name", "")
    try:
        view, secret = tokens.create_token(uow(), actor=actor, name=name)
    except QuytrinhError as exc:
        return render_template("auth/tokens.html", tokens=tokens.list_tokens(uow(), actor=actor), name=name,
                               error=messages.message(exc)), status_of(exc)
    return render_template("auth/tokens.html", tokens=tokens.list_tokens(uow(), actor=actor), created=view,
                           secret=secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def token_revoke(token_id: int):
    tokens.revoke_token(uow(), actor=current_actor(), token_id=token_id)
    flash(_("The token was revoked."), "success")
    return redirect(url_for("auth.token_list"))
