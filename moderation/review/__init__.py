"""Moderator review pages: sign in with a key, work through the queues, review decisions one by one or in bulk, see the rules."""

from __future__ import annotations

from flask import Flask

from .session import ReviewSessionInterface


def init_app(app: Flask) -> None:
    """Register the review pages with their session cookie and CSRF protection (the JSON API stays untouched)."""
    from . import account, bulk, decision, log, rules  # noqa: F401  (each adds its routes to the blueprint)
    from .blueprint import bp, csrf

    # CSRF is checked only where the review blueprint asks for it: the JSON API authenticates by bearer key.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # A token lives as long as the signed-in session, so a page left open for lunch can still be submitted.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    if app.config.get("SESSION_COOKIE_NAME") in (None, "session"):
        app.config["SESSION_COOKIE_NAME"] = "moderation_review"
    # The cookie is only ever sent to the review pages, never to the API.
    app.config["SESSION_COOKIE_PATH"] = app.config.get("SESSION_COOKIE_PATH") or "/review"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("REVIEW_SESSION_HOURS", 12)
    app.session_interface = ReviewSessionInterface()
    csrf.init_app(app)
    app.register_blueprint(bp)
