"""A real gunicorn on a loopback port, started with the project's gunicorn.conf.py (slow tests and benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(base: str) -> bool:
    """True when GET /v1/health answers 200."""
    try:
        with urllib.request.urlopen(base + "/v1/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def gunicorn(scratch: Path, env: dict[str, str] | None = None, app: str = "wsgi:app", wait: float = 60.0) -> Iterator[str]:
    """Run gunicorn -c gunicorn.conf.py on a free port until the block ends; yields its base URL."""
    port = free_port()
    scratch.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "MODERATION_BIND": f"127.0.0.1:{port}",
        "MODERATION_WORKERS": "2",
        "MODERATION_DATABASE_URL": f"sqlite:///{scratch / 'log.sqlite3'}",
        "MODERATION_INSTANCE_PATH": str(scratch / "instance"),
        "MODERATION_ACCESS_LOG": "",
        **(env or {}),
    }
    log_path = scratch / "gunicorn.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        command = [sys.executable, "-m", "gunicorn", "-c", str(PROJECT / "gunicorn.conf.py"), app]
        server = subprocess.Popen(command, cwd=PROJECT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + wait
            while not answers(base) if app == "wsgi:app" else not _listening(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.05)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(5)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
