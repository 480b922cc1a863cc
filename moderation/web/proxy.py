"""Behind a TLS-terminating proxy: trust its X-Forwarded-* headers, only when told how many proxies there are."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


class ProxyConfigError(ValueError):
    """MODERATION_TRUSTED_PROXIES is not a small non-negative integer."""


def init_app(app: Flask) -> None:
    """Wrap the WSGI app in ProxyFix when TRUSTED_PROXIES > 0 (so the scheme is https and cookies get Secure)."""
    raw = app.config.get("TRUSTED_PROXIES") or 0
    try:
        count = int(raw)
    except (TypeError, ValueError):
        raise ProxyConfigError(f"MODERATION_TRUSTED_PROXIES must be a number of proxies (0-5), not {raw!r}") from None
    if not 0 <= count <= 5:
        raise ProxyConfigError(f"MODERATION_TRUSTED_PROXIES must be between 0 and 5, not {count}")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)  # type: ignore[method-assign]
