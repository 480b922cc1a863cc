"""Group commit for the decision log: writer threads commit everything queued in one transaction.

A request waits until the transaction holding its rows has committed, so its decision is durable before its response
is sent. Requests that arrive while the transactions allowed are all under way (one on SQLite, a few on PostgreSQL)
queue, and a writer thread of the process commits the whole queue together when a transaction is free; a request that
finds nothing queued and a transaction free commits in its own thread (under gevent on SQLite, its greenlet hands the
commit to a native thread). A write that fails raises LogUnavailableError (a 503 in the JSON error shape) in its own
request only and stores none of its rows.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import weakref
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, Table, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from werkzeug.exceptions import ServiceUnavailable

from .engine import ATTEMPTS, is_dropped_connection, sqlite_path
from .rows import Entry, decision_rows
from .tables import decision_hits, decisions
from .turns import Turns

log = logging.getLogger(__name__)

# One transaction holds at most this many decisions (more wait for the next): bounded statements and memory.
MAX_ROWS_PER_COMMIT = 1000
# An idle writer thread ends after this long; the next write starts a new one.
IDLE_SECONDS = 5.0
RETRY_AFTER_SECONDS = 1
# Transactions one PostgreSQL log writes at once per process (the pool keeps 5 connections).
POSTGRESQL_TRANSACTIONS = 4


class LogUnavailableError(ServiceUnavailable):
    """The decisions of this request could not be written to the log; none of them was stored."""

    def __init__(self) -> None:
        super().__init__(
            description="The decision could not be written to the log, so it was not stored. Try again shortly.",
            retry_after=RETRY_AFTER_SECONDS,
        )


@dataclass(eq=False)
class _Write:
    """The rows of one log_decisions call, as the driver takes them, and once its transaction ended, whether it failed."""

    rows: list[Any]
    hits: list[Any]
    first_id: str | None  # the id of its first decision: a write's rows are committed all or none
    # Made when the write is, not at import: under gevent it must be the patched (cooperative) Event.
    done: threading.Event = field(default_factory=lambda: threading.Event())
    error: BaseException | None = None

    def finish(self, error: BaseException | None = None) -> None:
        if not self.done.is_set():
            self.error = error
            self.done.set()


def _gevent_patched() -> bool:
    """True when gevent has patched threading (its gunicorn workers do): threads are greenlets."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and bool(monkey.is_module_patched("threading"))


def _in_native_thread(function: Any, batch: list[_Write]) -> Any:
    """Under gevent, run a commit in gevent's pool of real threads, the caller's greenlet waiting for it.

    The driver releases the GIL while the disk syncs (SQLite) or the server answers (PostgreSQL), so the hub
    goes on reading and deciding requests, which queue and share the next commit, instead of the whole
    process standing still for every commit.
    """
    from gevent import get_hub

    return get_hub().threadpool.apply(function, (batch,))


def _blames_the_rows(error: BaseException) -> bool:
    """True for errors that one write's rows can cause alone (a clash or a bad value), not the database's state."""
    if isinstance(error, IntegrityError | DataError):
        return True
    return isinstance(error, StatementError) and not isinstance(error, DBAPIError)


class DriverInsert:
    """An INSERT of whole rows into a table, compiled once for the engine's driver and run with the driver's parameters.

    The log writes thousands of rows a second: SQLAlchemy's per-execution work (statement cache look-up, parameter
    processing by name) cost more than SQLite's own insert. Here each column's conversion (JSON, SQLite's datetimes)
    is the one SQLAlchemy would apply, taken once from the column types, and the SQL is what it would send.
    """

    def __init__(self, table: Table, dialect: Dialect, generated: tuple[str, ...] = ()):
        columns = [column for column in table.columns if column.name not in generated]
        compiled = table.insert().compile(dialect=dialect, column_keys=[column.name for column in columns])
        self.sql = str(compiled)
        converters = {column.name: column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns}
        # qmark drivers (sqlite3) take tuples in the statement's order, pyformat ones (psycopg) dicts by name.
        self.positional = bool(compiled.positional)
        self.names = list(compiled.positiontup or ()) if self.positional else list(converters)
        self.converters = [(name, converters[name]) for name in self.names]

    def parameters(self, rows: list[dict[str, Any]]) -> list[Any]:
        """The rows' values as the driver takes them (a column a row leaves out is NULL)."""
        converters = self.converters
        if self.positional:
            return [tuple(row.get(name) if convert is None else convert(row.get(name)) for name, convert in converters) for row in rows]
        return [{name: row.get(name) if convert is None else convert(row.get(name)) for name, convert in converters} for row in rows]

    def execute(self, connection: Connection, parameters: list[Any]) -> None:
        """Insert rows (their parameters()) on the connection, in its transaction: one executemany."""
        connection.exec_driver_sql(self.sql, parameters)


