"""Domain errors: a stable ``code`` plus parameters, never user-facing text.

The CLI and the web app turn a code into a Vietnamese message (``webapp/messages.py``); each
family maps to one HTTP status and one CLI exit path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class QuytrinhError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "error"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


class ConfigurationError(QuytrinhError):
    code = "config.invalid"


class InvalidInput(QuytrinhError):
    """The caller sent something wrong; nothing was changed."""

    code = "input.invalid"


@dataclass(frozen=True)
class FieldError:
    """One wrong field of a form: ``field`` is a JSON pointer-ish path, ``code`` the broken rule."""

    field: str
    code: str
    title: str
    params: dict

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "title": self.title, "params": self.params}


class InvalidFormData(InvalidInput):
    code = "form.invalid"

    def __init__(self, errors: list[FieldError], **params: Any) -> None:
        self.errors = errors
        super().__init__(count=len(errors), **params)


class NotFound(QuytrinhError):
    code = "not_found"


class NotAllowed(QuytrinhError):
    """The actor may not do this (role, unit scope, clearance, claim)."""

    code = "not_allowed"


class StepConflict(QuytrinhError):
    """The state changed under the caller (another clerk, a double submit); retry after reloading."""

    code = "step.conflict"


class TaskAlreadyCompleted(StepConflict):
    code = "task.already_completed"


class TaskClaimedByOther(StepConflict):
    code = "task.claimed_by_other"


class CaseNotRunning(StepConflict):
    code = "case.not_running"


class DefinitionInvalid(QuytrinhError):
    """A BPMN bundle was refused; ``problems`` lists every finding with file, line and element."""

    code = "definition.invalid"

    def __init__(self, problems: list["Problem"], **params: Any) -> None:
        self.problems = problems
        found = [p for p in problems if p.code != "problems.too_many"]     # a capped list ends with that line
        super().__init__(count=len(found), more=len(found) < len(problems), **params)


@dataclass(frozen=True)
class Problem:
    """One validation finding, printed as ``FILE:LINE: ELEMENT_ID: message``."""

    file: str
    line: int
    element: str
    code: str
    params: dict

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "element": self.element, "code": self.code,
                "params": self.params}


class ScriptError(QuytrinhError):
    """A script or expression of a definition failed or was refused by the safe script engine."""

    code = "script.failed"


class ScriptNotAllowed(ScriptError):
    code = "script.not_allowed"


class ScriptLimitExceeded(ScriptError):
    code = "script.limit"


class AssignmentError(QuytrinhError):
    """A step could not be given to anybody (unknown role, unit or user in the data)."""

    code = "assignment.unresolved"


class SignatureError(QuytrinhError):
    code = "signature.invalid"
