"""Reading a verdict and its note from a review form, and saying what it did, for single and bulk reviews alike."""

from __future__ import annotations

import re

from flask import abort
from werkzeug.datastructures import MultiDict

from ..storage import VERDICTS

MAX_NOTE_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STANDING = {"reject": "rejected", "approve": "approved"}


def read_verdict(form: MultiDict[str, str]) -> tuple[str, str | None]:
    """The verdict and the cleaned note a form sent; a 400 page for anything else."""
    verdict = form.get("verdict", "")
    if verdict not in VERDICTS:
        abort(400, "Choose Uphold or Overturn.")
    note = _CONTROL.sub("", form.get("note", "")).strip()
    if len(note) > MAX_NOTE_LENGTH:
        abort(400, f"The note is longer than {MAX_NOTE_LENGTH} characters.")
    return verdict, note or None


def verdict_words(verdict: str, status: str) -> str:
    """What one review did, in the moderator's words: an approval overturned reads as rejected."""
    if verdict == "uphold":
        return f"Upheld: the comment stays {_STANDING[status]}."
    return f"Overturned: the comment is now {_STANDING[status]}."


def bulk_words(verdict: str, reviewed: int, unknown: int) -> str:
    """What a bulk review did."""
    done = "Upheld" if verdict == "uphold" else "Overturned"
    words = f"{done} {reviewed} comment{'s' if reviewed != 1 else ''}."
    if verdict == "overturn" and reviewed:
        words += " Rejected ones are now approved, approved ones rejected."
    if unknown:
        words += f" {unknown} could not be found (deleted by the retention policy)."
    return words
