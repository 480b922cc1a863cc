"""Bulk review from the log: the selected rows upheld or overturned at once, with one note."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from ..storage import MAX_REVIEW_BATCH, review_decisions
from .blueprint import bp
from .filters import read_log_query
from .session import moderator_required
from .verdicts import bulk_words, read_verdict


@bp.route("/log/review", methods=["POST"], endpoint="bulk_review")
@moderator_required
def bulk_review() -> Response:
    """Record one verdict for every selected decision (one transaction), then show the same queue again."""
    verdict, note = read_verdict(request.form)
    ids = [value.strip() for value in request.form.getlist("ids") if value.strip()]
    back: dict[str, Any] = read_log_query(request.args).args()
    cursor = request.args.get("cursor")
    if cursor:
        back["cursor"] = cursor
    if not ids:
        flash("Select at least one comment first (tick its box, or press x on it).", "problem")
        return redirect(url_for("review.reject_log", **back))
    if len(set(ids)) > MAX_REVIEW_BATCH:
        abort(400, f"At most {MAX_REVIEW_BATCH} comments can be reviewed at once.")
    results = review_decisions(ids, verdict, note=note, reviewer=g.moderator.name, reviewer_role=g.moderator.role)
    reviewed = sum(result["reviewed"] for result in results)
    flash(bulk_words(verdict, reviewed, len(results) - reviewed), "problem" if reviewed < len(results) else "message")
    return redirect(url_for("review.reject_log", **back))
