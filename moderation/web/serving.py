"""gunicorn workers that answer gunicorn's own refusals (bad request line 400, 414, 431, ...) in the one JSON error shape.

gunicorn parses the request line and headers before the application sees anything, and writes its own
HTML page for what it refuses there. These workers replace that page with the contract's error object;
everything else is gunicorn's worker unchanged. Use them as `worker_class` (gunicorn.conf.py does).
"""

from __future__ import annotations

import json
import socket
from http import HTTPStatus
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from .errors import error_body

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


def _gevent_worker() -> Any:
    # gevent is imported only by those who use its worker, after gunicorn.conf.py monkey-patched.
    from gunicorn.workers.ggevent import GeventWorker

    class JsonErrorGeventWorker(_JsonErrors, GeventWorker):  # type: ignore[misc]
        """gunicorn's gevent worker with JSON errors."""

    return JsonErrorGeventWorker


def __getattr__(name: str) -> Any:
    """JsonErrorGeventWorker is built on first access, so importing this module does not import gevent."""
    if name == "JsonErrorGeventWorker":
        worker = _gevent_worker()
        globals()[name] = worker
        return worker
    raise AttributeError(name)
