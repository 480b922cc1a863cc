"""Group commit: concurrent writes share a transaction, each gets its own outcome, dropped connections are retried."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from logdata import assert_error, get, log_decisions, reason, record, submit
from sqlalchemy import Engine, create_engine, event, func, select, text
from testkit import KEYS

from moderation import create_app
from moderation.storage import LogUnavailableError, decision_hits, decisions, make_engine
from moderation.storage import writer as writer_module
from moderation.storage.rows import decision_rows
from moderation.storage.writer import writer_for

PROJECT = Path(__file__).resolve().parents[2]
THREAT = reason("threats/kill-you", "threat")


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll until condition holds; fail (not hang) when it never does."""
    deadline = time.monotonic() + 20
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting for {what}")
        time.sleep(0.005)


class HeldCommits:
    """Counts the log's commits and holds each one until released, so that writes made meanwhile queue up."""

    def __init__(self) -> None:
        self.commits = 0
        self.release = threading.Event()
        self._lock = threading.Lock()

    def on_commit(self, _connection: Any) -> None:
        with self._lock:
            self.commits += 1
        self.release.wait(20)


def in_thread(app: Flask, work: Callable[[], Any], outcomes: dict[int, Any], slot: int) -> threading.Thread:
    """Run work in a started thread inside an app context; its result or exception lands in outcomes[slot]."""

    def run() -> None:
        with app.app_context():
            try:
                outcomes[slot] = work()
            except Exception as error:  # noqa: BLE001 - the test inspects it
                outcomes[slot] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def write_while_commits_are_held(app: Flask, works: list[Callable[[], Any]]) -> tuple[dict[int, Any], int]:
    """Start the works one after the other while every commit is held, then let them all finish.

    Each work starts once the one before is waiting for its commit (or has failed), so the first ones take the
    writer's transactions (max_transactions of them) and the later ones queue, in order. Returns each work's result
    or exception, and how many transactions were committed.
    """
    engine = app.extensions["moderation.db"]
    writer = writer_for(engine)
    outcomes: dict[int, Any] = {}
    held = HeldCommits()
    event.listen(engine, "commit", held.on_commit)
    try:
        threads = []
        for slot, work in enumerate(works):
            threads.append(in_thread(app, work, outcomes, slot))
            wait_until(lambda: writer.waiting + len(outcomes) == slot + 1, f"write {slot} to wait or fail")  # noqa: B023
        held.release.set()
        for thread in threads:
            thread.join(30)
    finally:
        held.release.set()
        event.remove(engine, "commit", held.on_commit)
    assert len(outcomes) == len(works), "a write never came back"
    return outcomes, held.commits


def transactions(app: Flask) -> int:
    """How many transactions the app's log writer runs at once (1 on SQLite)."""
    return writer_for(app.extensions["moderation.db"]).max_transactions


def stored(app: Flask) -> dict[str, str | None]:
    """comment_id of every decision in the log, by id."""
    with app.extensions["moderation.db"].connect() as connection:
        return {row.id: row.comment_id for row in connection.execute(select(decisions.c.id, decisions.c.comment_id))}


