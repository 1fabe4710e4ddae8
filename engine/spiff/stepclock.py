"""The time of the step being run: set by the services (and replays) around every engine call."""

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
