"""SQLite log writers take turns through an flock beside the database, so none sleeps in SQLite's busy handler."""

from __future__ import annotations

import fcntl
import os
import stat
import threading
from pathlib import Path

import pytest
from flask import Flask
from logdata import log_decisions, record

from moderation.storage.engine import sqlite_path


def test_a_write_waits_for_its_turn_and_then_commits(log_app: Flask) -> None:
    database = sqlite_path(log_app.extensions["moderation.db"].url)
    if database is None:
        pytest.skip("PostgreSQL takes no turns: its transactions run side by side")
    with log_app.app_context():
        log_decisions([record("first")])  # makes the writer and its lock file
    lock = Path(f"{database}-writer.lock")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    # Another open file of the same lock is another holder, as another worker process would be.
    other = os.open(lock, os.O_RDWR)
    done = threading.Event()

    def write() -> None:
        with log_app.app_context():
            log_decisions([record("second")])
        done.set()

    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        writer = threading.Thread(target=write)
        writer.start()
        assert not done.wait(0.5), "the write committed while another process held the turn"
        fcntl.flock(other, fcntl.LOCK_UN)
        assert done.wait(20), "the write did not commit once the turn was free"
        writer.join()
    finally:
        os.close(other)
