"""The reject log: newest first, filtered, paged, with the number of rejects per category."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import render_template, request

from ..engine import CATEGORIES, RuleSetError
from ..rulebook import get_rulebook
from ..storage import BadCursorError, decision_stats, list_decisions
from .blueprint import bp
from .filters import REVIEW_CHOICES, LogQuery, read_log_query
from .session import moderator_required

PAGE_SIZE = 25
EXCERPT_LENGTH = 140
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a comment on one line, cut at a word where possible."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[:length]
    if " " in cut[length // 2 :]:  # end on a whole word unless that loses half the excerpt
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def row(record: dict[str, Any]) -> dict[str, Any]:
    """What one line of the log shows."""
    reasons = record.get("reasons") or []
    return {
        "id": record["id"],
        "created_at": record["created_at"],
        "site": record.get("site") or "",
        "excerpt": excerpt(record["text"]),
        "categories": record.get("categories") or [],
        "rules": [(reason["rule"], reason.get("mode", "enforce")) for reason in reasons],
        "review_status": record["review_status"],
        "status": record["status"],
    }


def category_counts(query: LogQuery) -> list[tuple[str, int]]:
    """Rejects per category over the chosen dates and site (the other filters do not narrow these counts)."""
    since = query.filters.since or _EPOCH
    until = query.filters.until or datetime.now(UTC) + timedelta(minutes=1)
    stats = decision_stats(since, until, site=query.filters.site)
    counted = {entry["category"]: entry["rejects"] for entry in stats["categories"]}
    return [(category, counted.get(category, 0)) for category in CATEGORIES]


def _rule_ids() -> list[str]:
    """The live rules' ids, offered as suggestions in the rule filter."""
    try:
        return sorted(rule.id for rule in get_rulebook().current.rules)
    except RuleSetError:  # rules that never loaded must not take the log down with them
        return []


@bp.route("/log", endpoint="reject_log")
@moderator_required
def reject_log() -> str:
    """The reject log page."""
    query = read_log_query(request.args)
    cursor = request.args.get("cursor") or None
    try:
        page = list_decisions(query.filters, limit=PAGE_SIZE, cursor=cursor)
    except BadCursorError:
        query.problems.append("That page link is not valid any more; showing the newest rejects.")
        cursor = None
        page = list_decisions(query.filters, limit=PAGE_SIZE)
    today = datetime.now(UTC).date()
    return render_template(
        "review/log.html",
        query=query,
        rows=[row(record) for record in page.items],
        next_cursor=page.next_cursor,
        first_page=cursor is None,
        counts=category_counts(query),
        categories=CATEGORIES,
        review_choices=REVIEW_CHOICES,
        rule_ids=_rule_ids(),
        today=today.isoformat(),
        yesterday=(today - timedelta(days=1)).isoformat(),
    )
