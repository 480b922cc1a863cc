"""Bring the log's schema to the newest Alembic revision, once, even when many workers start together."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, select

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same in every process that migrates this database.
_PG_LOCK_KEY = 0x6D6F645F6C6F67  # "mod_log"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the log's migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    """An exclusive lock on a file beside the SQLite database, held by one process at a time."""
    descriptor = os.open(f"{path}.migrate-lock", os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def upgrade_to_head(engine: Engine) -> None:
    """Run the pending migrations; concurrent callers wait for the first and then find nothing to do."""
    if current_revision(engine) == head_revision():
        return
    if engine.dialect.name == "postgresql":
        # DDL is transactional on PostgreSQL: the advisory lock and the migration commit together.
        with engine.connect() as connection:
            connection.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
            _upgrade(connection)
            connection.commit()
        return
    from .engine import sqlite_path

    path = sqlite_path(engine.url) if engine.dialect.name == "sqlite" else None
    if path is None:
        with engine.connect() as connection:
            _upgrade(connection)
            connection.commit()
        return
    with _file_lock(path), engine.connect() as connection:
        _upgrade(connection)
        connection.commit()