def test_writes_queued_during_a_commit_share_the_next_one(log_app: Flask) -> None:
    def write(n: int) -> Callable[[], Any]:
        return lambda: log_decisions([record(f"comment {n}", "reject", [THREAT], comment_id=f"c{n}")])

    outcomes, commits = write_while_commits_are_held(log_app, [write(n) for n in range(8)])
    # One commit for each write that found a transaction free, then one for all those queued behind them.
    assert commits == transactions(log_app) + 1
    ids = {outcomes[n][0]: f"c{n}" for n in range(8)}
    assert stored(log_app) == ids, "every caller got the id of its own decision"
    with log_app.extensions["moderation.db"].connect() as connection:
        assert connection.execute(select(func.count()).select_from(decision_hits)).scalar_one() == 8


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_postgresql_commits_several_transactions_at_once(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    held = HeldCommits()
    event.listen(engine, "commit", held.on_commit)
    outcomes: dict[int, Any] = {}
    count = transactions(log_app)
    assert count > 1
    try:
        threads = [in_thread(log_app, lambda: log_decisions([record("side by side")]), outcomes, n) for n in range(count)]
        wait_until(lambda: held.commits == count, f"{count} transactions committing together")
    finally:
        held.release.set()
        for thread in threads:
            thread.join(30)
        event.remove(engine, "commit", held.on_commit)
    assert all(isinstance(outcome, list) for outcome in outcomes.values())
    assert len(stored(log_app)) == count


def test_writes_of_many_decisions_keep_their_order(log_app: Flask) -> None:
    def batch(n: int) -> Callable[[], Any]:
        return lambda: log_decisions([record(f"b{n}.{i}", comment_id=f"b{n}.{i}") for i in range(5)])

    count = transactions(log_app) + 3
    outcomes, _ = write_while_commits_are_held(log_app, [batch(n) for n in range(count)])
    logged = stored(log_app)
    for n in range(count):
        assert [logged[decision_id] for decision_id in outcomes[n]] == [f"b{n}.{i}" for i in range(5)]
        assert outcomes[n] == sorted(outcomes[n]), "ids within one write follow its order"


def test_a_write_that_fails_fails_alone_and_stores_nothing(log_app: Flask) -> None:
    with log_app.app_context():
        [taken] = log_decisions([record("already logged")])
    engine = log_app.extensions["moderation.db"]

    def clashing() -> Any:
        # A write whose decision id is already in the log: its transaction cannot commit.
        rows, hits = decision_rows([record("clash", "reject", [reason("clash/only-here", "threat")], comment_id="bad")], "hashed")
        rows[0]["id"] = taken
        for hit in hits:
            hit["decision_id"] = taken
        writer_for(engine).write(rows, hits)

    def good(n: int) -> Callable[[], Any]:
        return lambda: log_decisions([record(f"good {n}", "reject", [THREAT], comment_id=f"g{n}")])

    first = transactions(log_app)
    works = [good(n) for n in range(first)] + [good(first), clashing, good(first + 1)]
    outcomes, commits = write_while_commits_are_held(log_app, works)
    # The queued group of three failed; its two good writes were then committed alone.
    assert commits == first + 2
    bad = first + 1
    assert isinstance(outcomes[bad], LogUnavailableError)
    assert outcomes[bad].code == 503
    good_slots = [slot for slot in range(len(works)) if slot != bad]
    assert all(isinstance(outcomes[slot], list) for slot in good_slots), outcomes
    logged = stored(log_app)
    assert logged[taken] is None, "the clashing write changed nothing"
    assert {outcomes[slot][0]: logged[outcomes[slot][0]] for slot in good_slots} == {
        outcomes[slot][0]: f"g{n}" for n, slot in enumerate(good_slots)
    }
    assert len(logged) == 1 + len(good_slots)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).where(decision_hits.c.rule == "clash/only-here")).scalar_one() == 0


def test_when_the_log_cannot_be_written_every_waiting_write_gets_its_own_error(log_app: Flask) -> None:
    engine = log_app.extensions["moderation.db"]
    with engine.begin() as connection:
        decision_hits.drop(connection)

    def reject(n: int) -> Callable[[], Any]:
        return lambda: log_decisions([record(f"reject {n}", "reject", [THREAT], comment_id=f"r{n}")])

    approve = lambda: log_decisions([record("approved", comment_id="a")])  # noqa: E731 - needs no hits table
    outcomes, commits = write_while_commits_are_held(log_app, [approve, *[reject(n) for n in range(4)]])
    assert isinstance(outcomes[0], list)
    assert all(isinstance(outcomes[n], LogUnavailableError) for n in range(1, 5)), outcomes
    assert commits == 1, "a database error is not retried write by write"
    assert set(stored(log_app).values()) == {"a"}


def test_a_commit_whose_answer_was_lost_is_not_written_twice(log_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = log_app.extensions["moderation.db"]
    real_commit = engine.dialect.do_commit
    cut = []

    def commit_then_lose_the_connection(dbapi_connection: Any) -> None:
        real_commit(dbapi_connection)
        if not cut:
            # The commit went through, but the connection dies before its answer arrives.
            cut.append(True)
            driver_connection = dbapi_connection.dbapi_connection  # under the pool's proxy
            driver_connection.close()
            driver_connection.commit()  # raises the driver's own "connection is closed" error

    monkeypatch.setattr(engine.dialect, "do_commit", commit_then_lose_the_connection)
    with log_app.app_context():
        [decision_id] = log_decisions([record("sent once", "reject", [THREAT])])
    assert cut
    assert list(stored(log_app)) == [decision_id]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(decision_hits)).scalar_one() == 1


def test_a_comment_the_log_cannot_take_gets_a_503_and_nothing_is_stored(app: Flask) -> None:
    with app.extensions["moderation.db"].begin() as connection:
        decision_hits.drop(connection)
    client = app.test_client()
    response = client.post("/v1/comments", json={"text": "I will kill you"}, headers={"Authorization": f"Bearer {KEYS['submit']}"})
    body = assert_error(response, 503)
    assert "not stored" in body["message"]
    assert response.headers["Retry-After"] == "1"
    assert stored(app) == {}


def test_a_writer_that_went_idle_starts_again(log_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_module, "IDLE_SECONDS", 0.005)
    logged: list[str] = []
    for round_number in range(3):
        count = transactions(log_app) + 2
        works = [lambda n=n, r=round_number: log_decisions([record(f"{r}.{n}")]) for n in range(count)]
        outcomes, _ = write_while_commits_are_held(log_app, works)
        logged += [decision_id for ids in outcomes.values() for decision_id in ids]
        time.sleep(0.05)  # longer than the idle time: the writer threads end between rounds
    assert sorted(stored(log_app)) == sorted(logged)


