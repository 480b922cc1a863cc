"""Shared fixtures: an app on a temporary SQLite log with one key per role, its client and CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from testkit import KEYS

from moderation import create_app


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "API_KEYS": ",".join(f"{role}:{key}" for role, key in KEYS.items()),
        "API_KEYS_FILE": str(tmp_path / "api-keys"),
    }


@pytest.fixture
def app(app_config: dict[str, object]) -> Iterator[Flask]:
    yield create_app(app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
