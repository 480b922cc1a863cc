"""One decision: the comment with every match highlighted, why, the context for a verdict, its reviews, the review form."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..rulebook import get_rulebook
from ..storage import (
    DecisionFilter,
    UnknownDecisionError,
    article_decisions,
    article_filter,
    author_filters,
    author_history,
    get_decision,
    neighbour_ids,
    review_decision,
)
from .blueprint import bp
from .filters import LogQuery, read_log_query
from .highlight import highlight, numbered_matches
from .log import excerpt
from .session import moderator_required
from .verdicts import MAX_NOTE_LENGTH, read_verdict, verdict_words

_GONE = "There is no decision with this id; it may have been deleted by the retention policy."


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


def _log_args(filters: DecisionFilter) -> dict[str, str]:
    """The log's query string for a storage filter built here (author or article context): every outcome."""
    names = ("author", "article", "site", "status", "review")
    found = {name: getattr(filters, name) for name in names if getattr(filters, name)}
    return {"status": "any", **found} if "status" not in found and "review" not in found else found


def author_context(record: dict[str, Any]) -> dict[str, Any] | None:
    """The author's history on this site: counts of decisions, rejects and overturns, each with its log link."""
    author_id = (record.get("author") or {}).get("id")
    if not author_id:
        return None
    site = record.get("site")
    counts = author_history(str(author_id), site=site)
    links = {name: _log_args(filters) for name, filters in author_filters(str(author_id), site).items()}
    return {"id": author_id, "site": site, "counts": counts, "links": links}


def article_context(record: dict[str, Any]) -> dict[str, Any] | None:
    """The other decisions on the same article (the newest few) and the log link to all of them."""
    filters = article_filter(record.get("article"), record.get("site"))
    if filters is None:
        return None
    others = article_decisions(filters, exclude=record["id"])
    rows = [{**other, "excerpt": excerpt(other["text"], 90), "author": (other.get("author") or {}).get("name")} for other in others]
    return {"rows": rows, "link": _log_args(filters)}


@bp.route("/decisions/<decision_id>", endpoint="decision")
@moderator_required
def decision_page(decision_id: str) -> str:
    """The decision page."""
    record = _load(decision_id)
    query = read_log_query(request.args)
    article = record.get("article") or {}
    newer, older = neighbour_ids(query.filters, decision_id)
    return render_template(
        "review/decision.html",
        record=record,
        query=query,
        segments=highlight(record["text"], record.get("reasons") or []),
        matches=numbered_matches(record["text"], record.get("reasons") or []),
        author=record.get("author") or {},
        author_context=author_context(record),
        article=article,
        article_context=article_context(record),
        article_link=web_link(article.get("url")),
        live_ruleset=get_rulebook().version_or_none(),
        older=older,
        newer=newer,
        max_note=MAX_NOTE_LENGTH,
    )


def _next_in_queue(query: LogQuery, decision_id: str) -> str | None:
    """The decision after this one in its queue (older), even when the review just took this one out of the queue."""
    return neighbour_ids(query.filters, decision_id)[1]


@bp.route("/decisions/<decision_id>/review", methods=["POST"], endpoint="review")
@moderator_required
def review(decision_id: str) -> Response:
    """Record the moderator's verdict, then open the next comment of the queue (or this one again at its end)."""
    verdict, note = read_verdict(request.form)
    try:
        reviewed = review_decision(decision_id, verdict, note=note, reviewer=g.moderator.name, reviewer_role=g.moderator.role)
    except UnknownDecisionError:
        abort(404, _GONE)
    query = read_log_query(request.args)
    flash(verdict_words(verdict, reviewed["status"]))
    flash(decision_id, "reviewed")  # the page links back to it, so a slip of the finger is one click from undone
    following = _next_in_queue(query, decision_id)
    if following is None:
        flash("That was the last comment in this queue.")
    queue: dict[str, Any] = query.args()
    return redirect(url_for("review.decision", decision_id=following or decision_id, **queue))
