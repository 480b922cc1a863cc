"""Who is signed in to the review pages: a moderate or admin key, in a signed cookie naming a server-side session."""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Request, Response

from ..storage.sessions import create_session, end_session, session_key_name
from ..web.auth import ApiKey

F = TypeVar("F", bound=Callable[..., Any])
REVIEW_ROLE = "moderate"


class ReviewSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request came over HTTPS."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty session at once for a request without cookies (every API call); else Flask's signed cookie, read."""
        # Flask would first build the cookie's signing serializer, the dearest part of an API request's set-up.
        if "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Nothing for a session that was never read or changed and holds nothing (every API call); else Flask's save."""
        # Flask would work out the cookie's name, domain, path and flags first, then do nothing for such a session.
        if session or session.modified or session.accessed:
            super().save_session(app, session, response)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so or when this request is HTTPS (set ProxyFix behind a TLS proxy)."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _key_check(key: ApiKey) -> str:
    """A keyed fingerprint of the key's digest: a session dies when its key is replaced, and never reveals it."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, b"review-session:" + key.digest, hashlib.sha256).hexdigest()[:32]


def _fresh_session() -> None:
    """Empty the session, and forget the CSRF token Flask-WTF cached for it, so the next form gets a new one."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _lifetime() -> timedelta:
    return timedelta(hours=float(current_app.config["REVIEW_SESSION_HOURS"]))


def sign_in(key: ApiKey) -> None:
    """Start a fresh session for this key (a fresh session also drops any token planted before sign-in)."""
    ending = str(session.get("session_id", ""))
    _fresh_session()
    engine = current_app.extensions["moderation.db"]
    if ending:
        end_session(engine, ending)
    session["moderator"] = key.name
    session["key_check"] = _key_check(key)
    session["signed_in_at"] = int(time.time())
    # The cookie alone is not enough: its session must also exist server-side, so signing out ends every copy.
    session["session_id"] = create_session(engine, key.name, _lifetime())


def sign_out() -> None:
    """End the session server-side (a copied cookie is refused from now on) and forget it."""
    ending = str(session.get("session_id", ""))
    _fresh_session()
    if ending:
        end_session(current_app.extensions["moderation.db"], ending)


def current_moderator() -> ApiKey | None:
    """The key the session was signed in with, if it is still configured, still allowed and not expired."""
    name = session.get("moderator")
    if not name:
        return None
    if time.time() - float(session.get("signed_in_at", 0)) > _lifetime().total_seconds():
        return None
    # One primary-key read per page: pages behind moderator_required pass the result on in g.moderator.
    if session_key_name(current_app.extensions["moderation.db"], str(session.get("session_id", ""))) != name:
        return None
    for key in current_app.extensions["moderation.keys"].keys:
        if key.name == name and hmac.compare_digest(_key_check(key), str(session.get("key_check", ""))):
            return key if key.allows(REVIEW_ROLE) else None
    return None


def moderator_required(view: F) -> F:
    """Decorator: a page for signed-in moderators; anyone else is sent to the sign-in page and back."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = current_moderator()
        if key is None:
            if session.get("moderator"):
                sign_out()
            # A form posted after the session ended cannot be replayed by a redirect: come back to the log instead.
            back = request.full_path.rstrip("?") if request.method == "GET" else url_for("review.reject_log")
            return redirect(url_for("review.sign_in", next=back))
        g.moderator = key
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a review page of this site, so the link cannot send a moderator elsewhere."""
    fallback = url_for("review.reject_log")
    if not target or not target.startswith("/review/") or target.startswith("//") or "\\" in target:
        return fallback
    return target
