"""Perspective's storage: text digests, finding the decision a verdict is about, feedback, its stats and purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskCliRunner
from logdata import log_decisions, record
from sqlalchemy import inspect, select, update

from moderation.cli import main
from moderation.storage import (
    Entry,
    add_feedback,
    decisions,
    feedback,
    feedback_stats,
    find_logged_decision,
    purge_feedback,
    text_digest,
)

KEY = "a-secret-key"


def perspective(text: str, decision: str = "approve", **fields: object) -> Entry:
    """A Perspective decision as the analyze endpoint logs it."""
    return record("", decision, **{"source": "perspective", "text_digest": text_digest(text, KEY), **fields})


def suggestion(text: str = "some text", verdict: str = "reject", **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "source": "perspective",
        "site": None,
        "client_token": None,
        "text": text,
        "text_digest": text_digest(text, KEY),
        "verdict": verdict,
        "scores": {"TOXICITY": 1.0 if verdict == "reject" else 0.0},
        "submitted_by": "moderator",
    }
    return {**base, **fields}


def test_digests_depend_on_the_text_and_the_key() -> None:
    assert text_digest("same", KEY) == text_digest("same", KEY)
    assert text_digest("same", KEY) != text_digest("same.", KEY)
    assert text_digest("same", KEY) != text_digest("same", "another key")
    assert "same" not in text_digest("same", KEY)


def test_the_schema_has_the_digest_and_the_feedback_table(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    assert "feedback" in inspect(engine).get_table_names()
    assert "text_digest" in {column["name"] for column in inspect(engine).get_columns("decisions")}


def test_found_by_token_first_then_by_text(log_app: Flask) -> None:
    with log_app.app_context():
        [by_text, by_token] = log_decisions([perspective("the text", "reject"), perspective("other text", "approve", comment_id="tok-1")])
        assert find_logged_decision(source="perspective", client_token="tok-1", digest=text_digest("the text", KEY), site=None) == (
            by_token,
            "approve",
        )
        assert find_logged_decision(source="perspective", client_token="tok-2", digest=text_digest("the text", KEY), site=None) == (
            by_text,
            "reject",
        )
        assert find_logged_decision(source="perspective", client_token=None, digest=text_digest("unseen", KEY), site=None) is None


def test_only_perspective_decisions_and_the_newest_are_found(log_app: Flask) -> None:
    with log_app.app_context():
        log_decisions([perspective("same text", source="api")])
        assert find_logged_decision(source="perspective", client_token=None, digest=text_digest("same text", KEY), site=None) is None
        [older] = log_decisions([perspective("same text", "approve")])
        [newer] = log_decisions([perspective("same text", "reject")])
        found = find_logged_decision(source="perspective", client_token=None, digest=text_digest("same text", KEY), site=None)
        assert found == (newer, "reject") and older != newer


def test_a_site_finds_its_own_decisions_and_those_without_a_site(log_app: Flask) -> None:
    digest = text_digest("shared", KEY)
    with log_app.app_context():
        [other] = log_decisions([perspective("shared", site="other-site")])
        assert find_logged_decision(source="perspective", client_token=None, digest=digest, site="my-site") is None
        assert find_logged_decision(source="perspective", client_token=None, digest=digest, site="other-site") == (other, "approve")
        [unsited] = log_decisions([perspective("shared")])
        assert find_logged_decision(source="perspective", client_token=None, digest=digest, site="my-site") == (unsited, "approve")


def test_feedback_is_counted_by_range_and_site(log_app: Flask) -> None:
    now = datetime.now(UTC)
    with log_app.app_context():
        add_feedback(suggestion(verdict="reject", site="a"))
        add_feedback(suggestion(verdict="approve", site="a"))
        add_feedback(suggestion(verdict="reject", site="b"))
        day = (now - timedelta(days=1), now + timedelta(minutes=1))
        assert feedback_stats(*day) == {"suggestions": 3, "approve": 1, "reject": 2}
        assert feedback_stats(*day, site="a") == {"suggestions": 2, "approve": 1, "reject": 1}
        assert feedback_stats(now - timedelta(days=2), now - timedelta(days=1)) == {"suggestions": 0, "approve": 0, "reject": 0}


def test_purge_removes_old_feedback_only(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    with log_app.app_context():
        add_feedback(suggestion("old one"))
        add_feedback(suggestion("new one"))
        with engine.begin() as connection:
            connection.execute(
                update(feedback).where(feedback.c.text == "old one").values(created_at=datetime.now(UTC) - timedelta(days=100))
            )
        assert purge_feedback(datetime.now(UTC) - timedelta(days=90)) == 1
    with engine.connect() as connection:
        assert [row.text for row in connection.execute(select(feedback.c.text))] == ["new one"]


def test_the_purge_command_also_purges_feedback(app: Flask, runner: FlaskCliRunner) -> None:
    engine = app.extensions["moderation.db"]
    with app.app_context():
        add_feedback(suggestion("old one"))
        log_decisions([perspective("old decision")])
        with engine.begin() as connection:
            old = datetime.now(UTC) - timedelta(days=100)
            connection.execute(update(feedback).values(created_at=old))
            connection.execute(update(decisions).values(created_at=old))
    dry = runner.invoke(main, ["log", "purge", "--older-than", "90d", "--dry-run"])
    assert dry.exit_code == 0
    with engine.connect() as connection:
        assert len(connection.execute(select(feedback.c.id)).all()) == 1
    result = runner.invoke(main, ["log", "purge", "--older-than", "90d", "--quiet"])
    assert result.exit_code == 0, result.output
    with engine.connect() as connection:
        assert connection.execute(select(feedback.c.id)).all() == []
        assert connection.execute(select(decisions.c.id)).all() == []
