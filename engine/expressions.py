"""Translate the expressions of other engines into quytrinh's safe expression language.

Camunda 7, Flowable and Activiti write conditions in JUEL (``${approved}``, ``#{amount > 1000 && region eq
'HN'}``); Camunda 8 (Zeebe) writes FEEL after an ``=`` (``= not(approved)``). quytrinh evaluates Python-like
expressions with engine/scripting.py. Only the common simple forms are translated — names, property paths,
literals, comparisons, ``and/or/not``, arithmetic, ``empty``, the ternary ``a ? b : c`` and three string
methods; anything else (method calls on beans, Spin, FEEL quantifiers...) raises :class:`Untranslatable`
with the original text, so the file is refused naming the expression rather than run wrongly.
docs/interop.md lists the forms.
"""

from __future__ import annotations

import re

_JUEL = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.S)
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>\d+(\.\d+)?([eE][+-]?\d+)?)
  | (?P<string>'(\\.|[^'\\])*'|"(\\.|[^"\\])*")
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!?:().,\[\]=])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
""", re.X)
_WORD_OPERATORS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">=", "and": "&&", "or": "||",
                   "not": "!", "div": "/", "mod": "%"}
_LITERALS = {"true": "True", "false": "False", "null": "None"}
# Reading methods of strings that have a direct equivalent in quytrinh's language.
_METHODS = {"toLowerCase": "lower", "toUpperCase": "upper", "trim": "strip"}
_FEEL_REFUSED = {"some", "every", "satisfies", "for", "in", "return", "if", "then", "else", "instance", "of",
                 "between", "function"}


class Untranslatable(ValueError):
    """An expression of another engine that quytrinh does not translate; ``expression`` is the original."""

    def __init__(self, expression: str, reason: str) -> None:
        super().__init__(f"{reason}: {expression}")
        self.expression = expression
        self.reason = reason


def dialect_of(text: str | None) -> str | None:
    """``juel`` for ``${...}``/``#{...}``, ``feel`` for ``=...``, None for quytrinh's own language."""
    value = (text or "").strip()
    if _JUEL.match(value):
        return "juel"
    if value.startswith("=") and not value.startswith("=="):
        return "feel"
    return None


def translate(text: str, dialect: str | None = None) -> str:
    """Translate one foreign expression (JUEL or FEEL, see :func:`dialect_of`) into quytrinh's language.

    :param dialect: ``feel`` for an expression the file declares FEEL (``language`` or the definitions'
        ``expressionLanguage``) that is not written after ``=``; by default the text's own marker decides.
    :raises Untranslatable: the expression uses a form that is not translated.
    """
    value = text.strip()
    dialect = dialect_of(value) or dialect
    if dialect == "juel":
        body = _JUEL.match(value).group("body")
        if "${" in body or "#{" in body:
            raise Untranslatable(text, "composite")
        return _Parser(text, body, feel=False).parse()
    if dialect == "feel":
        return _Parser(text, value[1:] if dialect_of(value) == "feel" else value, feel=True).parse()
    return value


def simple_name(text: str | None) -> str | None:
    """The variable of ``${name}`` / ``#{name}`` / ``= name`` (an assignee, a collection), else None."""
    value = (text or "").strip()
    match = _JUEL.match(value)
    body = match.group("body").strip() if match else (value[1:].strip() if dialect_of(value) == "feel" else None)
    return body if body and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", body) else None


def bean_call(text: str | None) -> tuple[str, list[str]] | None:
    """``#{bean.method(a, b)}`` -> (``bean.method``, [argument expressions]); ``#{bean}`` -> (``bean``, [])."""
    match = _JUEL.match((text or "").strip())
    if not match:
        return None
    body = match.group("body").strip()
    call = re.fullmatch(r"([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*(?:\((.*)\))?", body, re.S)
    if not call:
        return None
    arguments = [a.strip() for a in _split_arguments(call.group(2) or "")]
    return call.group(1), [a for a in arguments if a]


def _split_arguments(text: str) -> list[str]:
    parts, depth, current, quote = [], 0, "", None
    for char in text:
        if quote:
            current += char
            quote = None if char == quote else quote
            continue
        if char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


