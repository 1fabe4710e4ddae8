"""One handler per engine error family, each rendering the Vietnamese text from ``webapp.messages``.

Pages get ``errors/error.html``; ``/api/`` gets ``{"code", "message", "fields"}``. Views that show a
form catch the error themselves first, to re-render the form with what the clerk typed
(:func:`status_of` gives them the same status codes).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine.errors import (AssignmentError, DefinitionInvalid, InvalidFormData, InvalidInput, NotAllowed, NotFound,
                           QuytrinhError, SignatureError, StepConflict)
from engine.services.logins import LoginThrottled
from webapp import messages
from webapp.context import wants_json

log = logging.getLogger("quytrinh.web")

#: Most specific first; Flask also picks the nearest class, this is for :func:`status_of`.
FAMILIES: list[tuple[type[QuytrinhError], int]] = [
    (LoginThrottled, 429),
    (InvalidInput, 422),
    (DefinitionInvalid, 422),
    (AssignmentError, 422),
    (SignatureError, 422),
    (NotAllowed, 403),
    (NotFound, 404),
    (StepConflict, 409),
    (QuytrinhError, 500),
]


def status_of(error: QuytrinhError) -> int:
    return next(status for family, status in FAMILIES if isinstance(error, family))


def field_errors(error: QuytrinhError) -> dict[str, list[str]]:
    """Top-level field name -> Vietnamese messages (``""`` for errors about the whole form)."""
    result: dict[str, list[str]] = {}
    if isinstance(error, InvalidFormData):
        for item in error.errors:
            name = item.field.split(".")[0] if item.field else ""
            result.setdefault(name, []).append(messages.field_message(item))
    return result


def error_body(code: str, message: str, fields: list | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or []}


def json_error(error: QuytrinhError, status: int):
    fields = []
    if isinstance(error, InvalidFormData):
        fields = [{"field": e.field, "code": e.code, "message": messages.field_message(e)} for e in error.errors]
    response = jsonify(error_body(error.code, messages.message(error), fields))
    response.status_code = status
    if status == 429:
        response.headers["Retry-After"] = str(error.params.get("seconds", 60))
    return response


def render_error(message: str, status: int, code: str = "error"):
    if wants_json():
        response = jsonify(error_body(code, message))
        response.status_code = status
        return response
    return render_template("errors/error.html", message=message, status=status, code=code), status


def handle_engine_error(error: QuytrinhError):
    status = status_of(error)
    log_line = "%s %s -> %d %s %s"
    (log.error if status >= 500 else log.info)(log_line, request.method, request.path, status, error.code,
                                                error.params.get("number", ""))
    if wants_json():
        return json_error(error, status)
    return render_template("errors/error.html", message=messages.message(error),
                           details=messages.details(error), status=status, code=error.code,
                           case_number=error.params.get("number")), status


def register(app: Flask) -> None:
    for family, _status in FAMILIES:
        app.register_error_handler(family, handle_engine_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        log.info("%s %s -> 400 csrf: %s", request.method, request.path, error.description)
        return render_error(messages.VI["csrf.invalid"], 400, "csrf.invalid")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        limit = app.config["QUYTRINH_SETTINGS"].max_upload_bytes
        text = messages.render(messages.VI["http.too_large"], {"limit_mb": round(limit / 1024 / 1024, 1)})
        return render_error(text, 413, "http.too_large")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        codes = {400: "http.bad_request", 401: "api.unauthorized", 403: "not_allowed", 404: "http.not_found",
                 405: "http.method_not_allowed"}
        code = codes.get(error.code or 500, "http.bad_request" if (error.code or 500) < 500 else "http.internal")
        return render_error(messages.VI[code], error.code or 500, code)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unexpected error on %s %s", request.method, request.path)
        return render_error(messages.VI["http.internal"], 500, "http.internal")
