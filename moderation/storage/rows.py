"""Log rows from decision records: time-ordered ids, the author privacy setting, a decision row and its hits."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

PII_MODES = ("plain", "hashed", "none")
_ID = re.compile(r"[0-9a-f]{32}")


def log_record(comment: dict[str, Any], body: dict[str, Any], source: str) -> dict[str, Any]:
    """The log record of one decision, whichever endpoint decided (`body` is Decision.to_dict()); the text as submitted."""
    return {
        "source": source,
        "site": comment.get("site"),
        "comment_id": comment.get("comment_id"),
        "language": comment.get("language"),
        "text": comment["text"],
        "author": comment.get("author"),
        "article": comment.get("article"),
        "decision": body["decision"],
        "categories": body["categories"],
        "reasons": body["reasons"],
        "ruleset": body["ruleset"],
        "policy": body.get("policy"),  # the site whose overlay decided, or "default"
    }


_id_lock = threading.Lock()
_last_id = [0, 0]  # milliseconds and random part of the newest id this process made


def _forget_last_id() -> None:
    global _id_lock
    # A forked worker must not continue its parent's sequence: two workers would step from the same id.
    _last_id[0], _last_id[1] = 0, 0
    # Another thread of the parent may have held the lock at the fork; the child's only thread starts unlocked.
    _id_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_last_id)


def new_decision_id() -> str:
    """A time-ordered opaque id: 48-bit milliseconds then 80 random bits, as 32 hex digits.

    Within a process ids strictly increase (a batch keeps its order in the log): in the same millisecond the
    random part steps up by a random amount instead of being drawn anew.
    """
    milliseconds = int(time.time() * 1000)
    with _id_lock:
        if milliseconds <= _last_id[0]:
            milliseconds, random_part = _last_id[0], _last_id[1] + 1 + secrets.randbits(16)
        else:
            random_part = secrets.randbits(80)
        if random_part >= 1 << 80:  # practically never: borrow the next millisecond
            milliseconds, random_part = milliseconds + 1, secrets.randbits(79)
        _last_id[0], _last_id[1] = milliseconds, random_part
    return f"{milliseconds:012x}{random_part:020x}"


def is_decision_id(value: str) -> bool:
    """True when value has the shape of a decision id (32 lower-case hex digits)."""
    return _ID.fullmatch(value) is not None


# --- privacy --------------------------------------------------------------------------------------------


def protect_author(author: dict[str, Any] | None, mode: str, salt: str = "") -> dict[str, Any] | None:
    """Apply the PII setting to an author: e-mail and IP kept plain, hashed (keyed SHA-256) or dropped."""
    if not author:
        return author
    if mode not in PII_MODES:
        raise ValueError(f"STORE_AUTHOR_PII must be one of {', '.join(PII_MODES)}, not {mode!r}")
    protected = dict(author)
    for key in ("email", "ip"):
        value = protected.get(key)
        if value is None or mode == "plain":
            continue
        if mode == "none":
            del protected[key]
        else:
            protected[key] = hash_pii(value, salt)
    return protected


def hash_pii(value: str, salt: str = "") -> str:
    """The stored form of a hashed e-mail or IP: the same input gives the same hash, so it can still be matched."""
    # Case and surrounding space do not make a different address; HMAC with a site secret resists dictionary look-ups.
    normalised = value.strip().lower().encode("utf-8")
    return "sha256:" + hmac.new(salt.encode("utf-8"), normalised, hashlib.sha256).hexdigest()


# --- rows -----------------------------------------------------------------------------------------------


def decision_rows(records: Sequence[dict[str, Any]], pii: str, salt: str = "") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The `decisions` rows (each with a new id) and the `decision_hits` rows of decision records."""
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    hits: list[dict[str, Any]] = []
    for record in records:
        decision_id = new_decision_id()
        author = protect_author(record.get("author"), pii, salt)
        article = record.get("article") or {}
        rows.append(
            {
                **record,
                "author": author,
                "id": decision_id,
                "created_at": now,
                "status": record["decision"],
                "review_status": "unreviewed",
                "review_count": 0,
                "author_id": (author or {}).get("id"),
                "article_id": article.get("id"),
                "article_url": article.get("url"),
            }
        )
        hits.extend(
            {
                "decision_id": decision_id,
                "created_at": now,
                "rule": reason["rule"],
                "category": reason["category"],
                "subcategory": reason.get("subcategory"),
                "mode": reason["mode"],
            }
            for reason in record["reasons"]
        )
    return rows, hits