class _Parser:
    """A small precedence-climbing parser that emits Python source, fully parenthesised."""

    def __init__(self, original: str, body: str, *, feel: bool) -> None:
        self.original = original
        self.feel = feel
        self.tokens = self._tokenize(body)
        self.pos = 0

    def _tokenize(self, body: str) -> list[tuple[str, str]]:
        tokens, pos = [], 0
        while pos < len(body):
            match = _TOKEN.match(body, pos)
            if not match:
                raise Untranslatable(self.original, f"character {body[pos]!r}")
            pos = match.end()
            kind = match.lastgroup
            value = match.group(kind)
            if kind == "ws":
                continue
            if kind == "name" and self.feel and value in _FEEL_REFUSED:
                raise Untranslatable(self.original, f"FEEL '{value}'")
            if kind == "name" and value in _WORD_OPERATORS:
                kind, value = "op", _WORD_OPERATORS[value]
            if kind == "name" and value == "empty":
                kind = "op"
            if self.feel and kind == "op" and value == "=":
                value = "=="
            tokens.append((kind, value))
        return tokens

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise Untranslatable(self.original, f"expected {value or 'more'}")
        self.pos += 1
        return token

    def parse(self) -> str:
        if not self.tokens:
            raise Untranslatable(self.original, "empty")
        result = self.ternary()
        if self.peek() is not None:
            raise Untranslatable(self.original, f"unexpected {self.peek()[1]!r}")
        return result

    def ternary(self) -> str:
        condition = self.binary(0)
        if self.peek() == ("op", "?"):
            self.take("?")
            yes = self.ternary()
            self.take(":")
            no = self.ternary()
            return f"({yes} if {condition} else {no})"
        return condition

    _LEVELS = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]
    _PYTHON = {"||": "or", "&&": "and"}

    def binary(self, level: int) -> str:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() is not None and self.peek()[0] == "op" and self.peek()[1] in self._LEVELS[level]:
            operator = self.take()[1]
            right = self.binary(level + 1)
            left = f"({left} {self._PYTHON.get(operator, operator)} {right})"
        return left

    def unary(self) -> str:
        token = self.peek()
        if token == ("op", "!"):
            self.take()
            return f"(not {self.unary()})"
        if token == ("op", "-"):
            self.take()
            return f"(-{self.unary()})"
        if token == ("op", "empty"):
            self.take()
            operand = self.unary()
            return f"({operand} in (None, '', [], {{}}))"
        return self.postfix(self.primary())

    def primary(self) -> str:
        kind, value = self.take()
        if kind == "number":
            return value
        if kind == "string":
            return repr(_unquote(value))
        if kind == "name":
            if value in _LITERALS:
                return _LITERALS[value]
            if self.peek() == ("op", "("):
                raise Untranslatable(self.original, f"function {value}()")
            return value
        if value == "(":
            inner = self.ternary()
            self.take(")")
            return f"({inner})"
        raise Untranslatable(self.original, f"unexpected {value!r}")

    def postfix(self, operand: str) -> str:
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == "[":
                index = self.ternary()
                self.take("]")
                operand = f"{operand}[{index}]"
                continue
            kind, name = self.take()
            if kind != "name":
                raise Untranslatable(self.original, f"unexpected {name!r}")
            if self.peek() == ("op", "("):
                self.take("(")
                if name not in _METHODS or self.peek() != ("op", ")"):
                    raise Untranslatable(self.original, f"method {name}()")
                self.take(")")
                operand = f"{operand}.{_METHODS[name]}()"
            else:
                operand = f"{operand}[{name!r}]"   # a property of a map: a['b']
        return operand


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


_CRON_UNITS = [("S", 60), ("M", 60), ("H", 24)]   # Quartz: seconds, minutes, hours, then day-of-month...


def looks_like_cron(text: str) -> bool:
    return len(text.split()) in (6, 7) and not text.upper().startswith(("R", "P"))


def cron_period(text: str) -> str | None:
    """A Quartz cron that fires every N seconds, minutes or hours -> the ISO period ``PTnS/M/H``.

    Quartz fields: seconds, minutes, hours, day of month, month, day of week, [year]. quytrinh keeps only
    fixed periods: one field stepping by N (``0/5``, ``*/5``), every finer field at one fixed value, every
    coarser field unrestricted (``*``, ``?``, ``0/1``, ``1/1``). The first firing is one period after the
    timer starts waiting, not aligned to the clock as in Quartz (docs/interop.md).
    """
    fields = text.split()

    def every(value: str) -> bool:
        return value in ("*", "?") or bool(re.fullmatch(r"(\d+|\*)/1", value))

    for index, (unit, _limit) in enumerate(_CRON_UNITS):
        step = re.fullmatch(r"(\d+|\*)/(\d+)", fields[index])
        finer_fixed = all(re.fullmatch(r"\d+", fields[i]) for i in range(index))
        coarser_free = all(every(v) for v in fields[index + 1:6]) and (len(fields) == 6 or every(fields[6]))
        if step and int(step.group(2)) > 1 and finer_fixed and coarser_free:
            return f"PT{int(step.group(2))}{unit}"
        if every(fields[index]) and finer_fixed and coarser_free and index > 0:
            return f"PT1{_CRON_UNITS[index][0]}"
    return None
