"""The storage API on SQLite and PostgreSQL: logging, privacy, filters, pages, reviews, stats, export and purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from logdata import log_decisions, reason, record
from sqlalchemy import func, select, update

from moderation.storage import (
    BadCursorError,
    DecisionFilter,
    UnknownDecisionError,
    decision_hits,
    decision_reviews,
    decision_stats,
    decisions,
    get_decision,
    hash_pii,
    iter_decisions,
    list_decisions,
    purge_decisions,
    review_decision,
)

THREAT = reason("threats/kill-you", "threat")
INSULT = reason("attacks/moron", "personal_attack")
SHADOW = reason("abuse/new-idea", "abuse", mode="shadow", subcategory="racism")


@pytest.fixture
def ctx(log_app: Flask) -> Any:
    with log_app.app_context():
        yield log_app


def ids_of(filters: DecisionFilter) -> list[str]:
    return [item["id"] for item in list_decisions(filters, limit=500).items]


def age(app: Flask, decision_id: str, days: int) -> None:
    """Move a decision (and its hits) back in time."""
    moment = datetime.now(UTC) - timedelta(days=days)
    with app.extensions["moderation.db"].begin() as connection:
        connection.execute(update(decisions).where(decisions.c.id == decision_id).values(created_at=moment))
        connection.execute(update(decision_hits).where(decision_hits.c.decision_id == decision_id).values(created_at=moment))


def count(app: Flask, table: Any) -> int:
    with app.extensions["moderation.db"].connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_decision_is_stored_exactly_as_submitted(ctx: Flask) -> None:
    text = "Ünïcode 👍 I will k1ll you\n\ttabs and  spaces "
    article = {"id": "a1", "url": "https://news.example/a1", "title": "Title"}
    [decision_id] = log_decisions([record(text, "reject", [THREAT, SHADOW], site="news", comment_id="c1", language="en", article=article)])
    found = get_decision(decision_id)
    assert found is not None
    assert found["text"] == text
    assert found["decision"] == found["status"] == "reject"
    assert found["review_status"] == "unreviewed"
    assert found["categories"] == ["threat"]
    assert [r["rule"] for r in found["reasons"]] == ["threats/kill-you", "abuse/new-idea"]
    assert found["article"] == article
    assert (found["site"], found["comment_id"], found["language"]) == ("news", "c1", "en")
    assert found["created_at"].tzinfo is not None
    assert found["reviews"] == []


def test_ids_are_unique_and_time_ordered(ctx: Flask) -> None:
    first = log_decisions([record() for _ in range(50)])
    second = log_decisions([record()])
    assert len(set(first + second)) == 51
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in first)
    assert second[0][:12] >= max(first)[:12]


def test_unknown_and_malformed_ids_are_none(ctx: Flask) -> None:
    assert get_decision("0" * 32) is None
    assert get_decision("not-an-id") is None
    assert get_decision("'; DROP TABLE decisions; --") is None


@pytest.mark.parametrize(
    ("mode", "expect_email", "expect_ip"),
    [
        ("plain", "Ann@Example.org", "192.0.2.1"),
        ("hashed", hash_pii("ann@example.org"), hash_pii("192.0.2.1")),
        ("none", None, None),
    ],
)
def test_author_email_and_ip_follow_the_privacy_setting(ctx: Flask, mode: str, expect_email: str | None, expect_ip: str | None) -> None:
    ctx.config["STORE_AUTHOR_PII"] = mode
    author = {"id": "u1", "name": "Ann", "email": "Ann@Example.org", "ip": "192.0.2.1"}
    [decision_id] = log_decisions([record(author=author)])
    stored = get_decision(decision_id)
    assert stored is not None
    assert stored["author"]["id"] == "u1"
    assert stored["author"]["name"] == "Ann"
    assert stored["author"].get("email") == expect_email
    assert stored["author"].get("ip") == expect_ip


def test_hashed_pii_is_keyed_and_case_insensitive(ctx: Flask) -> None:
    assert hash_pii("Ann@Example.org ") == hash_pii("ann@example.org")
    assert hash_pii("ann@example.org", "site secret") != hash_pii("ann@example.org")
    assert hash_pii("ann@example.org").startswith("sha256:")


def test_filters(ctx: Flask) -> None:
    author = {"id": "u7", "email": "x@example.org"}
    article = {"id": "art-1", "url": "https://news.example/1"}
    threat, insult, plain, shadowed = log_decisions(
        [
            record("I will kill you", "reject", [THREAT], site="news", author=author, article=article),
            record("You moron", "reject", [INSULT], site="blog"),
            record("100% agree_with this", "approve", [], site="news", article=article),
            record("Shadowed remark", "approve", [SHADOW], site="blog", author=author),
        ]
    )
    assert set(ids_of(DecisionFilter(decision="reject"))) == {threat, insult}
    assert set(ids_of(DecisionFilter(decision="approve"))) == {plain, shadowed}
    assert ids_of(DecisionFilter(category="threat")) == [threat]
    # Shadow hits decide nothing, so they do not count for the category; the rule filter finds them.
    assert ids_of(DecisionFilter(category="abuse")) == []
    assert ids_of(DecisionFilter(rule="abuse/new-idea")) == [shadowed]
    assert ids_of(DecisionFilter(rule="threats/kill-you")) == [threat]
    assert set(ids_of(DecisionFilter(site="news"))) == {threat, plain}
    assert set(ids_of(DecisionFilter(article="art-1"))) == {threat, plain}
    assert set(ids_of(DecisionFilter(article="https://news.example/1"))) == {threat, plain}
    assert set(ids_of(DecisionFilter(author="u7"))) == {threat, shadowed}
    assert ids_of(DecisionFilter(q="MORON")) == [insult]
    # LIKE wildcards in the search text are literal characters.
    assert ids_of(DecisionFilter(q="100%")) == [plain]
    assert ids_of(DecisionFilter(q="agree_with")) == [plain]
    assert ids_of(DecisionFilter(q="%")) == [plain]
    assert ids_of(DecisionFilter(q="_")) == [plain]
    assert ids_of(DecisionFilter(site="news", decision="reject", category="threat", author="u7")) == [threat]
    assert ids_of(DecisionFilter(site="nowhere")) == []


def test_time_range(ctx: Flask) -> None:
    old, recent = log_decisions([record("old"), record("recent")])
    age(ctx, old, 10)
    now = datetime.now(UTC)
    assert ids_of(DecisionFilter(since=now - timedelta(days=1))) == [recent]
    assert ids_of(DecisionFilter(until=now - timedelta(days=1))) == [old]
    assert ids_of(DecisionFilter(since=now - timedelta(days=11), until=now - timedelta(days=9))) == [old]
    # An offset other than UTC names the same instant.
    eastern = (now - timedelta(days=1)).astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert ids_of(DecisionFilter(since=eastern)) == [recent]


def test_pages_are_newest_first_and_cover_everything_once(ctx: Flask) -> None:
    logged: list[str] = []
    for _ in range(5):
        logged.extend(log_decisions([record(f"comment {i}") for i in range(9)]))
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = list_decisions(limit=7, cursor=cursor)
        seen.extend(item["id"] for item in page.items)
        pages += 1
        assert pages < 20
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen, reverse=True) == seen
    assert sorted(seen) == sorted(logged)
    assert pages == 7


def test_a_page_of_exactly_limit_items_has_no_next_cursor(ctx: Flask) -> None:
    log_decisions([record() for _ in range(3)])
    assert list_decisions(limit=3).next_cursor is None
    assert list_decisions(limit=2).next_cursor is not None


@pytest.mark.parametrize("cursor", ["x", "eyJiZWZvcmUiOiAxfQ", "eyJiZWZvcmUiOiAiMSJ9", "{}", "!!!!"])
def test_bad_cursors_are_refused(ctx: Flask, cursor: str) -> None:
    with pytest.raises(BadCursorError):
        list_decisions(cursor=cursor)


def test_overturn_keeps_the_original_decision_and_the_trail(ctx: Flask) -> None:
    [decision_id] = log_decisions([record("I will kill you", "reject", [THREAT])])
    first = review_decision(decision_id, "overturn", reviewer="alice", reviewer_role="moderate", note="Quote from a film")
    assert first["decision"] == "reject"
    assert first["status"] == "approve"
    assert first["review_status"] == "overturned"
    assert first["reviewed_by"] == "alice"
    second = review_decision(decision_id, "uphold", reviewer="bob", reviewer_role="admin")
    assert second["status"] == "reject"
    assert second["review_status"] == "upheld"
    assert second["review_count"] == 2
    trail = [(r["verdict"], r["reviewer"], r["status_before"], r["status_after"], r["note"]) for r in second["reviews"]]
    assert trail == [
        ("overturn", "alice", "reject", "approve", "Quote from a film"),
        ("uphold", "bob", "approve", "reject", None),
    ]
    assert ids_of(DecisionFilter(status="reject", decision="reject", review="upheld")) == [decision_id]
    assert ids_of(DecisionFilter(review="reviewed")) == [decision_id]
    assert ids_of(DecisionFilter(review="unreviewed")) == []


def test_overturning_an_approval_rejects_it(ctx: Flask) -> None:
    [decision_id] = log_decisions([record("Buy cheap watches")])
    reviewed = review_decision(decision_id, "overturn", reviewer="alice", reviewer_role="moderate")
    assert (reviewed["decision"], reviewed["status"]) == ("approve", "reject")


def test_review_errors(ctx: Flask) -> None:
    [decision_id] = log_decisions([record()])
    with pytest.raises(UnknownDecisionError):
        review_decision("0" * 32, "uphold", reviewer="a", reviewer_role="moderate")
    with pytest.raises(UnknownDecisionError):
        review_decision("nope", "uphold", reviewer="a", reviewer_role="moderate")
    with pytest.raises(ValueError, match="verdict"):
        review_decision(decision_id, "delete", reviewer="a", reviewer_role="moderate")
    assert count(ctx, decision_reviews) == 0


def test_stats_per_category_and_rule(ctx: Flask) -> None:
    threat_1, threat_2, _insult, _shadowed, _plain = log_decisions(
        [
            record("t1", "reject", [THREAT]),
            record("t2", "reject", [THREAT, SHADOW]),
            record("i1", "reject", [INSULT]),
            record("s1", "approve", [SHADOW]),
            record("p1"),
        ]
    )
    review_decision(threat_1, "overturn", reviewer="a", reviewer_role="moderate")
    review_decision(threat_2, "uphold", reviewer="a", reviewer_role="moderate")
    old = log_decisions([record("old", "reject", [THREAT])])[0]
    age(ctx, old, 40)
    now = datetime.now(UTC)
    stats = decision_stats(now - timedelta(days=1), now + timedelta(minutes=1))
    assert stats["totals"] == {"decisions": 5, "rejects": 3, "reviews": 2, "overturns": 1, "overturn_rate": 0.5}
    categories = {row["category"]: row for row in stats["categories"]}
    assert set(categories) == {"threat", "personal_attack"}
    assert categories["threat"] == {
        "category": "threat",
        "decisions": 2,
        "rejects": 2,
        "reviews": 2,
        "overturns": 1,
        "overturn_rate": 0.5,
    }
    assert categories["personal_attack"]["overturn_rate"] is None
    rules = {row["rule"]: row for row in stats["rules"]}
    assert rules["threats/kill-you"]["hits"] == 2
    assert rules["threats/kill-you"]["shadow_hits"] == 0
    assert rules["abuse/new-idea"]["hits"] == 0
    assert rules["abuse/new-idea"]["shadow_hits"] == 2
    assert rules["abuse/new-idea"]["rejects"] == 1
    assert rules["abuse/new-idea"]["category"] == "abuse"
    assert now - timedelta(minutes=1) < rules["threats/kill-you"]["last_hit"] <= now
    wide = decision_stats(now - timedelta(days=60), now + timedelta(minutes=1))
    assert wide["totals"]["decisions"] == 6
    assert {row["rule"]: row["hits"] for row in wide["rules"]}["threats/kill-you"] == 3
    by_site = decision_stats(now - timedelta(days=1), now + timedelta(minutes=1), site="nowhere")
    assert by_site["totals"]["decisions"] == 0
    assert by_site["categories"] == by_site["rules"] == []


def test_iter_decisions_yields_every_match_newest_first(ctx: Flask) -> None:
    logged = log_decisions([record(f"c{i}", "reject" if i % 3 == 0 else "approve") for i in range(1200)])
    rejected = [i for n, i in enumerate(logged) if n % 3 == 0]
    streamed = [row["id"] for row in iter_decisions(DecisionFilter(decision="reject"), batch=100)]
    assert streamed == sorted(rejected, reverse=True)


def test_purge_deletes_old_decisions_with_their_hits_and_reviews(ctx: Flask) -> None:
    old = log_decisions([record(f"old {i}", "reject", [THREAT, SHADOW]) for i in range(25)])
    keep = log_decisions([record("new", "reject", [THREAT])])
    for decision_id in old:
        age(ctx, decision_id, 100)
    review_decision(old[0], "uphold", reviewer="a", reviewer_role="moderate")
    review_decision(keep[0], "uphold", reviewer="a", reviewer_role="moderate")
    steps: list[int] = []
    deleted = purge_decisions(datetime.now(UTC) - timedelta(days=90), batch=10, progress=steps.append)
    assert deleted == 25
    assert steps == [10, 10, 5]
    assert ids_of(DecisionFilter()) == keep
    assert count(ctx, decision_hits) == 1
    assert count(ctx, decision_reviews) == 1
    assert purge_decisions(datetime.now(UTC) - timedelta(days=90)) == 0


def test_hashes_use_the_configured_salt(ctx: Flask) -> None:
    ctx.config["PII_HASH_SALT"] = "a long site secret"
    [decision_id] = log_decisions([record(author={"email": "ann@example.org"})])
    stored = get_decision(decision_id)
    assert stored is not None
    assert stored["author"]["email"] == hash_pii("ann@example.org", "a long site secret") != hash_pii("ann@example.org")


def test_an_unknown_privacy_setting_stops_the_start(database_url: str) -> None:
    from moderation import storage

    application = Flask("bad_pii")
    application.config.update(DATABASE_URL=database_url, STORE_AUTHOR_PII="encrypted")
    with pytest.raises(ValueError, match="MODERATION_STORE_AUTHOR_PII"):
        storage.init_app(application)