class LogWriter:
    """The group-commit writer of one engine in one process; its threads start on demand, after any fork."""

    def __init__(self, engine: Engine):
        self.pid = os.getpid()
        # Weak: an engine that nobody uses any more is not kept alive by its idle writer.
        self._engine = weakref.ref(engine)
        # SQLite lets one transaction write at a time; PostgreSQL runs several side by side and syncs their commits
        # together, which a single transaction at a time would give away.
        self.max_transactions = 1 if engine.dialect.name == "sqlite" else POSTGRESQL_TRANSACTIONS
        # A write that finds nothing queued and a transaction free commits from its own thread, saving the switches to
        # a writer and back. Under gevent a commit never yields, so it goes to a native thread while the hub decides
        # the next requests, which queue and share the next commit. With one transaction (SQLite) the request's own
        # greenlet hands it over, as a writer would have taken it alone anyway (8% less CPU per request measured);
        # with several (PostgreSQL) writes queue for the writers, whose commits then share more (measured too).
        self._hands_off = _gevent_patched()
        self._commits_in_caller = not self._hands_off or self.max_transactions == 1
        database = sqlite_path(engine.url) if engine.dialect.name == "sqlite" else None
        # Opened here, after any fork: an flock is shared by the processes that share its open file.
        self._turns: AbstractContextManager[None] = Turns(database) if database else contextlib.nullcontext()
        self._decisions = DriverInsert(decisions, engine.dialect)
        self._hits = DriverInsert(decision_hits, engine.dialect, generated=("id",))
        # Made here, in the process and after the monkey-patching that will use them (threads or gevent).
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a write was queued or a transaction ended
        self._queue: list[_Write] = []
        self._active = 0  # transactions under way, in callers or writer threads
        self._threads = 0  # writer threads alive
        self._idle = 0  # writer threads waiting for work or for a free transaction
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """How many callers are waiting for their write to commit (queued or in a transaction under way)."""
        return self._waiting

    def write(self, rows: list[dict[str, Any]], hits: list[dict[str, Any]]) -> None:
        """Commit the rows, with whatever else is queued; LogUnavailableError when they could not be committed."""
        try:
            # Converted here, in the caller: a value no column takes fails its own request, not a shared transaction.
            pending = _Write(self._decisions.parameters(rows), self._hits.parameters(hits), rows[0]["id"] if rows else None)
        except Exception as error:
            log.error("decision log: a write's values could not be converted: %s", error)
            raise LogUnavailableError() from error
        with self._lock:
            self._waiting += 1
            in_caller = self._commits_in_caller and not self._queue and self._active < self.max_transactions
            try:
                if in_caller:
                    self._active += 1
                else:
                    self._queue.append(pending)
                    self._call_a_writer()
            except BaseException:
                self._waiting -= 1
                self._queue = [queued for queued in self._queue if queued is not pending]
                raise
        try:
            if in_caller:
                self._commit_and_free([pending])
            pending.done.wait()
        finally:
            with self._lock:
                self._waiting -= 1
        if pending.error is not None:
            raise LogUnavailableError() from pending.error

    def _call_a_writer(self) -> None:
        """Wake an idle writer thread, or start one (lock held); else a busy one takes the queue when it is done."""
        if self._idle:
            self._changed.notify()
        elif self._threads < self.max_transactions:
            threading.Thread(target=self._run, name="decision-log-writer", daemon=True).start()
            self._threads += 1

    def _take(self) -> list[_Write] | None:
        """The next writes to commit together, oldest first, once a transaction is free (lock held); None when idle."""
        while not (self._queue and self._active < self.max_transactions):
            self._idle += 1
            woken = self._changed.wait(IDLE_SECONDS)
            self._idle -= 1
            if not woken and not self._queue:
                return None
        taken, rows = 0, 0
        for pending in self._queue:
            if taken and rows + len(pending.rows) > MAX_ROWS_PER_COMMIT:
                break
            taken, rows = taken + 1, rows + len(pending.rows)
        batch, self._queue = self._queue[:taken], self._queue[taken:]
        self._active += 1
        return batch

    def _run(self) -> None:
        batch: list[_Write] = []
        try:
            while True:
                with self._lock:
                    taken = self._take()
                    if taken is None:
                        self._threads -= 1
                        return
                batch = taken
                self._commit_and_free(batch)
        except BaseException:
            # Only an exit (interpreter shutdown, a killed greenlet) gets here: fail the work that no writer is left
            # to do rather than leave requests waiting for an answer that will never come.
            stopped = RuntimeError("the decision-log writer stopped")
            with self._lock:
                self._threads -= 1
                left, self._queue = (self._queue, []) if self._threads == 0 else ([], self._queue)
            for pending in [*batch, *left]:
                pending.finish(stopped)
            raise

    def _commit_and_free(self, batch: list[_Write]) -> None:
        """Commit a batch that holds one of the transactions, then give the transaction back and tell its writes."""
        outcomes: list[BaseException | None] = []
        try:
            commit = self._commit_together
            outcomes = _in_native_thread(commit, batch) if self._hands_off else commit(batch)
        finally:
            with self._lock:
                self._active -= 1
                if self._queue:
                    self._changed.notify()
            # Told here, in the caller's thread: under gevent, waking greenlets from a native thread costs far more.
            for pending, outcome in zip(batch, outcomes, strict=False):
                pending.finish(outcome)

    def _commit_together(self, batch: list[_Write]) -> list[BaseException | None]:
        """Commit the batch; each write's outcome, in order (None: committed)."""
        try:
            self._insert(batch)
        except Exception as error:  # every waiting request gets an answer, whatever failed
            if len(batch) == 1 or not _blames_the_rows(error):
                log.error("decision log: %d writes failed", len(batch), exc_info=error)
                return [error] * len(batch)
            # One write's rows spoil the whole transaction: commit each alone so the others still get in.
            log.warning("decision log: a group of %d writes failed (%s); committing each alone", len(batch), error)
            outcomes: list[BaseException | None] = []
            for pending in batch:
                try:
                    self._insert([pending])
                except Exception as alone:  # noqa: BLE001 - as above, for this write alone
                    log.error("decision log: a write failed: %s", alone)
                    outcomes.append(alone)
                else:
                    outcomes.append(None)
            return outcomes
        return [None] * len(batch)

    def _insert(self, batch: list[_Write]) -> None:
        """Insert the batch's rows in one transaction, on a new connection again when the first was dropped."""
        for attempt in range(1, ATTEMPTS + 1):
            engine = self._engine()
            if engine is None:
                raise RuntimeError("the decision log's engine was closed")
            try:
                with self._turns, engine.begin() as connection:
                    # A connection dropped during COMMIT leaves it unknown whether the commit happened: look first.
                    todo = batch if attempt == 1 else _not_yet_stored(connection, batch)
                    rows = [row for pending in todo for row in pending.rows]
                    hits = [hit for pending in todo for hit in pending.hits]
                    if rows:
                        self._decisions.execute(connection, rows)
                    if hits:
                        self._hits.execute(connection, hits)
                return
            except DBAPIError as error:
                if not is_dropped_connection(error) or attempt == ATTEMPTS:
                    raise
                log.warning("decision log: connection dropped (%s); writing again on a new one", error.orig)


