"""Private files: the instance folder 700, the SQLite log and keys 600; hashed PII keyed by an instance key."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from moderation import create_app
from moderation.engine.model import Decision
from moderation.storage import Entry, Submission, get_decision, hash_pii
from moderation.web.decision_log import log_decided


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh instance folder (not yet created) under a permissive umask, as on many servers."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("MODERATION_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("MODERATION_PII_HASH_SALT", raising=False)
    monkeypatch.delenv("MODERATION_DATABASE_URL", raising=False)
    before = os.umask(0o002)
    try:
        yield folder
    finally:
        os.umask(before)


def make(app_config: dict[str, object], instance: Path, **extra: object) -> Flask:
    config = {key: value for key, value in app_config.items() if key != "DATABASE_URL"}  # the default: in the instance folder
    return create_app({**config, **extra})


def test_the_instance_folder_and_the_sqlite_log_are_private(app_config: dict[str, object], instance: Path) -> None:
    app = make(app_config, instance)
    app.test_client().post("/v1/comments", json={"text": "hello"}, headers={"Authorization": "Bearer submit-key-123"})
    assert mode(instance) == 0o700
    database = instance / "moderation.sqlite3"
    assert database.exists()
    assert mode(database) == 0o600
    for companion in (instance / "moderation.sqlite3-wal", instance / "moderation.sqlite3-shm"):
        if companion.exists():
            assert mode(companion) == 0o600, companion
    for key_file in ("secret-key", "pii-key"):
        assert mode(instance / key_file) == 0o600


def test_a_sqlite_log_elsewhere_gets_a_private_folder_and_file(app_config: dict[str, object], instance: Path, tmp_path: Path) -> None:
    database = tmp_path / "data" / "log.sqlite3"
    make(app_config, instance, DATABASE_URL=f"sqlite:///{database}")
    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600


def test_hashed_pii_uses_a_key_made_once_in_the_instance_folder(app_config: dict[str, object], instance: Path) -> None:
    first = make(app_config, instance)
    key = first.config["PII_HASH_SALT"]
    assert key and len(key) >= 32
    assert (instance / "pii-key").read_text().strip() == key
    assert make(app_config, instance).config["PII_HASH_SALT"] == key  # the same key for every process and restart
    with first.app_context():
        [decision_id] = log_decided([_record({"email": "ann@example.org", "ip": "192.0.2.1"})])
        stored = get_decision(decision_id)
    assert stored is not None
    assert stored["author"]["email"] == hash_pii("ann@example.org", key)
    assert stored["author"]["email"] != hash_pii("ann@example.org", "")  # not an unkeyed, enumerable hash
    assert stored["author"]["ip"] != hash_pii("192.0.2.1", "")


def test_an_empty_salt_is_refused_with_a_warning(
    app_config: dict[str, object], instance: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODERATION_PII_HASH_SALT", "")
    with caplog.at_level(logging.WARNING, logger="moderation.config"):
        app = make(app_config, instance)
    assert "MODERATION_PII_HASH_SALT is empty" in caplog.text
    assert app.config["PII_HASH_SALT"] == (instance / "pii-key").read_text().strip() != ""


def test_a_configured_salt_is_used_and_a_short_one_warned_about(
    app_config: dict[str, object], instance: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="moderation.config"):
        salt = "a long and random site secret"
        assert make(app_config, instance, PII_HASH_SALT=salt).config["PII_HASH_SALT"] == salt
        assert caplog.text == ""
        assert make(app_config, instance, PII_HASH_SALT="short").config["PII_HASH_SALT"] == "short"
    assert "shorter than 16 characters" in caplog.text
    assert not (instance / "pii-key").exists()  # no instance key is made when a salt is configured


def _record(author: dict[str, str]) -> Entry:
    return Submission(source="api", text="hello", author=author), Decision("approve", (), (), "test")
