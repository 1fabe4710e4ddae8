"""The restricted language of conditions, scripts and expressions in quytrinh's BPMN files.

SpiffWorkflow hands every script and expression to ``eval``/``exec`` with all builtins
(../shared/notes/spiffworkflow.md §3). quytrinh never does: expressions are evaluated by a
``simpleeval`` evaluator and scripts by a small statement interpreter over Python's AST. Nothing
here can import, reach a dunder attribute, open a file or call ``exec``: only the node types,
functions and methods listed below exist. Every evaluation has a time budget and an allocation
budget, so a loop or a huge string stops with :class:`ScriptLimitExceeded` instead of hanging the
worker. Scripts run on a deep copy of the task data, so a failed script changes nothing.
"""

from __future__ import annotations

import ast
import copy
import functools
import math
import operator as op
import re
import time
from datetime import date, datetime
from typing import Any, Callable

import simpleeval
from simpleeval import EvalWithCompoundTypes

from engine.errors import ScriptError, ScriptLimitExceeded, ScriptNotAllowed

MAX_SOURCE_CHARS = 20_000
MAX_NODES = 200_000            # evaluated AST nodes per run
MAX_ALLOCATION = 2_000_000     # characters / items produced per run (a rough memory budget)
MAX_COLLECTION = 100_000       # length of one string, list or dict
MAX_INT_BITS = 4_096
MAX_RANGE = 10_000
MAX_DATA_GROWTH = 20_000_000   # characters, as text, that a script may add to the data it writes back

# Methods that read; expressions (conditions, timers, assignments) may use only these.
_READ_METHODS: dict[type, set[str]] = {
    str: {"lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "join",
          "replace", "title", "capitalize", "isdigit", "isalpha", "isalnum", "count", "find", "casefold"},
    dict: {"get", "keys", "values", "items"},
    list: {"count", "index"},
    tuple: {"count", "index"},
    int: {"bit_length"},
    float: {"is_integer"},
}
# Scripts may also change their own (copied) data.
_WRITE_METHODS: dict[type, set[str]] = {
    dict: {"update", "pop", "setdefault", "clear"},
    list: {"append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear"},
}

_FORMAT_SPEC = re.compile(r"^[<>^=]?[+\- ]?[,_]?\d{0,3}(\.\d{1,2})?[bdefgosx%]?$")

ISO_LITERAL = re.compile(
    r"^(R\d*/)?(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)"
    r"(/P.*)?$")


def _check_planned(size: int) -> None:
    """Refuse an operation before it runs if its result would be longer than one string or list may
    be: the limits on results are otherwise checked only once the result exists, and
    ``x.replace("", x)`` would first build ten billion characters."""
    if size > MAX_COLLECTION:
        raise ScriptLimitExceeded("script.limit", limit="length")


_SCALARS = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = (list, tuple, dict, set, frozenset, type({}.keys()), type({}.values()), type({}.items()))


def _text_size(value: Any) -> int:
    """An upper bound on ``len(str(value))``. A list holding one long string 100,000 times is small
    in memory but not as text; each container is measured once, however often it is referred to,
    so this costs no more than the objects that really exist."""
    if isinstance(value, str):
        return len(value)
    measured: dict[int, tuple[Any, int]] = {}    # keeps what it measured alive, so no id is reused

    def size(item: Any) -> int:
        if isinstance(item, int) and item.bit_length() > MAX_INT_BITS:
            return item.bit_length() // 3 + 2      # repr refuses past 4,300 digits
        if not isinstance(item, _CONTAINERS):
            return len(repr(item))
        if id(item) not in measured:
            measured[id(item)] = (item, 5)         # a container inside itself shows as [...]
            total = sum(map(size, item))
            if isinstance(item, dict):             # {k: v, ...}
                total += sum(map(size, item.values())) + 2 * len(item)
            # [a, b] and (a,); set() and dict_keys([]) are longer when empty
            measured[id(item)] = (item, total + 2 * len(item) + (2 if isinstance(item, (list, tuple, dict)) else 13))
        return measured[id(item)][1]

    return size(value)


_PERCENT = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.?)", re.S)