def _write_in_child(app: Flask) -> None:
    works = [lambda n=n: log_decisions([record(f"child {n}", comment_id="child")]) for n in range(transactions(app) + 2)]
    outcomes, _ = write_while_commits_are_held(app, works)
    assert all(isinstance(outcome, list) for outcome in outcomes.values()), outcomes


def test_a_forked_worker_starts_its_own_writer(log_app: Flask) -> None:
    count = transactions(log_app) + 2
    # Some of these writes queue, so the parent has a writer thread when it forks.
    write_while_commits_are_held(log_app, [lambda: log_decisions([record("parent", comment_id="parent")])] * count)
    child = multiprocessing.get_context("fork").Process(target=_write_in_child, args=(log_app,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    with log_app.app_context():
        log_decisions([record("after the fork", comment_id="parent again")])
    assert sorted(str(value) for value in stored(log_app).values()) == ["child"] * count + ["parent"] * count + ["parent again"]


GEVENT_CHILD = """
import json, os, sys
from sqlalchemy import event, func, select
from moderation.engine.model import Decision
from moderation.storage import Submission, decisions, log_decisions, make_engine, upgrade_to_head

def record(n):
    return Submission(source="api", text=f"comment {n}"), Decision("approve", (), (), "t")

engine = make_engine(sys.argv[1])
upgrade_to_head(engine)
log_decisions([record("parent")], engine=engine, pii="none")  # a real writer thread, as in a preloading master
pid = os.fork()
if pid == 0:  # a gevent worker: forked first, patched after, as gunicorn does it
    from gevent import monkey
    monkey.patch_all()
    import gevent
    commits = []
    event.listen(engine, "commit", lambda connection: commits.append(1))
    jobs = [gevent.spawn(log_decisions, [record(n)], engine=engine, pii="none") for n in range(20)]
    gevent.joinall(jobs, timeout=30)
    print(json.dumps({"done": sum(job.successful() for job in jobs), "commits": len(commits)}), flush=True)
    os._exit(0)
os.waitpid(pid, 0)
with engine.connect() as connection:
    print(json.dumps({"rows": connection.execute(select(func.count()).select_from(decisions)).scalar_one()}))
"""


@pytest.mark.slow
def test_the_writer_works_with_gevent_greenlets_after_a_fork(tmp_path: Path) -> None:
    pytest.importorskip("gevent")
    finished = subprocess.run(
        [sys.executable, "-c", GEVENT_CHILD, f"sqlite:///{tmp_path / 'log.sqlite3'}"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    child, parent = (json.loads(line) for line in finished.stdout.strip().splitlines()[-2:])
    assert child["done"] == 20
    assert child["commits"] < 20, "greenlets waiting together should share commits"
    assert parent["rows"] == 21


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_the_next_request_after_a_terminated_backend_succeeds(database_url: str, tmp_path: Path) -> None:
    name = f"moderation-test-{os.getpid()}-{tmp_path.name}"[:60]
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"{database_url}&application_name={name}",
            "API_KEYS": ",".join(f"{role}:{key}" for role, key in KEYS.items()),
            "API_KEYS_FILE": str(tmp_path / "api-keys"),
        }
    )
    admin = create_engine(os.environ["MODERATION_TEST_DATABASE_URL"])

    def terminate_backends() -> int:
        with admin.begin() as connection:
            query = text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name")
            return int(connection.execute(query, {"name": name}).scalar_one())

    try:
        client = application.test_client()
        first = submit(client, "I will kill you")
        assert terminate_backends() >= 1
        second = submit(client, "What a thoughtful article")  # the writer's connection was dropped: written again
        assert terminate_backends() >= 1
        listed = get(client, "/v1/decisions")  # a read on a dropped connection: read again
        assert listed.status_code == 200
        assert [item["id"] for item in listed.get_json()["items"]] == [second["decision_id"], first["decision_id"]]
    finally:
        application.extensions["moderation.db"].dispose()
        admin.dispose()


def test_sqlite_syncs_every_commit_unless_told_otherwise(tmp_path: Path) -> None:
    def synchronous(engine: Engine) -> int:
        with engine.connect() as connection:
            return int(connection.execute(text("PRAGMA synchronous")).scalar_one())

    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    durable, crash_safe = make_engine(url), make_engine(url, sqlite_synchronous="normal")
    assert (synchronous(durable), synchronous(crash_safe)) == (2, 1)  # FULL, NORMAL
    with durable.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    durable.dispose()
    crash_safe.dispose()
    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS"):
        make_engine(url, sqlite_synchronous="OFF")
