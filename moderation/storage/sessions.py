"""Review sessions kept server-side: a random id in the cookie, its digest here, deleted at sign-out or key revocation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select

from .engine import read_with_retry
from .tables import review_sessions

_MAX_TOKEN = 100


def _digest(token: str) -> str:
    # Only the digest is stored: a copy of the table (a backup) holds no usable session.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(engine: Engine, key_name: str, lifetime: timedelta, now: datetime | None = None) -> str:
    """Start a session for a key; return its id (for the cookie). Expired sessions are cleared on the way."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(delete(review_sessions).where(review_sessions.c.expires_at < now))
        connection.execute(
            review_sessions.insert().values(id_digest=_digest(token), key_name=key_name, created_at=now, expires_at=now + lifetime)
        )
    return token


def session_key_name(engine: Engine, token: str, now: datetime | None = None) -> str | None:
    """The key name of a live session, or None when the id is unknown, ended or expired."""
    if not token or len(token) > _MAX_TOKEN:
        return None
    now = now or datetime.now(UTC)
    statement = select(review_sessions.c.key_name).where(review_sessions.c.id_digest == _digest(token), review_sessions.c.expires_at >= now)
    return read_with_retry(engine, lambda connection: connection.execute(statement).scalar_one_or_none())


def end_session(engine: Engine, token: str) -> None:
    """End one session (sign-out): its cookie, and every copy of it, is refused from now on."""
    if not token or len(token) > _MAX_TOKEN:
        return
    with engine.begin() as connection:
        connection.execute(delete(review_sessions).where(review_sessions.c.id_digest == _digest(token)))


def end_sessions_of_key(engine: Engine, key_name: str) -> int:
    """End every session signed in with a key (when the key is revoked); return how many there were."""
    with engine.begin() as connection:
        return int(connection.execute(delete(review_sessions).where(review_sessions.c.key_name == key_name)).rowcount)
