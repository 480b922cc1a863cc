"""Storage fixtures: every test here runs on SQLite, and on PostgreSQL too when MODERATION_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from moderation import create_app, storage

PG_URL = os.environ.get("MODERATION_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL else ["sqlite"]


def pg_schema_url(schema: str) -> str:
    """The PostgreSQL test URL confined to one schema (tables, indexes and alembic_version all land there)."""
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped with everything in it after the test."""
    if not PG_URL:
        pytest.skip("MODERATION_TEST_DATABASE_URL is not set: no PostgreSQL to test on")
    schema = f"test_{secrets.token_hex(6)}"
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The log's URL: a SQLite file in tmp_path, or a throw-away schema on the test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'log.sqlite3'}"
    schema: str = request.getfixturevalue("pg_schema")
    return pg_schema_url(schema)


@pytest.fixture
def app_config(app_config: dict[str, object], database_url: str) -> dict[str, object]:
    """The shared test configuration, on this module's database."""
    return {**app_config, "DATABASE_URL": database_url}


@pytest.fixture
def app(app_config: dict[str, object]) -> Iterator[Flask]:
    """The app on this module's database; its connection pool is closed after the test (PostgreSQL counts them)."""
    application = create_app(app_config)
    yield application
    application.extensions["moderation.db"].dispose()


@pytest.fixture
def log_app(database_url: str) -> Iterator[Flask]:
    """A bare app with only the decision log wired: for storage tests that need no rules, keys or API."""
    application = Flask("log_tests")
    application.config.update(TESTING=True, DATABASE_URL=database_url, STORE_AUTHOR_PII="hashed")
    storage.init_app(application)
    yield application
    application.extensions["moderation.db"].dispose()
