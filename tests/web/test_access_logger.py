"""AccessLogger writes the very lines gunicorn's Logger writes for the served format, and defers to it for any other."""

from __future__ import annotations

import base64
import datetime
import io
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from moderation.web.access_log import ACCESS_LOG_FORMAT, AccessLogger

PROJECT = Path(__file__).resolve().parents[2]
ELAPSED = datetime.timedelta(milliseconds=3)


def environ(**extra: Any) -> dict[str, Any]:
    """A WSGI environ of POST /v1/comments, with changes."""
    base = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/v1/comments?x=1",
        "PATH_INFO": "/v1/comments",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "wrk",
        "HTTP_REFERER": "http://localhost/review/log?q=secret",
    }
    base.update(extra)
    return {key: value for key, value in base.items() if value is not None}


def logged(logger_class: type[Logger], format_: str, env: dict[str, Any], response: Any) -> str:
    """What a logger of that class writes to its access log for one request, with the clock stopped."""
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", format_)
    logger = logger_class(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.access_log.handlers = [handler]
    logger.now = lambda: "[03/Dec/2026:15:04:05 +0000]"  # type: ignore[method-assign]
    logger.access(response, SimpleNamespace(headers=[("Host", "x")]), env, ELAPSED)
    return stream.getvalue()


CASES = {
    "plain": (environ(), SimpleNamespace(status="200 OK", sent=231, headers=[("Content-Type", "application/json")])),
    "quotes in the user agent": (environ(HTTP_USER_AGENT='evil" "agent'), SimpleNamespace(status="200 OK", sent=5, headers=[])),
    "no user agent, nothing sent": (
        environ(HTTP_USER_AGENT=None),
        SimpleNamespace(status="503 Service Unavailable", sent=None, headers=[]),
    ),
    "basic auth user": (
        environ(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b'ann"x:pw').decode()),
        SimpleNamespace(status=404, sent=0, headers=[]),
    ),
    "no remote address": (environ(REMOTE_ADDR=None), SimpleNamespace(status="422 UNPROCESSABLE ENTITY", sent=90, headers=[])),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_served_format_gives_gunicorns_line(case: str) -> None:
    env, response = CASES[case]
    expected = logged(Logger, ACCESS_LOG_FORMAT, env, response)
    assert expected.count("\n") == 1
    assert logged(AccessLogger, ACCESS_LOG_FORMAT, env, response) == expected


def test_another_format_goes_to_gunicorns_code() -> None:
    env, response = CASES["plain"]
    format_ = "%(r)s %(f)s %({host}i)s"
    line = logged(AccessLogger, format_, env, response)
    assert line == logged(Logger, format_, env, response)
    assert "q=secret" in line  # the atoms the direct path does not know are there


def test_the_served_configuration_takes_the_direct_path() -> None:
    settings = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))
    assert settings["access_log_format"] == ACCESS_LOG_FORMAT
    assert settings["logger_class"] == f"{AccessLogger.__module__}.{AccessLogger.__name__}"


def test_the_timestamp_is_gunicorns() -> None:
    logger = AccessLogger(Config())
    before = Logger(Config()).now()
    stamp = logger.now()
    after = Logger(Config()).now()
    assert stamp in (before, after)
    assert logger.now() in (stamp, Logger(Config()).now())
