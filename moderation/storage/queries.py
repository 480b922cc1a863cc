"""Reading and changing the decision log: list, get, review, export, stats and purge (writing is writer.py)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, case, delete, exists, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from .engine import read_with_retry
from .engine import resolve_engine as _engine
from .outbox import enqueue_review_events
from .rows import is_decision_id
from .tables import REVIEW_STATUSES, VERDICTS, decision_hits, decision_reviews, decisions
from .times import as_utc

_LIKE_ESCAPE = "\\"


class BadCursorError(ValueError):
    """A pagination cursor that this log did not hand out."""


class UnknownDecisionError(LookupError):
    """No decision has this id."""


# --- filters and pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionFilter:
    """What to select from the log; every field left None matches everything."""

    decision: str | None = None
    status: str | None = None
    category: str | None = None
    subcategory: str | None = None
    rule: str | None = None
    site: str | None = None
    article: str | None = None
    author: str | None = None
    review: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> DecisionFilter:
        """Build a filter from parsed query arguments, ignoring keys that are not filters."""
        names = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in values.items() if key in names})


def _hit_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(decision_hits.c.decision_id == decisions.c.id, *conditions)


def _escape_like(text: str) -> str:
    return text.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", _LIKE_ESCAPE + "%").replace("_", _LIKE_ESCAPE + "_")


def filter_clauses(filters: DecisionFilter) -> list[ColumnElement[bool]]:
    """SQL conditions for a filter (on the decisions table)."""
    d = decisions.c
    clauses: list[ColumnElement[bool]] = []
    if filters.decision:
        clauses.append(d.decision == filters.decision)
    if filters.status:
        clauses.append(d.status == filters.status)
    if filters.review == "reviewed":
        clauses.append(d.review_status != "unreviewed")
    elif filters.review:
        if filters.review not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {filters.review!r}")
        clauses.append(d.review_status == filters.review)
    # Categories are what decided, so only enforcing hits count; a rule matches in either mode.
    if filters.category:
        clauses.append(_hit_exists(decision_hits.c.category == filters.category, decision_hits.c.mode == "enforce"))
    if filters.subcategory:
        clauses.append(_hit_exists(decision_hits.c.subcategory == filters.subcategory, decision_hits.c.mode == "enforce"))
    if filters.rule:
        clauses.append(_hit_exists(decision_hits.c.rule == filters.rule))
    if filters.site:
        clauses.append(d.site == filters.site)
    if filters.article:
        clauses.append(or_(d.article_id == filters.article, d.article_url == filters.article))
    if filters.author:
        clauses.append(d.author_id == filters.author)
    if filters.since:
        clauses.append(d.created_at >= as_utc(filters.since))
    if filters.until:
        clauses.append(d.created_at < as_utc(filters.until))
    if filters.q:
        clauses.append(d.text.ilike(f"%{_escape_like(filters.q)}%", escape=_LIKE_ESCAPE))
    return clauses


def encode_cursor(last_id: str) -> str:
    """An opaque cursor that continues after the decision last_id."""
    return base64.urlsafe_b64encode(json.dumps({"before": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The decision id a cursor continues after (BadCursorError when it was not made by encode_cursor)."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        last_id = payload["before"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise BadCursorError("not a cursor from this API; pass next_cursor from the previous page") from None
    if not isinstance(last_id, str) or not is_decision_id(last_id):
        raise BadCursorError("not a cursor from this API; pass next_cursor from the previous page")
    return last_id


@dataclass
class DecisionPage:
    """One page of decisions, newest first, and the cursor of the next page (None on the last)."""

    items: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None


def _record(row: Any) -> dict[str, Any]:
    """A decisions or decision_reviews row as a plain dict with UTC times."""
    record = dict(row._mapping)
    for key in ("created_at", "reviewed_at"):
        if record.get(key) is not None:
            record[key] = as_utc(record[key])
    return record


def _select(filters: DecisionFilter) -> Select[Any]:
    return select(decisions).where(*filter_clauses(filters))


def list_decisions(
    filters: DecisionFilter | None = None, *, limit: int = 50, cursor: str | None = None, engine: Engine | None = None
) -> DecisionPage:
    """One page of matching decisions, newest first; pass the returned next_cursor to get the next page."""
    statement = _select(filters or DecisionFilter())
    if cursor:
        statement = statement.where(decisions.c.id < decode_cursor(cursor))
    # Ids start with their time, so id order is time order and a unique, stable key for the cursor.
    statement = statement.order_by(decisions.c.id.desc()).limit(limit + 1)
    rows = read_with_retry(_engine(engine), lambda connection: [_record(row) for row in connection.execute(statement)])
    page = DecisionPage(rows[:limit])
    if len(rows) > limit:
        page.next_cursor = encode_cursor(rows[limit - 1]["id"])
    return page


def iter_decisions(filters: DecisionFilter | None = None, *, batch: int = 500, engine: Engine | None = None) -> Iterator[dict[str, Any]]:
    """Every matching decision, newest first, fetched in batches from a server-side cursor (constant memory)."""
    statement = _select(filters or DecisionFilter()).order_by(decisions.c.id.desc())
    with _engine(engine).connect() as connection:
        result = connection.execution_options(yield_per=batch).execute(statement)
        for row in result:
            yield _record(row)


def get_decision(decision_id: str, *, engine: Engine | None = None) -> dict[str, Any] | None:
    """One decision with its review trail (oldest review first), or None when the id is unknown."""
    if not is_decision_id(decision_id):
        return None

    def read(connection: Connection) -> dict[str, Any] | None:
        row = connection.execute(select(decisions).where(decisions.c.id == decision_id)).first()
        if row is None:
            return None
        reviews = connection.execute(
            select(decision_reviews).where(decision_reviews.c.decision_id == decision_id).order_by(decision_reviews.c.id)
        )
        record = _record(row)
        record["reviews"] = [_record(review) for review in reviews]
        return record

    return read_with_retry(_engine(engine), read)


# --- reviews --------------------------------------------------------------------------------------------

MAX_REVIEW_BATCH = 500


def _opposite(decision: str) -> str:
    return "approve" if decision == "reject" else "reject"


def _announce_reviews(connection: Connection, reviews: Sequence[Mapping[str, Any]]) -> None:
    """The one place reviews are handed on, inside their transaction (single and bulk reviews alike).

    The site hears of each verdict through the webhook outbox, committed with the review or not at all.
    """
    enqueue_review_events(connection, reviews)


def _record_reviews(
    connection: Connection, decision_ids: Iterable[str], verdict: str, *, reviewer: str, reviewer_role: str, note: str | None
) -> dict[str, str]:
    """Review each known decision among decision_ids once, in the caller's transaction: {id: the engine's decision}.

    Unknown and malformed ids are skipped.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
    wanted = sorted({decision_id for decision_id in decision_ids if is_decision_id(decision_id)})
    if not wanted:
        return {}
    d = decisions.c
    chosen = d.id.in_(wanted)
    if connection.dialect.name == "postgresql":
        # Row locks taken in id order whatever plan the UPDATE gets: overlapping bulk reviews queue instead of deadlocking.
        connection.execute(select(d.id).where(chosen).order_by(d.id).with_for_update())
    # Write first: that takes SQLite's write lock (a read first could not upgrade once another writer committed)
    # and PostgreSQL's row locks, so concurrent reviews of one decision apply one after the other.
    if not connection.execute(update(decisions).where(chosen).values(review_count=d.review_count + 1)).rowcount:
        return {}
    found = connection.execute(select(d.id, d.decision, d.status, d.comment_id, d.site).where(chosen).order_by(d.id)).all()
    now, upheld = datetime.now(UTC), verdict == "uphold"
    outcome = {row.id: row.decision if upheld else _opposite(row.decision) for row in found}
    trail = {"created_at": now, "verdict": verdict, "note": note, "reviewer": reviewer, "reviewer_role": reviewer_role}
    rows = [{**trail, "decision_id": row.id, "status_before": row.status, "status_after": outcome[row.id]} for row in found]
    connection.execute(decision_reviews.insert(), rows)
    # The same rule as `outcome` above, in SQL: every chosen row is updated in one statement.
    status = d.decision if upheld else case((d.decision == "reject", "approve"), else_="reject")
    review_status = "upheld" if upheld else "overturned"
    changes = {"status": status, "review_status": review_status, "reviewed_at": now, "reviewed_by": reviewer}
    connection.execute(update(decisions).where(chosen).values(**changes))
    about = {"verdict": verdict, "note": note, "reviewed_at": now}
    events = [{**about, "decision_id": row.id, "comment_id": row.comment_id, "site": row.site, "outcome": outcome[row.id]} for row in found]
    _announce_reviews(connection, events)
    return {row.id: row.decision for row in found}


