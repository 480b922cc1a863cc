"""Times for filters and retention: ISO 8601 instants or dates, "today", and ages such as 90d."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_AGE = re.compile(r"(\d{1,7})\s*(s|m|h|d|w)")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# Far beyond any retention period, and near enough that "now minus the age" is always a valid date.
MAX_AGE = timedelta(days=36525)


def parse_age(value: str) -> timedelta:
    """Parse an age such as 90d, 12h, 30m, 2w or 45s (ValueError otherwise)."""
    found = _AGE.fullmatch(value.strip().lower())
    if found is None:
        raise ValueError(f"{value!r} is not an age such as 90d, 12h, 30m or 2w")
    age = timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
    if age > MAX_AGE:
        raise ValueError(f"{value!r} is longer than the longest age, 100 years")
    return age


def iso_or_none(moment: datetime | None) -> str | None:
    """ISO 8601 text of a time, or None when there is no time (JSON forms of optional times)."""
    return moment.isoformat() if moment is not None else None


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive time is taken to be UTC already (SQLite returns those)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_when(value: str, now: datetime | None = None) -> datetime:
    """Parse an instant: ISO 8601 (UTC when no offset), a date (its midnight UTC), "today", or an age ago (7d)."""
    now = now or datetime.now(UTC)
    text = value.strip()
    if text.lower() == "today":
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        return now - parse_age(text)
    except ValueError:
        pass
    try:
        return as_utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        raise ValueError(f"{value!r} is not a time: use ISO 8601 (2026-11-28T09:00:00Z), a date, 'today' or an age such as 7d") from None
