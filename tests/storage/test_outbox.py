"""The webhook outbox on SQLite and PostgreSQL: queued with reviews, each delivery claimed by one sender at a time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import Engine, func, select

from moderation.storage.outbox import (
    claim_deliveries,
    delivery_counts,
    enqueue_review_events,
    has_due_deliveries,
    mark_delivered,
    purge_deliveries,
    set_outbox_enabled,
)
from moderation.storage.tables import webhook_deliveries


def queue(engine: Engine, count: int) -> None:
    now = datetime.now(UTC)
    reviews = [
        {"decision_id": f"{index:032x}", "comment_id": f"c{index}", "site": "news", "outcome": "reject", "verdict": "overturn"}
        | {"note": None, "reviewed_at": now}
        for index in range(count)
    ]
    with engine.begin() as connection:
        enqueue_review_events(connection, reviews)


def test_events_are_queued_only_for_an_enabled_log(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    queue(engine, 2)
    assert delivery_counts(engine) == {"pending": 0, "delivered": 0, "failed": 0}
    set_outbox_enabled(engine, True)
    queue(engine, 2)
    assert delivery_counts(engine) == {"pending": 2, "delivered": 0, "failed": 0}
    assert has_due_deliveries(engine)


def test_a_claimed_delivery_is_nobody_elses_until_its_lease_runs_out(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    set_outbox_enabled(engine, True)
    queue(engine, 3)
    first = claim_deliveries(engine, limit=2, lease_seconds=60)
    second = claim_deliveries(engine, limit=10, lease_seconds=60)
    assert len(first) == 2 and len(second) == 1
    assert not {item.id for item in first} & {item.id for item in second}
    assert claim_deliveries(engine, limit=10, lease_seconds=60) == []
    mark_delivered(engine, first[0], 200)
    later = claim_deliveries(engine, limit=10, lease_seconds=60, now=datetime.now(UTC) + timedelta(seconds=61))
    assert sorted(item.id for item in later) == sorted([first[1].id, second[0].id])  # the delivered one stays done
    mark_delivered(engine, first[1], 200)  # its lease was taken over: the old holder's outcome is not recorded
    assert delivery_counts(engine)["delivered"] == 1


def test_concurrent_senders_never_claim_the_same_delivery(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    set_outbox_enabled(engine, True)
    queue(engine, 60)
    claimed: list[list[int]] = []
    start = threading.Barrier(6)

    def sender() -> None:
        start.wait()
        mine: list[int] = []
        while batch := claim_deliveries(engine, limit=4, lease_seconds=60):
            mine.extend(item.id for item in batch)
        claimed.append(mine)

    threads = [threading.Thread(target=sender) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    every = [delivery_id for mine in claimed for delivery_id in mine]
    assert len(claimed) == 6
    assert len(every) == len(set(every)) == 60


def test_purging_keeps_pending_deliveries(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    set_outbox_enabled(engine, True)
    queue(engine, 2)
    [done] = claim_deliveries(engine, limit=1, lease_seconds=60)
    mark_delivered(engine, done, 204)
    assert purge_deliveries(engine, datetime.now(UTC) + timedelta(seconds=1)) == 1
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(webhook_deliveries)).scalar_one() == 1
