"""Logged decisions read back for replays: streamed newest first, with the matches their reasons recorded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, select

# Rows fetched per round trip while streaming (never the whole log in memory).
BATCH_ROWS = 500
_COLUMNS = ("id", "created_at", "text", "decision", "categories", "reasons", "ruleset", "site")


def logged_decisions(engine: Engine, since: datetime | None, limit: int | None, site: str | None = None) -> tuple[Iterator[Any], bool]:
    """Stream logged decisions newest first (of one site when given); also say whether the log has a review status.

    The table is reflected rather than taken from tables.py, so that a log written by an older
    version (before reviews existed) can still be replayed.
    """
    table = Table("decisions", MetaData(), autoload_with=engine)
    columns = [table.c[name] for name in _COLUMNS]
    reviews_known = "review_status" in table.c
    if reviews_known:
        columns.append(table.c.review_status)
    query = select(*columns).order_by(table.c.created_at.desc(), table.c.id.desc())
    if since is not None:
        query = query.where(table.c.created_at >= since)
    if site is not None:
        query = query.where(table.c.site == site)
    if limit is not None:
        query = query.limit(limit)

    def rows() -> Iterator[Any]:
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(query)
            yield from result

    return rows(), reviews_known


def reason_spans(
    reasons: Iterable[Mapping[str, Any]], length: int | None = None, enforcing_only: bool = False
) -> Iterator[tuple[int, int, Mapping[str, Any]]]:
    """(start, end, reason) of every usable match of logged reasons (their JSON form), in logged order.

    Offsets that are not integers are skipped; with `length`, so are spans outside a text that long.
    """
    for reason in reasons:
        if enforcing_only and reason.get("mode", "enforce") != "enforce":
            continue
        for match in reason.get("matches") or []:
            if not isinstance(match, Mapping):
                continue
            start, end = match.get("start"), match.get("end")
            if not (isinstance(start, int) and isinstance(end, int)):
                continue
            if length is None or 0 <= start < end <= length:
                yield start, end, reason
