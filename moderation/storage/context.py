"""Context for a moderator's verdict: capped counts of queues and of an author's history, an article's decisions, neighbours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from .engine import read_with_retry
from .engine import resolve_engine as _engine
from .queries import DecisionFilter, filter_clauses
from .tables import decisions
from .times import as_utc

# Counting stops here: a count costs at most this many index entries, however big the log grows.
COUNT_CAP = 10_000
ARTICLE_LIMIT = 10


@dataclass(frozen=True)
class Count:
    """A count that stopped at a cap: `more` is True when there are more than `value`."""

    value: int
    more: bool = False

    def __str__(self) -> str:
        """The count as a moderator reads it: 1,234 or 10,000+."""
        return f"{self.value:,}{'+' if self.more else ''}"


def _capped(filters: DecisionFilter, cap: int) -> Any:
    """A scalar subquery counting the matching decisions, reading at most cap + 1 of them."""
    matching = select(decisions.c.id).where(*filter_clauses(filters)).limit(cap + 1).subquery()
    return select(func.count()).select_from(matching).scalar_subquery()


def count_decisions(filters: Mapping[str, DecisionFilter], *, cap: int = COUNT_CAP, engine: Engine | None = None) -> dict[str, Count]:
    """How many decisions match each named filter, counted up to cap, all in one statement."""
    if not filters:
        return {}
    names = list(filters)
    statement = select(*(_capped(filters[name], cap).label(f"count_{index}") for index, name in enumerate(names)))
    row = read_with_retry(_engine(engine), lambda connection: connection.execute(statement).one())
    counted = [int(value) for value in row]
    return {name: Count(min(value, cap), value > cap) for name, value in zip(names, counted, strict=True)}


def author_filters(author_id: str, site: str | None) -> dict[str, DecisionFilter]:
    """The filters of an author's history: all their decisions, those standing rejected, those overturned.

    Author ids are the site's own, so the history stays on the decision's site when it has one.
    """
    everything = DecisionFilter(author=author_id, site=site or None)
    return {
        "decisions": everything,
        "rejects": replace(everything, status="reject"),
        "overturns": replace(everything, review="overturned"),
    }


def author_history(author_id: str, *, site: str | None = None, cap: int = COUNT_CAP, engine: Engine | None = None) -> dict[str, Count]:
    """An author's decisions, rejects (as they stand after reviews) and overturns, each counted up to cap."""
    return count_decisions(author_filters(author_id, site), cap=cap, engine=engine)


def article_filter(article: Mapping[str, Any] | None, site: str | None) -> DecisionFilter | None:
    """The filter for decisions on the same article (by id, else by URL, on the same site), or None without either."""
    key = (article or {}).get("id") or (article or {}).get("url")
    return DecisionFilter(article=str(key), site=site or None) if key else None


def article_decisions(
    filters: DecisionFilter, *, exclude: str, limit: int = ARTICLE_LIMIT, engine: Engine | None = None
) -> list[dict[str, Any]]:
    """The newest decisions on an article other than `exclude`: id, time, outcome, review status, author, text."""
    d = decisions.c
    columns = (d.id, d.created_at, d.decision, d.status, d.review_status, d.author, d.text)
    statement = select(*columns).where(*filter_clauses(filters), d.id != exclude).order_by(d.id.desc()).limit(limit)

    def read(connection: Connection) -> list[dict[str, Any]]:
        return [{**row._asdict(), "created_at": as_utc(row.created_at)} for row in connection.execute(statement)]

    return read_with_retry(_engine(engine), read)


def neighbour_ids(filters: DecisionFilter, decision_id: str, *, engine: Engine | None = None) -> tuple[str | None, str | None]:
    """The decisions just newer and just older than decision_id in the log under these filters (None at either end).

    The decision itself need not match the filters: after a review takes it out of a queue, the queue still goes on.
    """
    d = decisions.c
    clauses = filter_clauses(filters)
    newer = select(d.id).where(*clauses, d.id > decision_id).order_by(d.id.asc()).limit(1).scalar_subquery()
    older = select(d.id).where(*clauses, d.id < decision_id).order_by(d.id.desc()).limit(1).scalar_subquery()
    row = read_with_retry(_engine(engine), lambda connection: connection.execute(select(newer, older)).one())
    return (str(row[0]) if row[0] is not None else None, str(row[1]) if row[1] is not None else None)