def _percent_size(template: str, args: Any) -> int:
    """An upper bound on ``len(template % args)``: each directive is at most its width, its precision
    and its value's text together (a float in ``%f`` has up to 309 digits)."""
    positional = iter(args if isinstance(args, tuple) else (args,))
    size = len(template)
    for key, width, precision, kind in _PERCENT.findall(template):
        if size > MAX_COLLECTION:
            break
        for number in (width, precision):
            number = next(positional, 0) if number == "*" else int(number.lstrip("0")[:7] or 0)
            size += abs(number) if isinstance(number, int) else 0
        if kind != "%":
            value = args.get(key) if key and isinstance(args, dict) else next(positional, None)
            size += 330 if isinstance(value, float) else _text_size([value])
    return size


def _safe_mod(a, b):
    if isinstance(a, str):
        _check_planned(_percent_size(a, b))
    return op.mod(a, b)


def _sized_str(*args, **kwargs) -> str:
    if args:
        _check_planned(_text_size(args[0]))
    return str(*args, **kwargs)


def _sized_sum(iterable, /, start=0):
    """``sum``, except that lists and tuples are concatenated once, not copied at every addition
    (``sum(rows, [])`` is quadratic), and refused up front if the result would be too long."""
    items = list(iterable)
    if not isinstance(start, (list, tuple)):
        return sum(items, start)
    _check_planned(len(start) + sum(len(item) for item in items if isinstance(item, (list, tuple))))
    result = list(start)
    for item in items:
        if type(item) is not type(start):
            raise TypeError(f'can only concatenate {type(start).__name__} (not "{type(item).__name__}") '
                            f'to {type(start).__name__}')
        result.extend(item)
    return type(start)(result)


def _str_replace(text: str, old, new, count=-1) -> str:
    if isinstance(old, str) and isinstance(new, str) and isinstance(count, int):
        found = len(text) + 1 if old == "" else text.count(old)
        _check_planned(len(text) + (found if count < 0 else min(found, count)) * (len(new) - len(old)))
    return text.replace(old, new, count)


def _str_join(separator: str, iterable) -> str:
    items = list(iterable)
    if all(isinstance(item, str) for item in items):
        _check_planned(sum(map(len, items)) + len(separator) * max(len(items) - 1, 0))
    return separator.join(items)


def _list_index(items: list, value, *bounds) -> int:
    _check_planned(_text_size(value))                # a missing value's repr is the error message, in full
    return items.index(value, *bounds)


# Methods whose result (or error message) can be far longer than their arguments: called through
# these, which know the size before they run.
_SIZED_METHODS: dict[tuple[type, str], Callable] = {
    (str, "replace"): _str_replace, (str, "join"): _str_join, (list, "index"): _list_index,
}


def _limited_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise ScriptLimitExceeded("script.limit", limit="range", size=len(result))
    return result


def _safe_pow(a, b):
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        if b * max(a.bit_length(), 1) > MAX_INT_BITS:
            raise ScriptLimitExceeded("script.limit", limit="power")
    return op.pow(a, b)


