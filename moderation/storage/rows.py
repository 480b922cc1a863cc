"""Log rows from decided submissions: time-ordered ids, the author privacy setting, a decision row and its hits."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..engine.model import Decision

PII_MODES = ("plain", "hashed", "none")
_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class Submission:
    """A decided comment as the log keeps it: the door it came through, its text as submitted, what the site said of it."""

    source: str  # api, batch, coral, perspective
    text: str
    site: str | None = None
    comment_id: str | None = None
    language: str | None = None  # the site's label, else the language detected
    author: Mapping[str, Any] | None = None
    article: Mapping[str, Any] | None = None
    text_digest: str | None = None  # keyed digest of the text, for Perspective's suggestscore

    @classmethod
    def of_comment(cls, comment: Mapping[str, Any], source: str, language: str | None = None) -> Submission:
        """The submission of a comment body as the API loaded it (CommentSchema); `language` when the site sent none."""
        return cls(
            source=source,
            text=comment["text"],
            site=comment.get("site"),
            comment_id=comment.get("comment_id"),
            language=comment.get("language") or language,
            author=comment.get("author"),
            article=comment.get("article"),
        )


# What the log writes: a submission and the engine's decision on it, typed down to the rows.
Entry = tuple[Submission, Decision]


_id_lock = threading.Lock()
_last_id = [0, 0]  # milliseconds and random part of the newest id this process made
# Random bytes from the OS, drawn a few kilobytes at a time (one getrandom call per id was a syscall per request);
# taken from the end, under _id_lock. os.urandom is the source the secrets module reads too.
_RANDOM_CHUNK = 4096
_random = bytearray()


def _random_bits(bits: int) -> int:
    """`bits` (a multiple of 8) random bits from the OS's generator; call with _id_lock held."""
    size = bits // 8
    if len(_random) < size:
        _random[:] = os.urandom(_RANDOM_CHUNK)
    value = int.from_bytes(_random[-size:], "big")
    del _random[-size:]
    return value


def _forget_last_id() -> None:
    global _id_lock
    # A forked worker must not continue its parent's sequence: two workers would step from the same id, and from the
    # same random bytes.
    _last_id[0], _last_id[1] = 0, 0
    _random.clear()
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
            milliseconds, random_part = _last_id[0], _last_id[1] + 1 + _random_bits(16)
        else:
            random_part = _random_bits(80)
        if random_part >= 1 << 80:  # practically never: borrow the next millisecond
            milliseconds, random_part = milliseconds + 1, _random_bits(80) >> 1
        _last_id[0], _last_id[1] = milliseconds, random_part
    return f"{milliseconds:012x}{random_part:020x}"


def is_decision_id(value: str) -> bool:
    """True when value has the shape of a decision id (32 lower-case hex digits)."""
    return _ID.fullmatch(value) is not None


# --- privacy --------------------------------------------------------------------------------------------


def protect_author(author: Mapping[str, Any] | None, mode: str, salt: str = "") -> dict[str, Any] | None:
    """Apply the PII setting to an author: e-mail and IP kept plain, hashed (keyed SHA-256) or dropped."""
    if not author:
        return None if author is None else {}
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


def decision_rows(entries: Sequence[Entry], pii: str, salt: str = "") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The `decisions` rows (each with a new id) and the `decision_hits` rows of decided submissions."""
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    hits: list[dict[str, Any]] = []
    for submission, decision in entries:
        decision_id = new_decision_id()
        author = protect_author(submission.author, pii, salt)
        article = submission.article or {}
        rows.append(
            {
                "id": decision_id,
                "created_at": now,
                "source": submission.source,
                "site": submission.site,
                "comment_id": submission.comment_id,
                "language": submission.language,
                "text": submission.text,
                "author": author,
                "article": submission.article,
                "decision": decision.decision,
                "categories": list(decision.categories),
                "reasons": [reason.to_dict() for reason in decision.reasons],
                "ruleset": decision.ruleset,
                "policy": decision.policy,
                "status": decision.decision,
                "review_status": "unreviewed",
                "review_count": 0,
                "author_id": (author or {}).get("id"),
                "article_id": article.get("id"),
                "article_url": article.get("url"),
                "text_digest": submission.text_digest,
            }
        )
        hits.extend(
            {
                "decision_id": decision_id,
                "created_at": now,
                "rule": reason.rule,
                "category": reason.category,
                "subcategory": reason.subcategory,
                "mode": reason.mode,
            }
            for reason in decision.reasons
        )
    return rows, hits
