"""What the services tell the engine about the step being run: its time, set around every engine call
(timers read it), and the script elements an administrator decided to skip (a repair)."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

_STEP_TIME: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("quytrinh_step_time", default=None)


@contextmanager
def step_time(moment: datetime) -> Iterator[None]:
    token = _STEP_TIME.set(moment)
    try:
        yield
    finally:
        _STEP_TIME.reset(token)


def current() -> datetime | None:
    return _STEP_TIME.get()


_SKIPPED: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("quytrinh_skipped", default=frozenset())


@contextmanager
def skipping(elements) -> Iterator[None]:
    """Run the step with the scripts of these elements skipped (journaled as a repair)."""
    token = _SKIPPED.set(frozenset(elements))
    try:
        yield
    finally:
        _SKIPPED.reset(token)


def skipped() -> frozenset[str]:
    return _SKIPPED.get()
