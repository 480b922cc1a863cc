"""Times in filters and retention: ISO 8601, dates, "today" and ages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from moderation.storage.times import as_utc, parse_age, parse_when

NOW = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("90d", timedelta(days=90)),
        ("12h", timedelta(hours=12)),
        ("30m", timedelta(minutes=30)),
        ("2w", timedelta(weeks=2)),
        (" 45S ", timedelta(seconds=45)),
    ],
)
def test_ages(text: str, age: timedelta) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["", "d", "90", "-1d", "1.5d", "3y", "90 days", "99999999d", "9999999d", "5300w"])
def test_bad_ages(text: str) -> None:
    with pytest.raises(ValueError, match="age"):
        parse_age(text)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("today", datetime(2026, 11, 28, tzinfo=UTC)),
        ("7d", NOW - timedelta(days=7)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T10:00:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T11:00:00+01:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
    ],
)
def test_instants(text: str, moment: datetime) -> None:
    assert parse_when(text, NOW) == moment
    assert parse_when(text, NOW).tzinfo == UTC


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "11/28/2026", "9999999d", "0001-01-01T00:00:00+01:00"])
def test_bad_instants(text: str) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_when(text, NOW)


def test_naive_times_are_utc() -> None:
    assert as_utc(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)
