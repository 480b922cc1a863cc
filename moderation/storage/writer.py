"""Group commit for the decision log: one writer thread per process commits every queued write in one transaction.

A request queues its rows and waits until the transaction holding them has committed, so its decision is durable
before its response is sent; requests arriving while a commit runs share the next one. A write that fails raises
LogUnavailableError (a 503 in the JSON error shape) in its own request only and stores none of its rows.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from werkzeug.exceptions import ServiceUnavailable

from .engine import ATTEMPTS, is_dropped_connection, resolve_engine
from .rows import decision_rows
from .tables import decision_hits, decisions

log = logging.getLogger(__name__)

# One transaction holds at most this many decisions (more wait for the next): bounded statements and memory.
MAX_ROWS_PER_COMMIT = 1000
# An idle writer thread ends after this long; the next write starts a new one.
IDLE_SECONDS = 5.0
RETRY_AFTER_SECONDS = 1


class LogUnavailableError(ServiceUnavailable):
    """The decisions of this request could not be written to the log; none of them was stored."""

    def __init__(self) -> None:
        super().__init__(
            description="The decision could not be written to the log, so it was not stored. Try again shortly.",
            retry_after=RETRY_AFTER_SECONDS,
        )


@dataclass(eq=False)
class _Write:
    """The rows of one log_decisions call and, once its transaction ended, whether it failed."""

    rows: list[dict[str, Any]]
    hits: list[dict[str, Any]]
    # Made when the write is, not at import: under gevent it must be the patched (cooperative) Event.
    done: threading.Event = field(default_factory=lambda: threading.Event())
    error: BaseException | None = None

    def finish(self, error: BaseException | None = None) -> None:
        if not self.done.is_set():
            self.error = error
            self.done.set()


def _blames_the_rows(error: BaseException) -> bool:
    """True for errors that one write's rows can cause alone (a clash or a bad value), not the database's state."""
    if isinstance(error, IntegrityError | DataError):
        return True
    return isinstance(error, StatementError) and not isinstance(error, DBAPIError)


class LogWriter:
    """The group-commit writer of one engine in one process; its thread starts on the first write after a fork."""

    def __init__(self, engine: Engine):
        self.pid = os.getpid()
        # Weak: an engine that nobody uses any more is not kept alive by its idle writer.
        self._engine = weakref.ref(engine)
        # Made here, in the process and after the monkey-patching that will use them (threads or gevent).
        self._lock = threading.Lock()
        self._queued = threading.Condition(self._lock)
        self._queue: list[_Write] = []
        self._thread: threading.Thread | None = None
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """How many callers are waiting for their write to commit (queued or in the transaction under way)."""
        return self._waiting

    def write(self, rows: list[dict[str, Any]], hits: list[dict[str, Any]]) -> None:
        """Queue the rows and wait until they are committed; LogUnavailableError when they could not be."""
        pending = _Write(rows, hits)
        with self._lock:
            self._queue.append(pending)
            self._waiting += 1
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="decision-log-writer", daemon=True)
                try:
                    thread.start()
                except BaseException:
                    self._queue.remove(pending)
                    self._waiting -= 1
                    raise
                self._thread = thread
            else:
                self._queued.notify()
        pending.done.wait()
        with self._lock:
            self._waiting -= 1
        if pending.error is not None:
            raise LogUnavailableError() from pending.error

    def _take(self) -> list[_Write] | None:
        """The next writes to commit together (oldest first), or None once idle long enough to end the thread."""
        with self._lock:
            if not self._queue:
                self._queued.wait(IDLE_SECONDS)
            if not self._queue:
                self._thread = None
                return None
            taken, rows = 0, 0
            for pending in self._queue:
                if taken and rows + len(pending.rows) > MAX_ROWS_PER_COMMIT:
                    break
                taken, rows = taken + 1, rows + len(pending.rows)
            batch, self._queue = self._queue[:taken], self._queue[taken:]
            return batch

    def _run(self) -> None:
        batch: list[_Write] = []
        try:
            while (taken := self._take()) is not None:
                batch = taken
                self._commit_together(batch)
        except BaseException:
            # Only an exit (interpreter shutdown, a killed greenlet) gets here: fail the work left rather than leave
            # requests waiting for an answer that will never come, and let the next write start a new thread.
            stopped = RuntimeError("the decision-log writer stopped")
            with self._lock:
                left, self._queue, self._thread = self._queue, [], None
            for pending in [*batch, *left]:
                pending.finish(stopped)
            raise

    def _commit_together(self, batch: list[_Write]) -> None:
        try:
            self._insert(batch)
        except Exception as error:  # every waiting request gets an answer, whatever failed
            if len(batch) == 1 or not _blames_the_rows(error):
                log.error("decision log: %d writes failed", len(batch), exc_info=error)
                for pending in batch:
                    pending.finish(error)
                return
            # One write's rows spoil the whole transaction: commit each alone so the others still get in.
            log.warning("decision log: a group of %d writes failed (%s); committing each alone", len(batch), error)
            for pending in batch:
                try:
                    self._insert([pending])
                except Exception as alone:  # noqa: BLE001 - as above, for this write alone
                    log.error("decision log: a write failed: %s", alone)
                    pending.finish(alone)
                else:
                    pending.finish()
            return
        for pending in batch:
            pending.finish()

    def _insert(self, batch: list[_Write]) -> None:
        """Insert the batch's rows in one transaction, on a new connection again when the first was dropped."""
        for attempt in range(1, ATTEMPTS + 1):
            engine = self._engine()
            if engine is None:
                raise RuntimeError("the decision log's engine was closed")
            try:
                with engine.begin() as connection:
                    # A connection dropped during COMMIT leaves it unknown whether the commit happened: look first.
                    todo = batch if attempt == 1 else _not_yet_stored(connection, batch)
                    rows = [row for pending in todo for row in pending.rows]
                    hits = [hit for pending in todo for hit in pending.hits]
                    # Each one statement executed with many parameter sets (executemany): one prepared insert.
                    if rows:
                        connection.execute(decisions.insert(), rows)
                    if hits:
                        connection.execute(decision_hits.insert(), hits)
                return
            except DBAPIError as error:
                if not is_dropped_connection(error) or attempt == ATTEMPTS:
                    raise
                log.warning("decision log: connection dropped (%s); writing again on a new one", error.orig)


