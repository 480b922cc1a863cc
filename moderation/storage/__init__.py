"""The decision log: every decision written before its response is sent, then listed, reviewed, exported, counted."""

from __future__ import annotations

from flask import Flask

from .context import (
    COUNT_CAP,
    Count,
    article_decisions,
    article_filter,
    author_filters,
    author_history,
    count_decisions,
    neighbour_ids,
)
from .engine import DEFAULT_SQLITE_SYNCHRONOUS, make_engine
from .feedback import add_feedback, feedback, feedback_stats, find_logged_decision, purge_feedback, text_digest
from .migrate import upgrade_to_head
from .queries import (
    MAX_REVIEW_BATCH,
    BadCursorError,
    DecisionFilter,
    DecisionPage,
    UnknownDecisionError,
    count_older_than,
    decision_stats,
    decode_cursor,
    encode_cursor,
    get_decision,
    iter_decisions,
    list_decisions,
    purge_decisions,
    review_decision,
    review_decisions,
)
from .rows import PII_MODES, Entry, Submission, hash_pii, is_decision_id, new_decision_id
from .tables import REVIEW_STATUSES, VERDICTS, decision_hits, decision_reviews, decisions, metadata
from .writer import LogUnavailableError, log_decisions

__all__ = [
    "COUNT_CAP",
    "MAX_REVIEW_BATCH",
    "PII_MODES",
    "REVIEW_STATUSES",
    "VERDICTS",
    "BadCursorError",
    "Count",
    "DecisionFilter",
    "DecisionPage",
    "Entry",
    "LogUnavailableError",
    "Submission",
    "UnknownDecisionError",
    "add_feedback",
    "article_decisions",
    "article_filter",
    "author_filters",
    "author_history",
    "count_decisions",
    "count_older_than",
    "decision_hits",
    "decision_reviews",
    "decision_stats",
    "decisions",
    "decode_cursor",
    "encode_cursor",
    "feedback",
    "feedback_stats",
    "find_logged_decision",
    "get_decision",
    "hash_pii",
    "init_app",
    "is_decision_id",
    "iter_decisions",
    "list_decisions",
    "log_decisions",
    "make_engine",
    "metadata",
    "neighbour_ids",
    "new_decision_id",
    "purge_decisions",
    "purge_feedback",
    "review_decision",
    "review_decisions",
    "text_digest",
    "upgrade_to_head",
]


def init_app(app: Flask) -> None:
    """Connect to the log database and migrate its schema to the newest revision."""
    pii = app.config.setdefault("STORE_AUTHOR_PII", "hashed")
    if pii not in PII_MODES:
        raise ValueError(f"MODERATION_STORE_AUTHOR_PII must be one of {', '.join(PII_MODES)}, not {pii!r}")
    synchronous = app.config.setdefault("SQLITE_SYNCHRONOUS", DEFAULT_SQLITE_SYNCHRONOUS)
    engine = make_engine(app.config["DATABASE_URL"], sqlite_synchronous=synchronous)
    upgrade_to_head(engine)
    # The group-commit writer is not started here: gunicorn --preload forks after this, and a thread would not
    # survive the fork; each process starts its own on its first write (writer.writer_for).
    app.extensions["moderation.db"] = engine
