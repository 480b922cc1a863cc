"""gunicorn's access log, the same lines for less: the project's format is written without gunicorn's per-request dicts.

gunicorn's Logger.access builds a dict of some twenty atoms plus one entry per request header, response header and
WSGI environ key, copies it to escape quotes, then logs through logging's caller lookup: about a tenth of a request's
CPU time in the service (benchmarks/README.md, http_speed.py). For the format gunicorn.conf.py sets, AccessLogger
formats only the atoms it names, with gunicorn's escaping, and hands the line to the same handlers; any other
format (GUNICORN_CMD_ARGS="--access-logformat ...") goes to gunicorn's own code.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

from gunicorn.glogging import Logger

# The path only: query strings (author=, q=) and the Referer (a review page with its query) stay out of the access log.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def _safe(value: Any) -> str:
    """An atom as gunicorn's SafeAtoms writes it: strings with their double quotes escaped, anything else by str()."""
    return value.replace('"', '\\"') if isinstance(value, str) else str(value)


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's Logger, with a direct path for ACCESS_LOG_FORMAT (the same bytes, to the same handlers)."""

    _second = -1
    _stamp = ""

    def now(self) -> str:
        """The time as gunicorn writes it ([03/Dec/2026:15:04:05 +0000]), formatted once a second."""
        second = int(time.time())
        if second != self._second:
            self._stamp = time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(second))
            self._second = second
        return self._stamp

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        """Log one answered request: the project's format directly, any other through gunicorn's Logger.access."""
        if self.cfg.access_log_format != ACCESS_LOG_FORMAT:
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled or not self.access_log.isEnabledFor(logging.INFO):
            return
        try:
            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            sent = getattr(resp, "sent", None)
            line = '%s - %s %s "%s %s %s" %s %s "%s"' % (  # noqa: UP031 - the atoms in ACCESS_LOG_FORMAT's order
                _safe(environ.get("REMOTE_ADDR", "-")),
                _safe(self._get_user(environ) or "-"),
                self.now(),
                _safe(environ.get("REQUEST_METHOD")),
                _safe(environ.get("PATH_INFO")),
                _safe(environ.get("SERVER_PROTOCOL")),
                _safe(status),
                str(sent) if sent is not None and str(sent) else "-",
                _safe(environ.get("HTTP_USER_AGENT", "-")),
            )
            # A record made directly: logging's caller look-up (a walk up the stack) names gunicorn's code anyway.
            self.access_log.handle(self.access_log.makeRecord(self.access_log.name, logging.INFO, "(access)", 0, line, None, None))
        except Exception:  # noqa: BLE001 - as gunicorn does: a log line never fails the request
            self.error(traceback.format_exc())
