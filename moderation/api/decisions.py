"""/v1/decisions: moderators list, read, review and export the decision log (role: moderate)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Response, abort, current_app, g
from flask.views import MethodView
from marshmallow import RAISE

from ..storage import (
    DecisionFilter,
    UnknownDecisionError,
    get_decision,
    iter_decisions,
    list_decisions,
    review_decision,
    review_decisions,
)
from ..storage.times import iso_or_none
from ..web.auth import require_role
from . import BEARER, Blueprint
from .log_schemas import (
    BulkReviewAnswerSchema,
    BulkReviewSchema,
    DecisionDetailSchema,
    DecisionExportQuerySchema,
    DecisionListQuerySchema,
    DecisionPageSchema,
    ReviewSchema,
)

blp = Blueprint("decisions", __name__, url_prefix="/v1/decisions", description="The decision log: list, read, review, export.")

_NOT_FOUND = "No decision with this id."
_ROWS_PER_CHUNK = 200
CSV_COLUMNS = (
    "id",
    "created_at",
    "decision",
    "status",
    "review_status",
    "review_count",
    "reviewed_at",
    "reviewed_by",
    "categories",
    "rules",
    "site",
    "policy",
    "comment_id",
    "language",
    "source",
    "author_id",
    "author_name",
    "article_id",
    "article_url",
    "article_title",
    "ruleset",
    "text",
)
PII_COLUMNS = ("author_email", "author_ip")
# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...), +cmd|...): OWASP's CSV injection.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# JSON allows these two raw in strings, but str.splitlines() and JavaScript before ES2019 end a line at them.
_LINE_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})


@blp.route("")
class Decisions(MethodView):
    """The log, newest first."""

    @blp.doc(security=BEARER)
    @require_role("moderate")
    @blp.arguments(DecisionListQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, DecisionPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List decisions matching the filters, newest first, one page at a time (role: moderate)."""
        page = list_decisions(DecisionFilter.from_mapping(args), limit=args["limit"], cursor=args.get("cursor"))
        return {"items": page.items, "next_cursor": page.next_cursor}


@blp.route("/<string:decision_id>")
class DecisionItem(MethodView):
    """One logged decision."""

    @blp.doc(security=BEARER)
    @require_role("moderate")
    @blp.response(200, DecisionDetailSchema)
    def get(self, decision_id: str) -> dict[str, Any]:
        """One decision with the submitted text, its reasons and its review trail (role: moderate)."""
        found = get_decision(decision_id)
        if found is None:
            abort(404, _NOT_FOUND)
        return found


@blp.route("/<string:decision_id>/review")
class DecisionReview(MethodView):
    """A moderator's verdict."""

    @blp.doc(security=BEARER)
    @require_role("moderate")
    @blp.arguments(ReviewSchema)
    @blp.response(200, DecisionDetailSchema)
    def post(self, review: dict[str, Any], decision_id: str) -> dict[str, Any]:
        """Uphold or overturn a decision; the review names the key and joins the audit trail (role: moderate)."""
        try:
            return review_decision(
                decision_id,
                review["verdict"],
                note=review.get("note"),
                reviewer=g.api_key.name,
                reviewer_role=g.api_key.role,
            )
        except UnknownDecisionError:
            abort(404, _NOT_FOUND)


@blp.route("/review")
class BulkReview(MethodView):
    """One verdict for many decisions."""

    @blp.doc(security=BEARER)
    @require_role("moderate")
    @blp.arguments(BulkReviewSchema)
    @blp.response(200, BulkReviewAnswerSchema)
    def post(self, review: dict[str, Any]) -> dict[str, Any]:
        """Uphold or overturn up to 500 decisions with one note, all or none; unknown ids are reported, not fatal (role: moderate)."""
        results = review_decisions(
            review["ids"],
            review["verdict"],
            note=review.get("note"),
            reviewer=g.api_key.name,
            reviewer_role=g.api_key.role,
        )
        for result in results:
            if not result["reviewed"]:
                result["error"] = _NOT_FOUND
        reviewed = sum(result["reviewed"] for result in results)
        return {"results": results, "reviewed": reviewed, "unknown_ids": len(results) - reviewed}


