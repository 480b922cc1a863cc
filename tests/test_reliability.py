"""Reliability of the decision log with real gunicorn servers: SIGKILL mid-load on SQLite, two servers on PostgreSQL."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

PROJECT = Path(__file__).resolve().parent.parent
SUBMIT_KEY = "reliability-submit-key"
PG_URL = os.environ.get("MODERATION_TEST_DATABASE_URL", "")
TEXTS = ("I will k1ll you", "What a thoughtful article, thank you", "Go f.u.c.k yourself", "Buy cheap watches at shop.example")

pytestmark = pytest.mark.slow

# How long a gunicorn start may take before /v1/health answers. Generous, because a loaded machine
# starts slowly; start-up is waited for, never counted in the time a phase of a test is given.
START_SECONDS = 180.0
# How long one phase of load (from a server's readiness) may take to produce what it must.
PHASE_SECONDS = 90.0


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll condition until it holds or `seconds` pass; True when it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """A gunicorn process group serving wsgi:app on 127.0.0.1 with the project's gunicorn.conf.py."""

    def __init__(self, tmp_path: Path, database_url: str, name: str):
        self.port = free_port()
        self.log = tmp_path / f"{name}.log"
        self.env = {
            **os.environ,
            "MODERATION_API_KEYS": f"submit:{SUBMIT_KEY}",
            "MODERATION_DATABASE_URL": database_url,
            "MODERATION_INSTANCE_PATH": str(tmp_path / "instance"),
            "MODERATION_BIND": f"127.0.0.1:{self.port}",
            "MODERATION_WORKERS": "2",
            "MODERATION_THREADS": "4",
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = START_SECONDS) -> None:
        """Start gunicorn in its own process group and wait until /v1/health answers."""
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=PROJECT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/v1/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        self.kill()
        pytest.fail(f"gunicorn did not answer within {timeout} s:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: no graceful shutdown, no flushing."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class Load:
    """Clients posting comments from several threads; ids of every decision answered, and failures."""

    received: list[str] = field(default_factory=list)
    comment_ids: list[str] = field(default_factory=list)
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, base_url: str, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            base_url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {SUBMIT_KEY}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except (OSError, http.client.HTTPException, ValueError):
            # A cut connection, or headers without the whole body: no answer reached the client.
            with self.lock:
                self.failures += 1
            return None

    def comment(self, base_url: str, worker: int, number: int) -> bool:
        """Post one comment; keep its decision id only when a full answer came back."""
        comment_id = f"w{worker}-{number}-{secrets.token_hex(4)}"
        body = {"text": f"{TEXTS[number % len(TEXTS)]} #{number}", "comment_id": comment_id, "site": "reliability"}
        answer = self.post(base_url, "/v1/comments", body)
        if answer is None:
            return False
        with self.lock:
            self.received.append(answer["decision_id"])
            self.comment_ids.append(comment_id)
        return True

    def batch(self, base_url: str, worker: int, number: int, size: int = 5) -> None:
        """Post a batch; every decision in a full answer counts."""
        comments = [
            {"text": f"{TEXTS[(number + i) % len(TEXTS)]} #{number}.{i}", "comment_id": f"w{worker}-{number}.{i}-{secrets.token_hex(4)}"}
            for i in range(size)
        ]
        answer = self.post(base_url, "/v1/comments/batch", {"comments": comments})
        if answer is not None:
            with self.lock:
                self.received.extend(result["decision_id"] for result in answer["results"])
                self.comment_ids.extend(comment["comment_id"] for comment in comments)


def logged(database_url: str) -> list[tuple[str, str]]:
    """(id, comment_id) of every decision in the log."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [(row[0], row[1]) for row in connection.execute(text("SELECT id, comment_id FROM decisions"))]
    finally:
        engine.dispose()


def test_every_answered_decision_survives_sigkill(tmp_path: Path) -> None:
    """SQLite: a few hundred comments from six threads, the server SIGKILLed mid-way and restarted."""
    database_url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    server = Server(tmp_path, database_url, "sqlite")
    load = Load()
    target = {"url": server.url}
    stop = threading.Event()
    # Set while a server is up: the clients wait on it while none is, so no start-up eats their tries.
    serving = threading.Event()

    def client(worker: int) -> None:
        answered = 0
        for number in range(400):  # at most 400 tries and 60 answers per thread, six threads
            if stop.is_set() or answered >= 60:
                return
            serving.wait(START_SECONDS)
            if load.comment(target["url"], worker, number):
                answered += 1
            else:
                time.sleep(0.1)  # the server is down: give the test time to notice rather than spin

    server.start()
    restarted: Server | None = None
    threads = [threading.Thread(target=client, args=(worker,)) for worker in range(6)]
    try:
        serving.set()
        for thread in threads:
            thread.start()
        wait_until(lambda: len(load.received) >= 150, PHASE_SECONDS)
        before_kill = len(load.received)
        # Requests in flight at the kill fail; the clients then wait for the server to come back.
        serving.clear()
        server.kill()
        restarted = Server(tmp_path, database_url, "sqlite-restarted")
        restarted.start()
        target["url"] = restarted.url
        serving.set()
        wait_until(lambda: not any(thread.is_alive() for thread in threads), PHASE_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        stop.set()
        server.kill()
        if restarted is not None:
            restarted.kill()
    ids = {decision_id for decision_id, _ in logged(database_url)}
    assert before_kill >= 150
    assert len(load.received) > before_kill, "no comment was answered after the restart"
    assert load.failures > 0, "the kill interrupted no client"
    missing = [decision_id for decision_id in load.received if decision_id not in ids]
    assert missing == [], f"{len(missing)} answered decisions are not in the log"
    assert len(set(load.received)) == len(load.received)


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A throw-away schema on the test PostgreSQL, dropped afterwards."""
    if not PG_URL:
        pytest.skip("MODERATION_TEST_DATABASE_URL is not set: the two-server test needs PostgreSQL")
    schema = f"rel_{secrets.token_hex(6)}"
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_two_servers_on_one_postgresql_lose_and_duplicate_nothing(tmp_path: Path, pg_database_url: str) -> None:
    """Two gunicorn servers (two workers each) start together on an empty schema and take comments at once."""
    servers = [Server(tmp_path, pg_database_url, f"pg-{n}") for n in range(2)]
    load = Load()
    try:
        # Started together: four workers race to migrate the empty schema.
        starters = [threading.Thread(target=server.start) for server in servers]
        for starter in starters:
            starter.start()
        for starter in starters:
            starter.join(timeout=START_SECONDS + 10)
        for server in servers:
            assert server.process is not None and server.process.poll() is None, server.log.read_text()[-3000:]
        # The load's time counts from here, once both servers answer.
        deadline = time.monotonic() + PHASE_SECONDS

        def client(worker: int) -> None:
            for number in range(40):
                if time.monotonic() > deadline:
                    return
                base_url = servers[(worker + number) % 2].url
                if number % 4 == 0:
                    load.batch(base_url, worker, number)
                else:
                    load.comment(base_url, worker, number)

        threads = [threading.Thread(target=client, args=(worker,)) for worker in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 5))
    finally:
        for server in servers:
            server.kill()
    rows = logged(pg_database_url)
    assert load.failures == 0
    assert len(load.received) >= 400
    ids = [decision_id for decision_id, _ in rows]
    comment_ids = [comment_id for _, comment_id in rows]
    assert len(ids) == len(set(ids)), "a decision id was logged twice"
    assert sorted(ids) == sorted(load.received), "the log and the answers differ"
    assert sorted(comment_ids) == sorted(load.comment_ids), "a comment was lost or logged twice"
