"""Administration (read-only for now): the organisation tree, users with roles and clearance, processes."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, render_template
from flask_login import login_required

from engine.errors import NotAllowed
from engine.services import catalogue, definitions, organisation
from webapp.context import current_actor, uow

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_actor().is_admin:
            raise NotAllowed("admin.required")
        return view(*args, **kwargs)
    return wrapped


@bp.get("/")
@admin_required
def index():
    with uow().reader() as reader:
        users = organisation.list_users(reader)
        roles = organisation.role_names(reader)
    return render_template("admin/index.html", users=users, roles=roles, units=catalogue.list_units(uow()),
                           definitions=definitions.list_definitions(uow()))
