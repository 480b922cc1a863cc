"""One decision: the comment with every match highlighted, why it was rejected, its reviews, and the review form."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..rulebook import get_rulebook
from ..storage import (
    VERDICTS,
    DecisionFilter,
    UnknownDecisionError,
    decisions,
    encode_cursor,
    get_decision,
    list_decisions,
    review_decision,
)
from ..storage.queries import filter_clauses
from .blueprint import bp
from .filters import read_log_query
from .highlight import highlight, numbered_matches
from .session import moderator_required

MAX_NOTE_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GONE = "There is no decision with this id; it may have been deleted by the retention policy."
_VERDICT_WORDS = {
    "uphold": "Upheld: the comment stays rejected.",
    "overturn": "Overturned: the comment is now approved.",
}


def older_decision_id(filters: DecisionFilter, decision_id: str) -> str | None:
    """The next decision down the log (older) under the same filters."""
    page = list_decisions(filters, limit=1, cursor=encode_cursor(decision_id))
    return page.items[0]["id"] if page.items else None


def newer_decision_id(filters: DecisionFilter, decision_id: str) -> str | None:
    """The previous decision up the log (newer) under the same filters.

    The log's public functions only page towards older decisions, so this one step back is asked here.
    """
    statement = select(decisions.c.id).where(*filter_clauses(filters), decisions.c.id > decision_id).order_by(decisions.c.id.asc()).limit(1)
    with current_app.extensions["moderation.db"].connect() as connection:
        found = connection.execute(statement).scalar()
    return str(found) if found is not None else None


def web_link(url: str | None) -> str | None:
    """The article address as a link target only when it is an ordinary web address (never javascript: or data:)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _load(decision_id: str) -> dict[str, Any]:
    record = get_decision(decision_id)
    if record is None:
        abort(404, _GONE)
    return record


@bp.route("/decisions/<decision_id>", endpoint="decision")
@moderator_required
def decision_page(decision_id: str) -> str:
    """The decision page."""
    record = _load(decision_id)
    query = read_log_query(request.args)
    article = record.get("article") or {}
    return render_template(
        "review/decision.html",
        record=record,
        query=query,
        segments=highlight(record["text"], record.get("reasons") or []),
        matches=numbered_matches(record["text"], record.get("reasons") or []),
        author=record.get("author") or {},
        article=article,
        article_link=web_link(article.get("url")),
        live_ruleset=get_rulebook().version_or_none(),
        older=older_decision_id(query.filters, decision_id),
        newer=newer_decision_id(query.filters, decision_id),
        max_note=MAX_NOTE_LENGTH,
    )


@bp.route("/decisions/<decision_id>/review", methods=["POST"], endpoint="review")
@moderator_required
def review(decision_id: str) -> Response:
    """Record the moderator's verdict, then show the decision again with it."""
    verdict = request.form.get("verdict", "")
    if verdict not in VERDICTS:
        abort(400, "Choose Uphold or Overturn.")
    note = _CONTROL.sub("", request.form.get("note", "")).strip()
    if len(note) > MAX_NOTE_LENGTH:
        abort(400, f"The note is longer than {MAX_NOTE_LENGTH} characters.")
    try:
        review_decision(decision_id, verdict, note=note or None, reviewer=g.moderator.name, reviewer_role=g.moderator.role)
    except UnknownDecisionError:
        abort(404, _GONE)
    flash(_VERDICT_WORDS[verdict])
    queue: dict[str, Any] = read_log_query(request.args).args()
    return redirect(url_for("review.decision", decision_id=decision_id, **queue))
