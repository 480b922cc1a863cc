"""The log's queues: newest first, filtered, paged, with counts per queue and the rejects per category."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import render_template, request

from ..engine import CATEGORIES, RuleSetError
from ..rulebook import get_rulebook
from ..storage import BadCursorError, Count, count_decisions, decision_stats, list_decisions
from .blueprint import bp
from .filters import QUEUES, REVIEW_CHOICES, STATUS_CHOICES, SUBCATEGORY_CHOICES, LogQuery, read_log_query
from .session import moderator_required
from .verdicts import MAX_NOTE_LENGTH

PAGE_SIZE = 50
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
    author = record.get("author") or {}
    return {
        "id": record["id"],
        "created_at": record["created_at"],
        "site": record.get("site") or "",
        "excerpt": excerpt(record["text"]),
        "categories": record.get("categories") or [],
        "rules": [(reason["rule"], reason.get("mode", "enforce")) for reason in reasons],
        "review_status": record["review_status"],
        "decision": record["decision"],
        "status": record["status"],
        "author": author.get("name") or author.get("id") or "",
    }


def queue_counts(query: LogQuery) -> tuple[dict[str, Count], Count]:
    """How many decisions each queue holds under the other filters, and how many match all of them, in one query."""
    wanted = {**query.queue_filters(), "selection": query.filters}
    counted = count_decisions(wanted)
    return {name: counted[name] for name in QUEUES}, counted["selection"]


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
    """The log page: a queue, filtered, one page of it."""
    query = read_log_query(request.args)
    cursor = request.args.get("cursor") or None
    try:
        page = list_decisions(query.filters, limit=PAGE_SIZE, cursor=cursor)
    except BadCursorError:
        query.problems.append("That page link is not valid any more; showing the newest decisions.")
        cursor = None
        page = list_decisions(query.filters, limit=PAGE_SIZE)
    today = datetime.now(UTC).date()
    queues, selection = queue_counts(query)
    return render_template(
        "review/log.html",
        query=query,
        rows=[row(record) for record in page.items],
        next_cursor=page.next_cursor,
        first_page=cursor is None,
        counts=category_counts(query),
        queues=queues,
        selection=selection,
        categories=CATEGORIES,
        subcategories=SUBCATEGORY_CHOICES,
        status_choices=STATUS_CHOICES,
        review_choices=REVIEW_CHOICES,
        max_note=MAX_NOTE_LENGTH,
        rule_ids=_rule_ids(),
        today=today.isoformat(),
        yesterday=(today - timedelta(days=1)).isoformat(),
    )