def review_decision(
    decision_id: str, verdict: str, *, reviewer: str, reviewer_role: str, note: str | None = None, engine: Engine | None = None
) -> dict[str, Any]:
    """Record a moderator's verdict (uphold or overturn) and set the decision's current status; return it.

    The engine's original decision is never changed: an overturned reject gets status approve, and every review
    stays in the audit trail. Raises UnknownDecisionError for an unknown id.
    """
    with _engine(engine).begin() as connection:
        if not _record_reviews(connection, [decision_id], verdict, reviewer=reviewer, reviewer_role=reviewer_role, note=note):
            raise UnknownDecisionError(decision_id)
    found = get_decision(decision_id, engine=engine)
    if found is None:  # deleted by a purge between the two transactions
        raise UnknownDecisionError(decision_id)
    return found


def review_decisions(
    decision_ids: Sequence[str], verdict: str, *, reviewer: str, reviewer_role: str, note: str | None = None, engine: Engine | None = None
) -> list[dict[str, Any]]:
    """Give many decisions the same verdict, all in one transaction; one result per distinct id, in the order given.

    A result is {"id", "reviewed": True, "decision", "status", "review_status"}, or {"id", "reviewed": False} for an
    id the log does not hold. An id given twice is reviewed once. At most MAX_REVIEW_BATCH distinct ids.
    """
    distinct = list(dict.fromkeys(decision_ids))
    if len(distinct) > MAX_REVIEW_BATCH:
        raise ValueError(f"at most {MAX_REVIEW_BATCH} decisions can be reviewed at once")
    with _engine(engine).begin() as connection:
        made = _record_reviews(connection, distinct, verdict, reviewer=reviewer, reviewer_role=reviewer_role, note=note)
    review_status = "upheld" if verdict == "uphold" else "overturned"
    results: list[dict[str, Any]] = []
    for decision_id in distinct:
        original = made.get(decision_id)
        if original is None:
            results.append({"id": decision_id, "reviewed": False})
        else:
            status = original if verdict == "uphold" else _opposite(original)
            results.append({"id": decision_id, "reviewed": True, "decision": original, "status": status, "review_status": review_status})
    return results