def _not_yet_stored(connection: Connection, batch: list[_Write]) -> list[_Write]:
    """The writes of batch whose decisions are not in the log (a write's rows are committed all or none)."""
    first_ids = [pending.first_id for pending in batch if pending.first_id is not None]
    stored = set(connection.scalars(select(decisions.c.id).where(decisions.c.id.in_(first_ids))))
    return [pending for pending in batch if pending.first_id is not None and pending.first_id not in stored]


_writers: weakref.WeakKeyDictionary[Engine, LogWriter] = weakref.WeakKeyDictionary()


def writer_for(engine: Engine) -> LogWriter:
    """The writer of an engine in this process, made on first use (so a forked worker makes its own)."""
    writer = _writers.get(engine)
    if writer is None or writer.pid != os.getpid():
        # Two threads racing here may each make one; both work, and the last one made stays.
        writer = _writers[engine] = LogWriter(engine)
    return writer


def log_decisions(entries: Sequence[Entry], *, engine: Engine, pii: str = "hashed", salt: str = "") -> list[str]:
    """Write decided submissions (and their rule hits) durably, all or none, and return their new ids.

    `pii` and `salt` are the author privacy setting and the key of hashed e-mails and IPs (rows.protect_author).
    Raises LogUnavailableError (HTTP 503) when they could not be written.
    """
    rows, hits = decision_rows(entries, pii, salt)
    if rows:
        writer_for(engine).write(rows, hits)
    return [row["id"] for row in rows]
