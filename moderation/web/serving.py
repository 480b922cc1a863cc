"""gunicorn workers that answer gunicorn's own refusals (bad request line 400, 414, 431, ...) in the one JSON error shape.

gunicorn parses the request line and headers before the application sees anything, and writes its own
HTML page for what it refuses there. These workers replace that page with the contract's error object;
everything else is gunicorn's worker unchanged. Use them as `worker_class` (gunicorn.conf.py does).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from .errors import error_body

log = logging.getLogger(__name__)
# How long a new worker may take to report for duty (it forks from the preloaded master: well under a second).
BOOT_SECONDS = 10.0
# gunicorn's message repeats part of what the client sent: enough to say what was wrong, no more.
MAX_MESSAGE_CHARS = 200


def json_error_response(status: int, message: str) -> bytes:
    """A complete HTTP/1.1 response (closing the connection) carrying the contract's error object."""
    try:
        HTTPStatus(status)
    except ValueError:
        status = 400
    body = json.dumps(error_body(status, message[:MAX_MESSAGE_CHARS] or None)).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for gunicorn.util.write_error: the same arguments, the contract's shape instead of HTML."""
    util.write_nonblock(sock, json_error_response(status_int, mesg or reason))


class _JsonErrors:
    """Mixin: install write_json_error in the worker process before it serves anything."""

    def init_process(self) -> None:
        """Swap gunicorn's error writer (a module function its handle_error calls), then run the worker."""
        util.write_error = write_json_error
        super().init_process()  # type: ignore[misc]


class JsonErrorThreadWorker(_JsonErrors, ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker with JSON errors."""


def renew_after_patch(app: Any) -> None:
    """What the master made before gevent patched this process (pool queues, locks) is made again, cooperative."""
    extensions = getattr(app, "extensions", {})
    engine = extensions.get("moderation.db")
    if engine is not None:
        engine.dispose(close=False)  # a new, empty pool; the master's connections stay the master's
    book = extensions.get("moderation.rules")
    if book is not None:
        book.renew_locks()


def _gevent_worker() -> Any:
    # gevent is imported only by those who use its worker, after gunicorn.conf.py monkey-patched.
    from gunicorn.workers.ggevent import GeventWorker

    class JsonErrorGeventWorker(_JsonErrors, GeventWorker):  # type: ignore[misc]
        """gunicorn's gevent worker with JSON errors, renewing the preloaded app's locks once patched."""

        def patch(self) -> None:
            """Monkey-patch, then give the app new locks and connection pools made of gevent's primitives."""
            super().patch()
            renew_after_patch(self.app.wsgi())

    return JsonErrorGeventWorker


def __getattr__(name: str) -> Any:
    """JsonErrorGeventWorker is built on first access, so importing this module does not import gevent."""
    if name == "JsonErrorGeventWorker":
        worker = _gevent_worker()
        globals()[name] = worker
        return worker
    raise AttributeError(name)


# --- hot reload by forking fresh workers ----------------------------------------------------------------------


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _heartbeat(worker: Any) -> float:
    """When the worker last showed life (the time of its tmp file, which it touches once a second)."""
    return float(worker.tmp.last_update())


def _started(server: Any, old: set[int], count: int) -> bool:
    return len(set(server.WORKERS) - old) >= count


def _counted(server: Any, expected: int) -> bool:
    return bool(server.num_workers == expected)


def _signal_and_wait(server: Any, signum: int, done: Callable[[], bool]) -> bool:
    # One signal at a time: two of a kind sent before gunicorn handles the first would merge into one.
    os.kill(server.pid, signum)
    return _wait(done, BOOT_SECONDS)


def replace_workers(server: Any) -> None:
    """Replace every worker by a fresh fork of the master (so by one with its new ruleset), without a gap.

    All new workers are started first (TTIN each), and once each has shown life the old ones are
    stopped (TTOU each: gunicorn stops its oldest worker, gracefully, finishing what it serves).
    The next TTOU goes as soon as the master has counted the last one, not once that worker is gone:
    a gevent worker takes a second or two to leave, and the old ones leave together.
    """
    started = time.monotonic()
    old = set(server.WORKERS)
    for count in range(1, len(old) + 1):
        if not _signal_and_wait(server, signal.SIGTTIN, functools.partial(_started, server, old, count)):
            log.error("rules reloaded, but no new worker started; the old ones keep serving the old rules")
            return
    new = [server.WORKERS[pid] for pid in set(server.WORKERS) - old if pid in server.WORKERS]
    born = {id(worker): _heartbeat(worker) for worker in new}
    _wait(lambda: all(_heartbeat(worker) != born[id(worker)] for worker in new), BOOT_SECONDS)
    for _ in range(len(old)):
        _signal_and_wait(server, signal.SIGTTOU, functools.partial(_counted, server, server.num_workers - 1))
    _wait(lambda: not old & set(server.WORKERS), BOOT_SECONDS)
    log.info("rules reloaded: %d workers replaced in %.2f s", len(old), time.monotonic() - started)


def reload_by_forking(server: Any) -> None:
    """Gunicorn when_ready hook: the master watches the rules and serves a change by replacing its workers.

    The master compiles in a child process (so its heap, which the workers share, stays compact) and its
    workers watch nothing. Without a watcher (reload interval 0) nothing changes.
    """
    app = server.app.wsgi()
    book = getattr(app, "extensions", {}).get("moderation.rules")
    if book is None or book.watcher is None:
        return
    if getattr(server.cfg, "reuse_port", False):
        # Each worker then listens on a socket of its own: one that stops resets the connections it had queued.
        log.warning("reuse_port is on: a hot reload replaces the workers, and each one stopped resets its queued connections")
    book.compile_in_child = True
    book.watch_after_fork = False
    book.after_reload.append(lambda: replace_workers(server))