def _outcome(record: dict[str, Any]) -> dict[str, Any]:
    """The fields both export forms open with: the decision, its status and its review state."""
    return {
        "id": record["id"],
        "created_at": iso_or_none(record["created_at"]),
        "decision": record["decision"],
        "status": record["status"],
        "review_status": record["review_status"],
        "review_count": record["review_count"],
        "reviewed_at": iso_or_none(record.get("reviewed_at")),
        "reviewed_by": record.get("reviewed_by"),
    }


def export_row(record: dict[str, Any], include_pii: bool) -> dict[str, Any]:
    """The flat export form of a logged decision (CSV columns); e-mail and IP only when asked for."""
    author = record.get("author") or {}
    article = record.get("article") or {}
    row = {
        **_outcome(record),
        "categories": ";".join(record["categories"]),
        "rules": ";".join(reason["rule"] for reason in record["reasons"]),
        "site": record.get("site"),
        "policy": record.get("policy"),
        "comment_id": record.get("comment_id"),
        "language": record.get("language"),
        "source": record["source"],
        "author_id": author.get("id"),
        "author_name": author.get("name"),
        "article_id": article.get("id"),
        "article_url": article.get("url"),
        "article_title": article.get("title"),
        "ruleset": record["ruleset"],
        "text": record["text"],
    }
    if include_pii:
        row["author_email"] = author.get("email")
        row["author_ip"] = author.get("ip")
    return row


def export_json(record: dict[str, Any], include_pii: bool) -> dict[str, Any]:
    """The JSON Lines form of a logged decision: the full record, e-mail and IP only when asked for."""
    author = dict(record.get("author") or {})
    if not include_pii:
        author.pop("email", None)
        author.pop("ip", None)
    return {
        **_outcome(record),
        "categories": record["categories"],
        "reasons": record["reasons"],
        "ruleset": record["ruleset"],
        "text": record["text"],
        "site": record.get("site"),
        "policy": record.get("policy"),
        "comment_id": record.get("comment_id"),
        "language": record.get("language"),
        "source": record["source"],
        "author": author or None,
        "article": record.get("article"),
    }


def _chunks(lines: Iterable[str]) -> Iterator[str]:
    """Group lines so the server writes a few kilobytes at a time rather than one row at a time."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(records: Iterable[dict[str, Any]], include_pii: bool) -> Iterator[str]:
    """A CSV header and one line per record, generated lazily; cells that would run as formulas are defused."""
    columns = CSV_COLUMNS + PII_COLUMNS if include_pii else CSV_COLUMNS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow({column: spreadsheet_safe(value) for column, value in export_row(record, include_pii).items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(records: Iterable[dict[str, Any]], include_pii: bool) -> Iterator[str]:
    """One JSON object per line, generated lazily; U+2028 and U+2029 escaped, so every reader sees one line each."""
    for record in records:
        yield json.dumps(export_json(record, include_pii), ensure_ascii=False).translate(_LINE_SEPARATORS) + "\n"


@blp.route("/export")
class DecisionExport(MethodView):
    """The whole selection as a file."""

    @blp.doc(security=BEARER)
    @require_role("moderate")
    @blp.arguments(DecisionExportQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, content_type="text/csv", description="CSV (default) or JSON Lines (format=jsonl), streamed.")
    def get(self, args: dict[str, Any]) -> Response:
        """Export the decisions matching the filters as CSV or JSON Lines, streamed newest first (role: moderate)."""
        # The engine is taken now: the generator runs after the request context is gone.
        engine = current_app.extensions["moderation.db"]
        records = iter_decisions(DecisionFilter.from_mapping(args), engine=engine)
        include_pii = args["include_pii"]
        lines = jsonl_lines(records, include_pii) if args["format"] == "jsonl" else csv_lines(records, include_pii)
        mimetype = "application/x-ndjson" if args["format"] == "jsonl" else "text/csv"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return Response(
            _chunks(lines),
            mimetype=mimetype,
            headers={"Content-Disposition": f'attachment; filename="decisions-{stamp}.{args["format"]}"'},
        )
