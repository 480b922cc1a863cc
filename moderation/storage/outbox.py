"""The webhook outbox: events written in the review's transaction, claimed with a lease, marked sent or retried."""

from __future__ import annotations

import json
import secrets
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, or_, select, update

from .engine import read_with_retry
from .tables import DELIVERY_STATUSES, webhook_deliveries
from .times import as_utc, iso_or_none

REVIEW_EVENT = "decision.reviewed"
_ERROR_LENGTH = 500

# Engines whose app sends webhooks: without a receiver configured nothing is queued, so the table cannot grow
# with events nobody will ever take. A setting handed over at start-up (webhooks.init_app), not read from an app.
_enabled: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def set_outbox_enabled(engine: Engine, enabled: bool) -> None:
    """Queue review events on this engine's log (True when a webhook URL is configured) or not."""
    _enabled[engine] = enabled


def review_event_body(review: Mapping[str, Any]) -> str:
    """The JSON body of a decision.reviewed event, in the documented field order."""
    return json.dumps(
        {
            "event": REVIEW_EVENT,
            "decision_id": review["decision_id"],
            "comment_id": review.get("comment_id"),
            "site": review.get("site"),
            "outcome": review["outcome"],
            "verdict": review["verdict"],
            "note": review.get("note"),
            "reviewed_at": iso_or_none(as_utc(review["reviewed_at"])),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def enqueue_review_events(connection: Connection, reviews: Sequence[Mapping[str, Any]]) -> None:
    """Queue one decision.reviewed delivery per review, inside the caller's transaction (so both commit or neither).

    Each review has decision_id, comment_id, site, outcome (approve or reject: the status after the review),
    verdict, note and reviewed_at (a datetime). Does nothing when this log's app sends no webhooks.
    """
    if not reviews or not _enabled.get(connection.engine, False):
        return
    now = datetime.now(UTC)
    connection.execute(
        webhook_deliveries.insert(),
        [
            {
                "created_at": now,
                "event": REVIEW_EVENT,
                "decision_id": review["decision_id"],
                "site": review.get("site"),
                "body": review_event_body(review),
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
            }
            for review in reviews
        ],
    )


# --- the sender's side ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery this sender holds the lease of: its id, body and how many attempts came before."""

    id: int
    body: str
    attempts: int
    created_at: datetime
    lease: str


def _due(now: datetime) -> Any:
    d = webhook_deliveries.c
    return and_(d.status == "pending", d.next_attempt_at <= now, or_(d.lease_until.is_(None), d.lease_until < now))


def has_due_deliveries(engine: Engine, now: datetime | None = None) -> bool:
    """True when a delivery waits to be sent (a cheap read, so idle senders take no write lock)."""
    statement = select(webhook_deliveries.c.id).where(_due(now or datetime.now(UTC))).limit(1)
    return read_with_retry(engine, lambda connection: connection.execute(statement).first() is not None)


def claim_deliveries(engine: Engine, *, limit: int, lease_seconds: float, now: datetime | None = None) -> list[ClaimedDelivery]:
    """Take the lease of up to `limit` due deliveries, oldest first; no other sender gets them until it runs out.

    On SQLite the claim is one conditional UPDATE, run under the database's single write lock. On PostgreSQL the
    due rows are first locked with SKIP LOCKED (concurrent senders pick different rows instead of waiting), then
    leased; the lease condition is checked again in the UPDATE, so a row is never claimed twice.
    """
    now = now or datetime.now(UTC)
    lease = secrets.token_hex(16)
    d = webhook_deliveries.c
    candidates = select(d.id).where(_due(now)).order_by(d.id).limit(limit)
    leased = update(webhook_deliveries).values(lease_until=now + timedelta(seconds=lease_seconds), leased_by=lease)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Two statements: PostgreSQL may run a LIMIT ... FOR UPDATE subquery of an UPDATE more than once.
            ids = list(connection.scalars(candidates.with_for_update(skip_locked=True)))
            if ids:
                connection.execute(leased.where(d.id.in_(ids), _due(now)))
        else:
            # One statement: a read first could not take SQLite's write lock once another sender had committed.
            connection.execute(leased.where(d.id.in_(candidates.scalar_subquery()), _due(now)))
        rows = connection.execute(
            select(d.id, d.body, d.attempts, d.created_at).where(d.leased_by == lease, d.status == "pending").order_by(d.id)
        ).all()
    return [ClaimedDelivery(row.id, row.body, row.attempts, as_utc(row.created_at), lease) for row in rows]


def mark_delivered(engine: Engine, delivery: ClaimedDelivery, http_status: int, now: datetime | None = None) -> None:
    """Record a delivery the receiver accepted."""
    now = now or datetime.now(UTC)
    d = webhook_deliveries.c
    with engine.begin() as connection:
        connection.execute(
            update(webhook_deliveries)
            .where(d.id == delivery.id, d.leased_by == delivery.lease)
            .values(
                status="delivered",
                attempts=delivery.attempts + 1,
                last_attempt_at=now,
                last_status=http_status,
                last_error=None,
                delivered_at=now,
                lease_until=None,
                leased_by=None,
            )
        )


def mark_failed_attempt(
    engine: Engine,
    delivery: ClaimedDelivery,
    *,
    http_status: int | None,
    error: str,
    retry_at: datetime | None,
    now: datetime | None = None,
) -> None:
    """Record a refused or unreachable attempt: retried at retry_at, or given up (status failed) when it is None."""
    now = now or datetime.now(UTC)
    d = webhook_deliveries.c
    with engine.begin() as connection:
        connection.execute(
            update(webhook_deliveries)
            .where(d.id == delivery.id, d.leased_by == delivery.lease)
            .values(
                status="pending" if retry_at is not None else "failed",
                attempts=delivery.attempts + 1,
                next_attempt_at=retry_at or now,
                last_attempt_at=now,
                last_status=http_status,
                last_error=error[:_ERROR_LENGTH],
                lease_until=None,
                leased_by=None,
            )
        )


def purge_deliveries(engine: Engine, cutoff: datetime) -> int:
    """Delete delivered and abandoned deliveries made before cutoff; pending ones always stay."""
    d = webhook_deliveries.c
    with engine.begin() as connection:
        result = connection.execute(delete(webhook_deliveries).where(d.created_at < as_utc(cutoff), d.status != "pending"))
    return int(result.rowcount)


# --- reading, for the API and the rules page ----------------------------------------------------------------


def _delivery(row: Any) -> dict[str, Any]:
    record = dict(row._mapping)
    for key in ("created_at", "next_attempt_at", "last_attempt_at", "delivered_at", "lease_until"):
        if record.get(key) is not None:
            record[key] = as_utc(record[key])
    record["payload"] = json.loads(record.pop("body"))
    record.pop("leased_by", None)
    record["sending"] = record.pop("lease_until", None) is not None and record["status"] == "pending"
    return record


def list_deliveries(
    engine: Engine, *, status: str | None = None, limit: int = 50, before: int | None = None
) -> tuple[list[dict[str, Any]], int | None]:
    """Deliveries newest first (optionally of one status, and older than id `before`) and the id to continue from."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise ValueError(f"status must be one of {', '.join(DELIVERY_STATUSES)}")
    d = webhook_deliveries.c
    statement = select(webhook_deliveries)
    if status:
        statement = statement.where(d.status == status)
    if before is not None:
        statement = statement.where(d.id < before)
    statement = statement.order_by(d.id.desc()).limit(limit + 1)
    rows = read_with_retry(engine, lambda connection: [_delivery(row) for row in connection.execute(statement)])
    return rows[:limit], (rows[limit - 1]["id"] if len(rows) > limit else None)


def delivery_counts(engine: Engine) -> dict[str, int]:
    """How many deliveries there are of each status (every status present, zero when none)."""
    d = webhook_deliveries.c
    statement = select(d.status, func.count()).group_by(d.status)
    found = read_with_retry(engine, lambda connection: {row[0]: row[1] for row in connection.execute(statement)})
    return {status: int(found.get(status, 0)) for status in DELIVERY_STATUSES}
