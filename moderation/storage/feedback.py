"""Moderators' verdicts sent through Perspective's suggestscore: the decision they are about, or feedback kept aside."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Engine, Integer, String, Table, Text, case, delete, func, or_, select

from .engine import resolve_engine as _engine
from .tables import decisions, metadata
from .times import as_utc

# A verdict that matched no logged decision (its text and token found nothing), kept for the rule writers.
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("site", String(200), index=True),
    Column("client_token", String(200)),
    Column("text", Text, nullable=False),
    Column("text_digest", String(80), nullable=False),
    Column("verdict", String(10), nullable=False),
    Column("scores", JSON, nullable=False),
    Column("submitted_by", String(200), nullable=False),
)

_DIGEST_PREFIX = "hmac-sha256:"


def text_digest(text: str, key: str) -> str:
    """A keyed digest of a comment's text: the same text gives the same digest, and without the key no text is found."""
    return _DIGEST_PREFIX + hmac.new(key.encode("utf-8"), text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def find_logged_decision(
    *, source: str, client_token: str | None, digest: str, site: str | None, engine: Engine | None = None
) -> tuple[str, str] | None:
    """The newest decision of `source` with this client token, else with this text digest: (id, engine's decision).

    A site narrows the search to its own decisions and to those logged without a site (Coral's analyze sends none).
    """
    d = decisions.c
    scope = [d.source == source]
    if site:
        scope.append(or_(d.site == site, d.site.is_(None)))
    with _engine(engine).connect() as connection:
        for condition in ([d.comment_id == client_token] if client_token else []) + [d.text_digest == digest]:
            row = connection.execute(select(d.id, d.decision).where(*scope, condition).order_by(d.id.desc()).limit(1)).first()
            if row is not None:
                return str(row.id), str(row.decision)
    return None


def add_feedback(record: dict[str, Any], *, engine: Engine | None = None) -> None:
    """Keep a verdict that matched no decision; `record` has the feedback table's columns but id and created_at."""
    with _engine(engine).begin() as connection:
        connection.execute(feedback.insert().values(**record, created_at=datetime.now(UTC)))


def feedback_stats(since: datetime, until: datetime, *, site: str | None = None, engine: Engine | None = None) -> dict[str, int]:
    """How much feedback arrived in [since, until): all of it, and how much said approve or reject."""
    f = feedback.c
    conditions = [f.created_at >= as_utc(since), f.created_at < as_utc(until)]
    if site:
        conditions.append(f.site == site)
    with _engine(engine).connect() as connection:
        row = connection.execute(
            select(
                func.count().label("suggestions"),
                func.coalesce(func.sum(case((f.verdict == "approve", 1), else_=0)), 0).label("approve"),
                func.coalesce(func.sum(case((f.verdict == "reject", 1), else_=0)), 0).label("reject"),
            ).where(*conditions)
        ).one()
    return {"suggestions": int(row.suggestions), "approve": int(row.approve), "reject": int(row.reject)}


def purge_feedback(cutoff: datetime, *, engine: Engine | None = None) -> int:
    """Delete feedback that arrived before cutoff (it holds comment texts, so it follows the log's retention)."""
    with _engine(engine).begin() as connection:
        return int(connection.execute(delete(feedback).where(feedback.c.created_at < as_utc(cutoff))).rowcount)