# --- statistics -----------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _counts(decision_ids: Any) -> list[Any]:
    """Aggregates over distinct decisions: how many, rejected, reviewed, overturned."""
    d = decisions.c
    return [
        func.count(func.distinct(decision_ids)).label("decisions"),
        func.count(func.distinct(case((d.decision == "reject", decision_ids)))).label("rejects"),
        func.count(func.distinct(case((d.review_status != "unreviewed", decision_ids)))).label("reviews"),
        func.count(func.distinct(case((d.review_status == "overturned", decision_ids)))).label("overturns"),
    ]


def _with_rate(values: dict[str, Any]) -> dict[str, Any]:
    values["overturn_rate"] = _rate(values["overturns"], values["reviews"])
    return values


def decision_stats(since: datetime, until: datetime, *, site: str | None = None, engine: Engine | None = None) -> dict[str, Any]:
    """Counts over decisions logged in [since, until): totals, per category and per rule.

    Per category and rule: decisions, rejects, reviews (reviewed decisions), overturns and the overturn rate
    (overturns / reviews, None without reviews). Per rule also enforcing hits, shadow hits and the last hit.
    """
    since, until = as_utc(since), as_utc(until)
    d, h = decisions.c, decision_hits.c
    in_range = [d.created_at >= since, d.created_at < until]
    if site:
        in_range.append(d.site == site)
    hits_in_range = [h.created_at >= since, h.created_at < until]
    joined = decision_hits.join(decisions, h.decision_id == d.id)

    def read(connection: Connection) -> tuple[dict[str, Any], Sequence[Any], Sequence[Any]]:
        totals = connection.execute(select(*_counts(d.id)).where(*in_range)).one()._asdict()
        categories = connection.execute(
            select(h.category, *_counts(d.id))
            .select_from(joined)
            .where(*hits_in_range, *in_range, h.mode == "enforce")
            .group_by(h.category)
            .order_by(h.category)
        ).all()
        rules = connection.execute(
            select(
                h.rule,
                func.min(h.category).label("category"),
                func.sum(case((h.mode == "enforce", 1), else_=0)).label("hits"),
                func.sum(case((h.mode == "shadow", 1), else_=0)).label("shadow_hits"),
                func.max(h.created_at).label("last_hit"),
                *_counts(d.id),
            )
            .select_from(joined)
            .where(*hits_in_range, *in_range)
            .group_by(h.rule)
            .order_by(h.rule)
        ).all()
        return totals, categories, rules

    totals, categories, rules = read_with_retry(_engine(engine), read)
    return {
        "since": since,
        "until": until,
        "site": site,
        "totals": _with_rate(totals),
        "categories": [_with_rate(row._asdict()) for row in categories],
        "rules": [
            _with_rate({**row._asdict(), "hits": int(row.hits), "shadow_hits": int(row.shadow_hits), "last_hit": as_utc(row.last_hit)})
            for row in rules
        ],
    }


