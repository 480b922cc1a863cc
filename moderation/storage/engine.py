"""Connecting to the log: SQLite in WAL mode (durable commits), or PostgreSQL through psycopg 3; dropped connections retried."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
import weakref
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
T = TypeVar("T")

# FULL syncs the WAL at every commit, so a commit survives power loss and an OS crash; NORMAL (sync at
# checkpoints only) survives a killed process but may lose the last commits on power loss. EXTRA adds nothing in WAL mode.
SQLITE_SYNCHRONOUS = ("FULL", "NORMAL")
DEFAULT_SQLITE_SYNCHRONOUS = "FULL"
# Connections are replaced after five minutes, before a firewall or server idle timeout cuts them; a connection cut
# anyway (a restarted or terminated backend) is noticed on use and the work retried (read_with_retry, the writer).
POOL_RECYCLE_SECONDS = 300
ATTEMPTS = 3
# Tries, and the pause between them, of the switch to WAL when another new connection holds the file (about 10 s).
WAL_ATTEMPTS = 200
WAL_RETRY_SECONDS = 0.05

_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def _sqlite_pragmas(synchronous: str, connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    # The busy timeout first: switching to WAL needs a lock that another worker may hold at start.
    cursor.execute("PRAGMA busy_timeout=10000")
    # Workers starting together on a new file may still find it locked: SQLite answers the switch to WAL with
    # "database is locked" at once, without the busy handler, while another connection makes the same switch.
    for attempt in range(WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == WAL_ATTEMPTS - 1:
                raise
            time.sleep(WAL_RETRY_SECONDS)
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.close()


def sqlite_path(url: str | URL) -> str | None:
    """The file of a SQLite URL, or None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return os.path.abspath(parsed.database)


def create_private_file(path: str) -> None:
    """Create a SQLite file readable by its owner only (its folder 700), before SQLite makes it world-readable.

    SQLite gives the -wal and -shm files the database file's mode, so they stay private too. An existing file is
    left as it is.
    """
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str, *, sqlite_synchronous: str = DEFAULT_SQLITE_SYNCHRONOUS) -> Engine:
    """A SQLAlchemy engine for the log; SQLite gets WAL mode, a busy timeout and `sqlite_synchronous`, its folder is created."""
    synchronous = sqlite_synchronous.upper()
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {sqlite_synchronous!r}")
    path = sqlite_path(url)
    if path is not None:
        create_private_file(path)
    # Errors name the statement but not its values: comment texts and authors stay out of the server's log.
    engine = create_engine(url, pool_recycle=POOL_RECYCLE_SECONDS, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", partial(_sqlite_pragmas, synchronous))
    _engines.add(engine)
    return engine


def _forget_parent_connections() -> None:
    # A forked worker (gunicorn --preload) must not share its parent's sockets and SQLite handles; close=False
    # leaves them to the parent, which still owns them.
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_parent_connections)


def resolve_engine(engine: Engine | None = None) -> Engine:
    """The engine given, or else the current app's log engine."""
    if engine is not None:
        return engine
    found: Engine = current_app.extensions["moderation.db"]
    return found


def is_dropped_connection(error: BaseException) -> bool:
    """True when SQLAlchemy found the connection dead (and has replaced the pool's older connections)."""
    return isinstance(error, DBAPIError) and error.connection_invalidated


def read_with_retry(engine: Engine, read: Callable[[Connection], T]) -> T:
    """Run a read on a pooled connection; again on a new one when that connection turned out to be dropped."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with engine.connect() as connection:
                return read(connection)
        except DBAPIError as error:
            if not is_dropped_connection(error) or attempt == ATTEMPTS:
                raise
            log.warning("decision log: connection dropped (%s); reading again on a new one", error.orig)
    raise AssertionError("unreachable")