def _not_yet_stored(connection: Connection, batch: list[_Write]) -> list[_Write]:
    """The writes of batch whose decisions are not in the log (a write's rows are committed all or none)."""
    first_ids = [pending.rows[0]["id"] for pending in batch if pending.rows]
    stored = set(connection.scalars(select(decisions.c.id).where(decisions.c.id.in_(first_ids))))
    return [pending for pending in batch if pending.rows and pending.rows[0]["id"] not in stored]


_writers: weakref.WeakKeyDictionary[Engine, LogWriter] = weakref.WeakKeyDictionary()


def writer_for(engine: Engine) -> LogWriter:
    """The writer of an engine in this process, made on first use (so a forked worker makes its own)."""
    writer = _writers.get(engine)
    if writer is None or writer.pid != os.getpid():
        # Two threads racing here may each make one; both work, and the last one made stays.
        writer = _writers[engine] = LogWriter(engine)
    return writer


def log_decisions(records: Sequence[dict[str, Any]], *, engine: Engine | None = None, pii: str | None = None) -> list[str]:
    """Write decision records (and their rule hits) durably, all or none, and return their new ids.

    Raises LogUnavailableError (HTTP 503) when they could not be written.
    """
    salt = ""
    if pii is None:
        pii = current_app.config.get("STORE_AUTHOR_PII", "hashed") if has_app_context() else "hashed"
    if has_app_context():
        salt = current_app.config.get("PII_HASH_SALT") or ""
    rows, hits = decision_rows(records, pii, salt)
    if rows:
        writer_for(resolve_engine(engine)).write(rows, hits)
    return [row["id"] for row in rows]
