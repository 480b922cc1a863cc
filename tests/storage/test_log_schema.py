"""Migrations (fresh, adopted from the pre-Alembic table, concurrent starts) and the `moderation log purge` command."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from logdata import legacy_row, log_decisions, reason, record
from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table, Text, inspect, select, update

from moderation import create_app
from moderation.cli import main
from moderation.storage import DecisionFilter, decision_hits, decisions, get_decision, list_decisions, make_engine
from moderation.storage.migrate import current_revision, head_revision, upgrade_to_head


def test_a_new_log_is_at_the_newest_revision(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    assert current_revision(engine) == head_revision() is not None
    tables = set(inspect(engine).get_table_names())
    assert {"decisions", "decision_hits", "decision_reviews", "alembic_version"} <= tables


def test_the_service_starts_on_its_log_and_again(app_config: dict[str, object]) -> None:
    first = create_app(app_config)
    with first.app_context():
        [decision_id] = log_decisions([record("kept")])
    first.extensions["moderation.db"].dispose()
    again = create_app(app_config)
    with again.app_context():
        assert get_decision(decision_id) is not None
    assert current_revision(again.extensions["moderation.db"]) == head_revision()
    again.extensions["moderation.db"].dispose()


def _upgrade(url: str) -> str | None:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_workers_starting_together_migrate_once(database_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        revisions = pool.map(_upgrade, [database_url] * 4, chunksize=1)
    assert revisions == [head_revision()] * 4


def test_a_log_from_before_migrations_is_adopted(database_url: str) -> None:
    """The service core created one decisions table with create_all; its rows get the new columns and hits."""
    legacy = MetaData()
    table = Table(
        "decisions",
        legacy,
        Column("id", String(32), primary_key=True),
        Column("created_at", DateTime(timezone=True), nullable=False, index=True),
        Column("source", String(16), nullable=False),
        Column("site", String(200), index=True),
        Column("comment_id", String(200)),
        Column("language", String(35)),
        Column("text", Text, nullable=False),
        Column("author", JSON),
        Column("article", JSON),
        Column("decision", String(10), nullable=False, index=True),
        Column("categories", JSON, nullable=False),
        Column("reasons", JSON, nullable=False),
        Column("ruleset", String(32), nullable=False),
    )
    engine = make_engine(database_url)
    legacy.create_all(engine)
    old_id = "0" * 12 + "a" * 20
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [
                {
                    **legacy_row(record("Old threat", "reject", [reason("threats/kill-you", "threat")])),
                    "author": {"id": "u1"},
                    "article": {"id": "a1", "url": "https://x.example/1"},
                    "id": old_id,
                    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                }
            ],
        )
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    found = get_decision(old_id, engine=engine)
    assert found is not None
    assert (found["status"], found["review_status"], found["author_id"], found["article_id"]) == ("reject", "unreviewed", "u1", "a1")
    assert [item["id"] for item in list_decisions(DecisionFilter(category="threat"), engine=engine).items] == [old_id]
    with engine.connect() as connection:
        assert connection.execute(select(decision_hits.c.rule)).scalars().all() == ["threats/kill-you"]
    engine.dispose()


def _age_all(app: Flask, days: int) -> None:
    moment = datetime.now(UTC) - timedelta(days=days)
    with app.extensions["moderation.db"].begin() as connection:
        connection.execute(update(decisions).values(created_at=moment))
        connection.execute(update(decision_hits).values(created_at=moment))


@pytest.fixture
def app(log_app: Flask) -> Flask:
    """The purge command needs only the log."""
    return log_app


@pytest.fixture
def cli(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def test_purge_command(app: Flask, cli: FlaskCliRunner) -> None:
    with app.app_context():
        log_decisions([record(f"old {i}", "reject", [reason("threats/kill-you", "threat")]) for i in range(30)])
    _age_all(app, 100)
    with app.app_context():
        [new_id] = log_decisions([record("new")])

    dry = cli.invoke(main, ["log", "purge", "--older-than", "90d", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output) | {"cutoff": None} == {
        "older_than": "90d",
        "cutoff": None,
        "dry_run": True,
        "matched": 30,
        "deleted": 0,
    }

    result = cli.invoke(main, ["log", "purge", "--older-than", "90d"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Deleted 30 decision(s) logged before ")
    with app.app_context():
        assert [item["id"] for item in list_decisions().items] == [new_id]

    quiet = cli.invoke(main, ["log", "purge", "--older-than", "90d", "--quiet"])
    assert (quiet.exit_code, quiet.output) == (0, "")
    again = cli.invoke(main, ["log", "purge", "--older-than", "12w", "--json"])
    assert json.loads(again.output)["deleted"] == 0


@pytest.mark.parametrize("age", ["ninety days", "90", "-5d", "0d", "90y", ""])
def test_purge_refuses_a_bad_age(cli: FlaskCliRunner, age: str) -> None:
    result = cli.invoke(main, ["log", "purge", "--older-than", age])
    assert result.exit_code == 2
    assert "--older-than" in result.output


def test_purge_needs_an_age(cli: FlaskCliRunner) -> None:
    result = cli.invoke(main, ["log", "purge"])
    assert result.exit_code == 2
    assert "--older-than" in result.output


def test_migrate_command(cli: FlaskCliRunner) -> None:
    result = cli.invoke(main, ["log", "migrate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(f"revision {head_revision()}")


def test_the_migrations_build_exactly_the_tables_the_code_uses(log_app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from moderation.storage import metadata

    with log_app.extensions["moderation.db"].connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_purge_shows_progress_on_a_terminal(app: Flask, cli: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import moderation.cli.log

    with app.app_context():
        log_decisions([record(f"old {i}") for i in range(5)])
    _age_all(app, 100)
    monkeypatch.setattr(moderation.cli.log, "on_terminal", lambda: True)
    result = cli.invoke(main, ["log", "purge", "--older-than", "90d"])
    assert result.exit_code == 0, result.output
    assert "Deleting decisions" in result.output
    assert "Deleted 5 decision(s)" in result.output