# --- retention ------------------------------------------------------------------------------------------


def count_older_than(cutoff: datetime, *, engine: Engine | None = None) -> int:
    """How many decisions were logged before cutoff."""
    statement = select(func.count()).where(decisions.c.created_at < as_utc(cutoff))
    return int(read_with_retry(_engine(engine), lambda connection: connection.execute(statement).scalar_one()))


def purge_decisions(
    cutoff: datetime,
    *,
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
    engine: Engine | None = None,
) -> int:
    """Delete decisions logged before cutoff with their hits and reviews, in short batches; return how many."""
    cutoff = as_utc(cutoff)
    deleted = 0
    while True:
        # Short transactions keep the API's writers waiting for milliseconds, not for the whole purge.
        with _engine(engine).begin() as connection:
            # Writes only, each choosing the same oldest batch: the first one takes SQLite's write lock.
            oldest = select(decisions.c.id).where(decisions.c.created_at < cutoff).order_by(decisions.c.id).limit(batch)
            # Children first: SQLite enforces no ON DELETE CASCADE unless foreign keys are switched on.
            connection.execute(delete(decision_hits).where(decision_hits.c.decision_id.in_(oldest.scalar_subquery())))
            connection.execute(delete(decision_reviews).where(decision_reviews.c.decision_id.in_(oldest.scalar_subquery())))
            removed = connection.execute(delete(decisions).where(decisions.c.id.in_(oldest.scalar_subquery()))).rowcount
        if not removed:
            return deleted
        deleted += removed
        if progress is not None:
            progress(removed)
