"""Turns at writing a SQLite log, between processes: an exclusive flock held around each log transaction.

SQLite lets one connection write at a time and makes the others wait by sleeping and trying again (1, 2, 5,
10 ms and longer), so a worker whose commit found the file busy slept on past the moment it was free, and a
log whose commits are short (synchronous=NORMAL) lost more to those sleeps than to the commits. The log writers
of every worker take this lock first: the kernel hands it to the next one the moment a commit ends. SQLite's
own locking still guards the file (and every other writer, which takes no turn).
"""

from __future__ import annotations

import fcntl
import os
import weakref
from types import TracebackType


class Turns:
    """An exclusive lock on `<database>-writer.lock`, opened by this process (flock locks belong to an open file)."""

    def __init__(self, database: str):
        self.path = f"{database}-writer.lock"
        self._descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        weakref.finalize(self, os.close, self._descriptor)

    def __enter__(self) -> None:
        # Blocks this thread only: under gevent the log is written from gevent's pool of native threads.
        fcntl.flock(self._descriptor, fcntl.LOCK_EX)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        fcntl.flock(self._descriptor, fcntl.LOCK_UN)
