"""The only script engine a quytrinh workflow ever runs with.

SpiffWorkflow does not serialize its script engine and restores a default, unrestricted one
(../shared/notes/spiffworkflow.md §2), so :func:`engine.spiff.serializer.restore` attaches this one
after every load; there is no switch to turn it off.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine import deadlines, scripting
from engine.errors import ScriptError, ScriptNotAllowed
from engine.spiff import stepclock


class SafeScriptEngine(PythonScriptEngine):
    """Evaluates with :mod:`engine.scripting`; service calls go to registered functions only."""

    def __init__(self, functions: dict[str, Callable] | None = None, timeout_ms: int = 1000) -> None:
        super().__init__(environment=_NoEnvironment())
        self.functions = dict(functions or {})
        self.timeout_ms = timeout_ms

    def validate(self, expression: str) -> None:
        scripting.check_source(expression, mode="eval", functions=self.functions)

    def evaluate(self, task, expression: str, external_context: dict | None = None) -> Any:
        if isinstance(expression, str) and deadlines.WORKING_DAYS.match(expression.strip()):
            # A timer of "30WD": the duration until the end of the 30th working day from the step's time.
            return deadlines.timer_duration(expression.strip(), stepclock.current() or datetime.now(timezone.utc))
        names = task.data if not external_context else {**task.data, **external_context}
        try:
            return scripting.evaluate(expression, names, functions=self.functions, timeout_ms=self.timeout_ms)
        except ScriptError as exc:
            raise WorkflowTaskException(f"expression {expression!r}: {exc.code}", task=task, exception=exc) from exc

    def execute(self, task, script: str, external_context: dict | None = None) -> bool:
        if task.task_spec.bpmn_id in stepclock.skipped():
            return True   # an administrator skipped this failed script (engine/services/repairs.py)
        names = task.data if not external_context else {**task.data, **external_context}
        try:
            result = scripting.execute(script, names, functions=self.functions, timeout_ms=self.timeout_ms)
        except ScriptError as exc:
            raise WorkflowTaskException(f"script: {exc.code}", task=task, exception=exc,
                                        line_number=exc.params.get("line", 0)) from exc
        for key in external_context or {}:
            result.pop(key, None)
        task.data.clear()
        task.data.update(result)
        return True

    def call_service(self, task, operation_name: str = "", operation_params: dict | None = None, **kwargs) -> Any:
        name = operation_name or kwargs.get("operation_name", "")
        # engine/dialects.py names the function "function:NAME": SpiffWorkflow finds elements by any id,
        # and a bare function name may also be the id of a task.
        function = self.functions.get(name.removeprefix("function:"))
        if function is None:
            exc = ScriptNotAllowed("script.not_allowed", construct="service", detail=operation_name)
            raise WorkflowTaskException(f"service {operation_name!r} is not registered", task=task, exception=exc)
        # SpiffWorkflow has already evaluated each parameter through :meth:`evaluate`.
        params = {name: value["value"] for name, value in (operation_params or {}).items()}
        result = function(**params)
        properties = (getattr(task.task_spec, "extensions", None) or {}).get("properties") or {}
        if isinstance(result, dict) and properties.get("mergeResult") == "true":
            # a task bound from another tool's delegate or worker sets variables, as setVariable did there
            task.data.update(json.loads(json.dumps(result, ensure_ascii=False)))
        return json.dumps(result, ensure_ascii=False)


class _NoEnvironment:
    """Stands where SpiffWorkflow expects an ``environment``; anything reaching it is a bug."""

    def evaluate(self, *args, **kwargs):
        raise ScriptNotAllowed("script.not_allowed", construct="environment", detail="evaluate")

    def execute(self, *args, **kwargs):
        raise ScriptNotAllowed("script.not_allowed", construct="environment", detail="execute")

    def call_service(self, *args, **kwargs):
        raise ScriptNotAllowed("script.not_allowed", construct="environment", detail="call_service")


def script_error_of(exc: BaseException) -> ScriptError | None:
    """Find the :class:`ScriptError` behind a SpiffWorkflow exception, if any."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ScriptError):
            return exc
        inner = getattr(exc, "exception", None)
        exc = inner if inner is not None else exc.__cause__
    return None
