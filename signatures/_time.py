"""Time helpers: every moment this package handles is an aware datetime, normalised to UTC.

Callers pass the time in (an injectable clock, ARCHITECTURE.md); nothing here reads the wall clock.
A naive datetime is a programming error (its zone is a guess), so it is refused, not assumed UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone


def as_utc(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC; refuse a naive datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value.astimezone(timezone.utc)


def whole_seconds(value: datetime) -> datetime:
    """Drop microseconds: certificates and CMS signingTime (UTCTime) carry whole seconds only."""
    return value.replace(microsecond=0)
