"""The access log names paths, never query strings or referrers: moderators' searches (author=, q=) stay out of it."""

from __future__ import annotations

import datetime
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

PROJECT = Path(__file__).resolve().parents[1]


def access_line(format_: str) -> str:
    """The access log line gunicorn writes with this format for a moderator's filtered log page."""
    config = Config()
    config.set("access_log_format", format_)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/review/log?author=ann%40example.org&q=secret+words",
        "PATH_INFO": "/review/log",
        "QUERY_STRING": "author=ann%40example.org&q=secret+words",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "http://localhost/review/log?author=bob&q=other+search",
        "HTTP_USER_AGENT": "Firefox",
    }
    response = SimpleNamespace(status="200 OK", sent=123, headers=[])
    atoms = Logger(config).atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=3))
    return format_ % atoms


def test_the_served_format_leaves_out_query_strings_and_referrers() -> None:
    settings = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))
    line = access_line(settings["access_log_format"])
    assert '"GET /review/log HTTP/1.1" 200 123' in line
    for secret in ("author=", "ann%40example.org", "secret+words", "q=", "bob", "other+search"):
        assert secret not in line


def test_gunicorns_default_format_would_have_kept_them() -> None:
    line = access_line(Config().access_log_format)
    assert "author=ann%40example.org" in line  # the check above can fail
