"""Logging decisions from any HTTP front door: the app's log engine and its author privacy settings, read per write."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app

from ..storage import Entry, log_decisions


def log_decided(entries: Sequence[Entry]) -> list[str]:
    """Write decided submissions to the current app's log, durably, with its STORE_AUTHOR_PII setting; their new ids."""
    config = current_app.config
    return log_decisions(
        entries,
        engine=current_app.extensions["moderation.db"],
        pii=config.get("STORE_AUTHOR_PII", "hashed"),
        salt=config.get("PII_HASH_SALT") or "",
    )
