"""The decision log: every decision written (SQLAlchemy) before its response is sent."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import JSON, Column, DateTime, Engine, MetaData, String, Table, Text, create_engine, event

metadata = MetaData()

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("site", String(200), index=True),
    Column("comment_id", String(200)),
    Column("language", String(35)),
    Column("text", Text, nullable=False),
    Column("author", JSON),
    Column("article", JSON),
    Column("decision", String(10), nullable=False, index=True),
    Column("categories", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("ruleset", String(32), nullable=False),
)


def new_decision_id() -> str:
    """A time-ordered opaque id: 48-bit milliseconds then 80 random bits, as 32 hex digits."""
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(10)}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for the log; SQLite gets WAL mode and a busy timeout."""
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(os.path.abspath(url[len("sqlite:///") :])) or ".", exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def log_decisions(records: Sequence[dict[str, Any]]) -> list[str]:
    """Write decision records in one transaction and return their new ids."""
    engine: Engine = current_app.extensions["moderation.db"]
    now = datetime.now(UTC)
    rows = [{**record, "id": new_decision_id(), "created_at": now} for record in records]
    with engine.begin() as connection:
        connection.execute(decisions.insert(), rows)
    return [row["id"] for row in rows]


def init_app(app: Flask) -> None:
    """Connect to the log database and create the tables when missing."""
    engine = make_engine(app.config["DATABASE_URL"])
    metadata.create_all(engine)
    app.extensions["moderation.db"] = engine