def _safe_mult(a, b):
    if isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise ScriptLimitExceeded("script.limit", limit="integer")
    for seq, times in ((a, b), (b, a)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            _check_planned(len(seq) * times)
    return op.mul(a, b)


def _safe_lshift(a, b):
    if isinstance(b, int) and b > MAX_INT_BITS:
        raise ScriptLimitExceeded("script.limit", limit="integer")
    return op.lshift(a, b)


def _days_between(first: str, second: str) -> int:
    """Whole days from ``first`` to ``second`` (ISO dates or date-times)."""
    return (_as_date(second) - _as_date(first)).days


def _age_in_years(birth: str, on: str) -> int:
    born, day = _as_date(birth), _as_date(on)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _as_date(value: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


BUILTIN_FUNCTIONS: dict[str, Callable] = {
    "len": len, "min": min, "max": max, "sum": _sized_sum, "abs": abs, "round": round,
    "int": int, "float": float, "str": _sized_str, "bool": bool, "sorted": sorted, "any": any, "all": all,
    "list": list, "dict": dict, "set": set, "tuple": tuple, "range": _limited_range,
    "enumerate": enumerate, "zip": zip, "ceil": math.ceil, "floor": math.floor,
    "days_between": _days_between, "age_in_years": _age_in_years,
}

_OPERATORS = dict(simpleeval.DEFAULT_OPERATORS)
_OPERATORS.update({ast.Pow: _safe_pow, ast.Mult: _safe_mult, ast.LShift: _safe_lshift, ast.Mod: _safe_mod})


class _Budget:
    def __init__(self, timeout_ms: int) -> None:
        self.deadline = time.monotonic() + timeout_ms / 1000
        self.nodes = 0
        self.allocated = 0

    def tick(self, nodes: int = 1) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise ScriptLimitExceeded("script.limit", limit="steps")
        if self.nodes % 64 == 0 and time.monotonic() > self.deadline:
            raise ScriptLimitExceeded("script.limit", limit="time")

    def account(self, value: Any) -> None:
        if isinstance(value, (str, bytes, list, tuple, dict, set)):
            size = len(value)
            if size > MAX_COLLECTION:
                raise ScriptLimitExceeded("script.limit", limit="length")
            self.allocated += size
            if self.allocated > MAX_ALLOCATION:
                raise ScriptLimitExceeded("script.limit", limit="memory")


class _Evaluator(EvalWithCompoundTypes):
    """simpleeval with a whitelist of methods, a budget, and no format-string tricks."""

    def __init__(self, names: dict, functions: dict[str, Callable], budget: _Budget, writable: bool) -> None:
        allowed: dict[type, set[str]] = {t: set(m) for t, m in _READ_METHODS.items()}
        if writable:
            for t, methods in _WRITE_METHODS.items():
                allowed.setdefault(t, set()).update(methods)
        super().__init__(operators=dict(_OPERATORS), functions=dict(functions), names=names,
                         allowed_attrs=allowed)
        self.functions.update(list=list, tuple=tuple, dict=dict, set=set)
        self.budget = budget
        self.ATTR_INDEX_FALLBACK = False

    def _eval(self, node):
        self.budget.tick()
        value = super()._eval(node)
        self.budget.account(value)
        return value

    def _eval_formattedvalue(self, node):
        spec = "" if node.format_spec is None else str(self._eval(node.format_spec))
        if not _FORMAT_SPEC.match(spec):
            raise ScriptNotAllowed("script.not_allowed", construct="format", detail=spec[:40])
        value = self._eval(node.value)
        _check_planned(_text_size(value))    # _FORMAT_SPEC keeps widths under 1,000
        return format(value, spec)

    def _eval_joinedstr(self, node):
        parts, size = [], 0
        for part in node.values:
            parts.append(str(self._eval(part)))
            size += len(parts[-1])
            _check_planned(size)
        return "".join(parts)

    def _eval_attribute(self, node):
        method = super()._eval_attribute(node)
        owner = getattr(method, "__self__", None)
        sized = _SIZED_METHODS.get((type(owner), node.attr))
        return functools.partial(sized, owner) if sized else method

    def _check_disallowed_items(self, item, seen: set[int] | None = None) -> None:
        # simpleeval walks a container again for every reference to it: `[row] * 100000` would take
        # hours inside one node, out of reach of the time limit. Each container is looked at once
        # (still recursively, so a list nested a thousand deep stops at the nesting limit).
        if not isinstance(item, (list, tuple, set, frozenset, dict)):
            return super()._check_disallowed_items(item)
        seen = set() if seen is None else seen
        if id(item) not in seen:
            seen.add(id(item))
            for element in item.values() if isinstance(item, dict) else item:
                if type(element) not in _SCALARS:
                    self._check_disallowed_items(element, seen)

    def _eval_name(self, node):
        if node.id.startswith("_"):
            raise ScriptNotAllowed("script.not_allowed", construct="name", detail=node.id)
        return super()._eval_name(node)


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_EXPRESSION_NODES = (
    ast.Expression, ast.Expr, ast.Name, ast.Load, ast.Store, ast.Del, ast.Constant, ast.UnaryOp, ast.BinOp,
    ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Subscript, ast.Slice, ast.Attribute,
    ast.JoinedStr, ast.FormattedValue, ast.Dict, ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.DictComp,
    ast.GeneratorExp, ast.comprehension, ast.Starred, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
    ast.expr_context,
)
_STATEMENT_NODES = (ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.While, ast.Pass, ast.Break,
                    ast.Continue, ast.Delete)
_ALL_METHODS = set().union(*_READ_METHODS.values(), *_WRITE_METHODS.values())


def check_source(source: str, *, mode: str, functions: dict[str, Callable] | None = None) -> ast.AST:
    """Parse a script (``mode='exec'``) or an expression (``mode='eval'``) and refuse what the
    restricted language does not have. Used at deploy time (with the BPMN line) and before every run.

    :raises ScriptNotAllowed: with ``construct`` naming what was refused and ``line`` in the source.
    """
    if not isinstance(source, str):
        raise ScriptNotAllowed("script.not_allowed", construct="type", detail=type(source).__name__, line=0)
    if len(source) > MAX_SOURCE_CHARS:
        raise ScriptLimitExceeded("script.limit", limit="source", size=len(source))
    known = BUILTIN_FUNCTIONS if functions is None else {**BUILTIN_FUNCTIONS, **functions}
    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except SyntaxError as exc:
        raise ScriptError("script.syntax", detail=exc.msg, line=exc.lineno or 0) from None
    except (RecursionError, MemoryError, ValueError):
        raise ScriptLimitExceeded("script.limit", limit="nesting") from None
    allowed = _EXPRESSION_NODES + (_STATEMENT_NODES if mode == "exec" else ())
    try:
        nodes = list(ast.walk(tree))
    except RecursionError:
        raise ScriptLimitExceeded("script.limit", limit="nesting") from None
    # Report the most telling refusal first: a statement kind, then a name or function, then an attribute.
    for node in nodes:
        if not isinstance(node, allowed):
            raise ScriptNotAllowed("script.not_allowed", construct=type(node).__name__,
                                   line=getattr(node, "lineno", 0), detail="")
    for node in nodes:
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name) and node.id.startswith("_") and not isinstance(node.ctx, ast.Load):
            raise ScriptNotAllowed("script.not_allowed", construct="name", detail=node.id, line=line)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id not in known:
                raise ScriptNotAllowed("script.not_allowed", construct="function", detail=node.func.id, line=line)
            if not isinstance(node.func, (ast.Name, ast.Attribute)):
                raise ScriptNotAllowed("script.not_allowed", construct="call", detail="", line=line)
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ScriptNotAllowed("script.not_allowed", construct="name", detail=node.id, line=line)
    for node in nodes:
        if isinstance(node, ast.Attribute) and node.attr not in _ALL_METHODS:
            raise ScriptNotAllowed("script.not_allowed", construct="attribute", detail=node.attr,
                                   line=getattr(node, "lineno", 0))
    return tree


def evaluate(expression: str, data: dict, *, functions: dict[str, Callable] | None = None,
             timeout_ms: int = 1000) -> Any:
    """Evaluate one expression against task data, read-only. ISO 8601 literals (``P30D``,
    ``2026-01-01T08:00:00Z``) are returned as strings, so timer values need no quotes."""
    stripped = expression.strip() if isinstance(expression, str) else expression
    if isinstance(stripped, str) and ISO_LITERAL.match(stripped):
        return stripped
    tree = check_source(expression, mode="eval", functions=functions)
    evaluator = _Evaluator(data, {**BUILTIN_FUNCTIONS, **(functions or {})}, _Budget(timeout_ms), writable=False)
    return _guarded(lambda: evaluator._eval(tree.body))


def execute(script: str, data: dict, *, functions: dict[str, Callable] | None = None,
            timeout_ms: int = 1000) -> dict:
    """Run a script on a deep copy of ``data`` and return the new data; ``data`` is never touched."""
    tree = check_source(script, mode="exec", functions=functions)
    env = copy.deepcopy(data)
    budget = _Budget(timeout_ms)
    evaluator = _Evaluator(env, {**BUILTIN_FUNCTIONS, **(functions or {})}, budget, writable=True)
    interpreter = _Interpreter(evaluator, env, budget)
    _guarded(lambda: interpreter.block(tree.body))
    for key in list(env):
        if key.startswith("_"):
            del env[key]
    _guarded(lambda: _check_growth(data, env))
    return env


def _check_growth(before: dict, after: dict) -> None:
    # References cost nothing to copy ([form_field] * 100000), but the data is stored as text.
    if _text_size(after) > _text_size(before) + MAX_DATA_GROWTH:
        raise ScriptLimitExceeded("script.limit", limit="memory")


def _guarded(run: Callable[[], Any]) -> Any:
    try:
        return run()
    except ScriptError:
        raise
    except simpleeval.NameNotDefined as exc:
        raise ScriptError("script.name_undefined", name=exc.name) from None
    except simpleeval.FunctionNotDefined as exc:
        raise ScriptNotAllowed("script.not_allowed", construct="function", detail=str(exc.func_name)) from None
    except (simpleeval.IterableTooLong, simpleeval.NumberTooHigh):
        raise ScriptLimitExceeded("script.limit", limit="length") from None
    except simpleeval.FeatureNotAvailable as exc:
        raise ScriptNotAllowed("script.not_allowed", construct="feature", detail=str(exc)[:120]) from None
    except RecursionError:
        raise ScriptLimitExceeded("script.limit", limit="nesting") from None
    except MemoryError:
        raise ScriptLimitExceeded("script.limit", limit="memory") from None
    except (_Break, _Continue):
        raise ScriptNotAllowed("script.not_allowed", construct="break", detail="") from None
    except Exception as exc:  # an ordinary runtime error of the designer's script: report it, plainly
        # a KeyError's text is the repr of its key, however long
        detail = str(exc)[:200] if _text_size(exc.args) <= MAX_COLLECTION else ""
        raise ScriptError("script.failed", error=type(exc).__name__, detail=detail) from None


class _Interpreter:
    """Executes the statements allowed by :func:`check_source`; expressions go to the evaluator."""

    def __init__(self, evaluator: _Evaluator, env: dict, budget: _Budget) -> None:
        self.ev = evaluator
        self.env = env
        self.budget = budget

    def block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        self.budget.tick()
        if isinstance(node, ast.Assign):
            value = self.ev._eval(node.value)
            for target in node.targets:
                self.assign(target, value)
        elif isinstance(node, ast.AugAssign):
            current = self.ev._eval(_as_load(node.target))
            self.assign(node.target, self.ev.operators[type(node.op)](current, self.ev._eval(node.value)))
        elif isinstance(node, ast.If):
            self.block(node.body if self.ev._eval(node.test) else node.orelse)
        elif isinstance(node, ast.For):
            self.loop(node)
        elif isinstance(node, ast.While):
            self.loop(node)
        elif isinstance(node, ast.Expr):
            self.ev._eval(node.value)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if not isinstance(target, ast.Name):
                    raise ScriptNotAllowed("script.not_allowed", construct="del", detail="", line=node.lineno)
                self.env.pop(target.id, None)
        elif isinstance(node, ast.Break):
            raise _Break()
        elif isinstance(node, ast.Continue):
            raise _Continue()
        elif isinstance(node, ast.Pass):
            pass
        else:  # check_source already refused it; never trust a single gate
            raise ScriptNotAllowed("script.not_allowed", construct=type(node).__name__, line=node.lineno)

    def loop(self, node: ast.For | ast.While) -> None:
        if isinstance(node, ast.For):
            iterable = self.ev._eval(node.iter)
            if not isinstance(iterable, (list, tuple, dict, str, range, set)) and not hasattr(iterable, "__next__"):
                raise ScriptError("script.failed", error="TypeError", detail="not iterable")
            items = iter(iterable)
        broke = False
        while True:
            self.budget.tick()
            if isinstance(node, ast.For):
                try:
                    self.assign(node.target, next(items))
                except StopIteration:
                    break
            elif not self.ev._eval(node.test):
                break
            try:
                self.block(node.body)
            except _Break:
                broke = True
                break
            except _Continue:
                continue
        if not broke:
            self.block(node.orelse)

    def assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            if target.id.startswith("_") or target.id in self.ev.functions:
                raise ScriptNotAllowed("script.not_allowed", construct="name", detail=target.id, line=target.lineno)
            self.env[target.id] = value
        elif isinstance(target, ast.Subscript):
            container = self.ev._eval(target.value)
            if not isinstance(container, (dict, list)):
                raise ScriptNotAllowed("script.not_allowed", construct="subscript", detail=type(container).__name__,
                                       line=target.lineno)
            container[self.ev._eval(target.slice)] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = list(value)
            if len(values) != len(target.elts):
                raise ScriptError("script.failed", error="ValueError", detail="unpacking length")
            for element, item in zip(target.elts, values):
                self.assign(element, item)
        else:
            raise ScriptNotAllowed("script.not_allowed", construct="assignment", detail=type(target).__name__,
                                   line=getattr(target, "lineno", 0))


def _as_load(target: ast.expr) -> ast.expr:
    clone = copy.copy(target)
    clone.ctx = ast.Load()
    return clone
