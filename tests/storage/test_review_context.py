"""Bulk reviews and the verdict context (capped counts, author history, article, neighbours) on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from logdata import log_decisions, reason, record
from sqlalchemy import func, select

from moderation.storage import (
    Count,
    DecisionFilter,
    article_decisions,
    article_filter,
    author_history,
    count_decisions,
    decision_reviews,
    get_decision,
    neighbour_ids,
    review_decision,
    review_decisions,
)
from moderation.storage import queries as storage_queries

THREAT = reason("threats/kill-you", "threat")


@pytest.fixture
def ctx(log_app: Flask) -> Any:
    with log_app.app_context():
        yield log_app


def reviews_in(app: Flask) -> int:
    with app.extensions["moderation.db"].connect() as connection:
        return int(connection.execute(select(func.count()).select_from(decision_reviews)).scalar_one())


def test_review_decisions_reviews_known_ids_and_reports_the_rest(ctx: Flask) -> None:
    threat, approved = log_decisions([record("I will kill you", "reject", [THREAT]), record("Nice")])
    results = review_decisions([approved, "0" * 32, threat, "junk"], "overturn", reviewer="ann", reviewer_role="moderate", note="n")
    assert results == [
        {"id": approved, "reviewed": True, "decision": "approve", "status": "reject", "review_status": "overturned"},
        {"id": "0" * 32, "reviewed": False},
        {"id": threat, "reviewed": True, "decision": "reject", "status": "approve", "review_status": "overturned"},
        {"id": "junk", "reviewed": False},
    ]
    for decision_id, status in ((threat, "approve"), (approved, "reject")):
        stored = get_decision(decision_id)
        assert stored is not None
        assert (stored["status"], stored["reviewed_by"], stored["review_count"]) == (status, "ann", 1)
        assert [(r["note"], r["status_after"]) for r in stored["reviews"]] == [("n", status)]


def test_review_decisions_refuses_more_than_the_limit_and_writes_nothing(ctx: Flask) -> None:
    [threat] = log_decisions([record("I will kill you", "reject", [THREAT])])
    with pytest.raises(ValueError, match="at most 500"):
        review_decisions([threat, *(f"{index:032x}" for index in range(500))], "uphold", reviewer="a", reviewer_role="moderate")
    with pytest.raises(ValueError, match="verdict"):
        review_decisions([threat], "delete", reviewer="a", reviewer_role="moderate")
    assert reviews_in(ctx) == 0


def test_single_and_bulk_reviews_share_one_hook_inside_the_transaction(ctx: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = log_decisions([record("I will kill you", "reject", [THREAT], site="news", comment_id="c1"), record("Nice")])
    announced: list[list[dict[str, Any]]] = []

    def hook(connection: Any, reviews: list[dict[str, Any]]) -> None:
        assert connection.in_transaction()
        announced.append([dict(review) for review in reviews])

    monkeypatch.setattr(storage_queries, "_announce_reviews", hook)
    review_decision(first, "overturn", reviewer="ann", reviewer_role="moderate", note="quote")
    review_decisions([second, first], "uphold", reviewer="bob", reviewer_role="admin")
    assert [[event["decision_id"] for event in batch] for batch in announced] == [[first], sorted([first, second])]
    event = announced[0][0]
    assert set(event) == {"decision_id", "comment_id", "site", "outcome", "verdict", "note", "reviewed_at"}
    told = (event["comment_id"], event["site"], event["outcome"], event["verdict"], event["note"])
    assert told == ("c1", "news", "approve", "overturn", "quote")
    assert event["reviewed_at"].tzinfo is not None


def test_a_failing_hook_rolls_the_whole_batch_back(ctx: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = log_decisions([record("I will kill you", "reject", [THREAT]) for _ in range(3)])

    def broken(connection: Any, reviews: Any) -> None:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(storage_queries, "_announce_reviews", broken)
    with pytest.raises(RuntimeError):
        review_decisions(ids, "overturn", reviewer="ann", reviewer_role="moderate")
    assert reviews_in(ctx) == 0
    assert {get_decision(decision_id)["status"] for decision_id in ids} == {"reject"}  # type: ignore[index]


def test_overlapping_bulk_reviews_at_once_both_apply(ctx: Flask) -> None:
    ids = log_decisions([record("I will kill you", "reject", [THREAT]) for _ in range(40)])
    engine = ctx.extensions["moderation.db"]
    errors: list[BaseException] = []

    def work(chosen: list[str], verdict: str) -> None:
        try:
            for _ in range(5):
                review_decisions(chosen, verdict, reviewer="r", reviewer_role="moderate", engine=engine)
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    workers = [threading.Thread(target=work, args=(ids[:30], "uphold")), threading.Thread(target=work, args=(ids[10:][::-1], "overturn"))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    counts = {decision_id: get_decision(decision_id)["review_count"] for decision_id in ids}  # type: ignore[index]
    assert [counts[i] for i in ids[:10]] == [5] * 10
    assert [counts[i] for i in ids[10:30]] == [10] * 20
    assert [counts[i] for i in ids[30:]] == [5] * 10
    assert reviews_in(ctx) == sum(counts.values())


def test_counts_stop_at_the_cap(ctx: Flask) -> None:
    log_decisions([record("I will kill you", "reject", [THREAT]) for _ in range(5)] + [record("Nice")])
    counted = count_decisions(
        {"all": DecisionFilter(), "rejected": DecisionFilter(status="reject"), "approved": DecisionFilter(status="approve")}, cap=4
    )
    assert counted == {"all": Count(4, True), "rejected": Count(4, True), "approved": Count(1)}
    assert str(counted["all"]) == "4+" and str(Count(12345)) == "12,345"
    assert count_decisions({"all": DecisionFilter()})["all"] == Count(6)
    assert count_decisions({}) == {}


def test_author_history_counts_decisions_rejects_and_overturns_on_the_same_site(ctx: Flask) -> None:
    author = {"id": "u7", "name": "Ann"}
    ids = log_decisions(
        [
            record("I will kill you", "reject", [THREAT], site="news", author=author),
            record("I will kill you too", "reject", [THREAT], site="news", author=author),
            record("Nice", site="news", author=author),
            record("I will kill you", "reject", [THREAT], site="sport", author=author),  # another site's u7
            record("Nice", site="news", author={"id": "u8"}),
        ]
    )
    review_decision(ids[0], "overturn", reviewer="ann", reviewer_role="moderate")
    history = author_history("u7", site="news")
    assert {name: count.value for name, count in history.items()} == {"decisions": 3, "rejects": 1, "overturns": 1}
    assert author_history("u7")["decisions"].value == 4
    assert author_history("nobody", site="news")["decisions"].value == 0


def test_article_decisions_are_the_others_on_the_same_article_newest_first(ctx: Flask) -> None:
    article = {"id": "a1", "url": "https://news.example/a1"}
    ids = log_decisions(
        [
            record("First", site="news", article=article),
            record("I will kill you", "reject", [THREAT], site="news", article=article, author={"id": "u1", "name": "Bo"}),
            record("Elsewhere", site="news", article={"id": "a2"}),
            record("Same id, other site", site="sport", article=article),
            record("Third", site="news", article=article),
        ]
    )
    filters = article_filter(article, "news")
    assert filters == DecisionFilter(article="a1", site="news")
    others = article_decisions(filters, exclude=ids[4])
    assert [other["id"] for other in others] == [ids[1], ids[0]]
    assert (others[0]["status"], others[0]["author"]["name"], others[0]["text"]) == ("reject", "Bo", "I will kill you")
    assert others[0]["created_at"].tzinfo is not None
    assert [other["id"] for other in article_decisions(filters, exclude=ids[4], limit=1)] == [ids[1]]
    assert article_filter({"url": "https://news.example/a1"}, None) == DecisionFilter(article="https://news.example/a1")
    assert article_filter({"title": "No id or URL"}, "news") is None
    assert article_filter(None, "news") is None


def test_neighbours_follow_the_filters_even_when_the_decision_left_them(ctx: Flask) -> None:
    ids = log_decisions([record("I will kill you", "reject", [THREAT]), record("Nice"), record("I will kill you", "reject", [THREAT])])
    rejected = DecisionFilter(status="reject")
    assert neighbour_ids(rejected, ids[2]) == (None, ids[0])
    assert neighbour_ids(rejected, ids[0]) == (ids[2], None)
    assert neighbour_ids(DecisionFilter(), ids[1]) == (ids[2], ids[0])
    review_decision(ids[2], "overturn", reviewer="a", reviewer_role="moderate")  # out of the rejected queue now
    assert neighbour_ids(rejected, ids[2]) == (None, ids[0])
