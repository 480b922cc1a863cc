"""Marshmallow schemas of the decision log API: filters, pages, reviews, exports and statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ..engine import CATEGORIES, SUBCATEGORIES
from ..storage import MAX_REVIEW_BATCH, REVIEW_STATUSES, VERDICTS, BadCursorError, decode_cursor
from ..storage.times import parse_when
from .fields import CleanString
from .schemas import ReasonSchema

_DECISIONS = ("approve", "reject")
_SUBCATEGORIES = sorted({sub for subs in SUBCATEGORIES.values() for sub in subs})
MAX_PAGE = 500
DEFAULT_STATS_DAYS = 30


class When(fields.String):
    """An instant: ISO 8601 (UTC without an offset), a date, "today", or an age ago such as 24h or 7d."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:  # type: ignore[override]
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_when(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def _when(description: str) -> When:
    return When(metadata={"description": description, "example": "2026-11-28T00:00:00Z"})


class DecisionFilterSchema(Schema):
    """Filters shared by the list and the export; every filter narrows the selection."""

    decision = fields.String(
        validate=validate.OneOf(_DECISIONS), metadata={"description": "The engine's decision (never changed by reviews)."}
    )
    status = fields.String(validate=validate.OneOf(_DECISIONS), metadata={"description": "The decision as it stands after reviews."})
    category = fields.String(validate=validate.OneOf(CATEGORIES), metadata={"description": "A category that decided the rejection."})
    subcategory = fields.String(validate=validate.OneOf(_SUBCATEGORIES))
    rule = CleanString(validate=validate.Length(min=1, max=200), metadata={"description": "A rule id that fired (enforce or shadow)."})
    site = CleanString(validate=validate.Length(min=1, max=200))
    article = CleanString(validate=validate.Length(min=1, max=2000), metadata={"description": "Article id or URL."})
    author = CleanString(validate=validate.Length(min=1, max=500), metadata={"description": "Author id."})
    review = fields.String(
        validate=validate.OneOf((*REVIEW_STATUSES, "reviewed")),
        metadata={"description": "Review status: unreviewed, upheld, overturned, or reviewed (either)."},
    )
    since = _when("Logged at or after this time (ISO 8601, a date, 'today', or an age such as 24h or 7d).")
    until = _when("Logged before this time.")
    q = CleanString(validate=validate.Length(min=1, max=200), metadata={"description": "Text search in the comment (case-insensitive)."})

    @validates_schema
    def _range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise ValidationError("since must be before until.", "until")


class DecisionListQuerySchema(DecisionFilterSchema):
    """Filters and a page: the newest decisions first, continued with the previous page's next_cursor."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE), metadata={"description": "Page size."})
    cursor = fields.String(validate=validate.Length(max=200), metadata={"description": "next_cursor of the previous page."})

    @validates("cursor")
    def _cursor(self, value: str, **kwargs: Any) -> None:
        try:
            decode_cursor(value)
        except BadCursorError as error:
            raise ValidationError(str(error)) from None


class DecisionExportQuerySchema(DecisionFilterSchema):
    """Filters and an export format; author e-mail and IP only when asked for."""

    format = fields.String(load_default="csv", validate=validate.OneOf(("csv", "jsonl")))
    include_pii = fields.Boolean(
        load_default=False, metadata={"description": "Add the author's e-mail and IP (as stored: plain or hashed)."}
    )


def _stats_since() -> datetime:
    return datetime.now(UTC) - timedelta(days=DEFAULT_STATS_DAYS)


def _now() -> datetime:
    return datetime.now(UTC)


class StatsQuerySchema(Schema):
    """The time range (default: the last 30 days) and optionally one site."""

    since = When(
        load_default=_stats_since,
        metadata={"description": f"From this time (default: {DEFAULT_STATS_DAYS} days ago); as for the decision filters."},
    )
    until = When(load_default=_now, metadata={"description": "Until this time (default: now)."})
    site = CleanString(validate=validate.Length(min=1, max=200))

    @validates_schema
    def _range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["since"] >= data["until"]:
            raise ValidationError("since must be before until.", "until")


class ReviewSchema(Schema):
    """A moderator's verdict on a decision."""

    verdict = fields.String(
        required=True,
        validate=validate.OneOf(VERDICTS),
        metadata={"description": "uphold keeps the engine's decision; overturn reverses it (a reject becomes approved)."},
    )
    note = CleanString(multiline=True, allow_none=True, validate=validate.Length(max=2000))


class BulkReviewSchema(ReviewSchema):
    """One verdict and one note for many decisions."""

    ids = fields.List(
        CleanString(validate=validate.Length(min=1, max=100)),
        required=True,
        validate=validate.Length(min=1, max=MAX_REVIEW_BATCH),
        metadata={"description": f"Decision ids, 1 to {MAX_REVIEW_BATCH}; an id given twice is reviewed once."},
    )


class BulkReviewResultSchema(Schema):
    """What happened to one id: reviewed, with its status now, or not found (nothing else changes)."""

    id = fields.String(required=True)
    reviewed = fields.Boolean(required=True, metadata={"description": "False when the log holds no decision with this id."})
    decision = fields.String(metadata={"enum": list(_DECISIONS), "description": "The engine's decision (reviewed ids only)."})
    status = fields.String(metadata={"enum": list(_DECISIONS), "description": "The decision as it stands now (reviewed ids only)."})
    review_status = fields.String(metadata={"enum": list(REVIEW_STATUSES)})
    error = fields.String(metadata={"description": "Why the id was not reviewed."})


class BulkReviewAnswerSchema(Schema):
    """One result per distinct id, in the order sent, and how many were reviewed and not found."""

    results = fields.List(fields.Nested(BulkReviewResultSchema), required=True)
    reviewed = fields.Integer(required=True)
    unknown_ids = fields.Integer(required=True, data_key="unknown")  # "unknown" itself is a Schema setting


class LoggedAuthorSchema(Schema):
    """The author as stored: e-mail and IP plain, hashed (sha256:...) or absent, by the privacy setting."""

    id = fields.String()
    name = fields.String()
    email = fields.String()
    ip = fields.String()


class LoggedArticleSchema(Schema):
    """The article as submitted."""

    id = fields.String()
    url = fields.String()
    title = fields.String()


class ReviewRecordSchema(Schema):
    """One entry of the audit trail; the reviewer is the key's name, never the key."""

    id = fields.Integer(required=True)
    verdict = fields.String(required=True, metadata={"enum": list(VERDICTS)})
    note = fields.String(allow_none=True)
    reviewer = fields.String(required=True)
    reviewer_role = fields.String(required=True)
    status_before = fields.String(required=True)
    status_after = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class LoggedDecisionSchema(Schema):
    """A logged decision: the text exactly as submitted, the engine's decision and its current status."""

    id = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    decision = fields.String(required=True, metadata={"enum": list(_DECISIONS), "description": "The engine's decision."})
    status = fields.String(required=True, metadata={"enum": list(_DECISIONS), "description": "The decision after reviews."})
    review_status = fields.String(required=True, metadata={"enum": list(REVIEW_STATUSES)})
    review_count = fields.Integer(required=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)
    reviewed_by = fields.String(allow_none=True)
    categories = fields.List(fields.String(), required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    ruleset = fields.String(required=True)
    policy = fields.String(allow_none=True, metadata={"description": "The site whose rules decided, or default; null before sites."})
    text = fields.String(required=True)
    site = fields.String(allow_none=True)
    comment_id = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    source = fields.String(required=True, metadata={"enum": ["api", "batch"]})
    author = fields.Nested(LoggedAuthorSchema, allow_none=True)
    article = fields.Nested(LoggedArticleSchema, allow_none=True)


class DecisionDetailSchema(LoggedDecisionSchema):
    """A logged decision with its review trail, oldest review first."""

    reviews = fields.List(fields.Nested(ReviewRecordSchema), required=True)


class DecisionPageSchema(Schema):
    """A page of decisions, newest first; next_cursor is null on the last page."""

    items = fields.List(fields.Nested(LoggedDecisionSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class CountsSchema(Schema):
    """Counts over distinct decisions."""

    decisions = fields.Integer(required=True)
    rejects = fields.Integer(required=True, metadata={"description": "Rejected by the engine."})
    reviews = fields.Integer(required=True, metadata={"description": "Reviewed at least once."})
    overturns = fields.Integer(required=True, metadata={"description": "Overturned by the latest review."})
    overturn_rate = fields.Float(allow_none=True, required=True, metadata={"description": "overturns / reviews; null without reviews."})


_COUNTS = ("decisions", "rejects", "reviews", "overturns", "overturn_rate")


class CategoryStatsSchema(CountsSchema):
    """Decisions that a category decided."""

    category = fields.String(required=True)

    class Meta:
        fields = ("category", *_COUNTS)


class RuleStatsSchema(CountsSchema):
    """Decisions a rule fired on, in either mode."""

    rule = fields.String(required=True)
    category = fields.String(required=True)
    hits = fields.Integer(required=True, metadata={"description": "Hits in enforce mode."})
    shadow_hits = fields.Integer(required=True, metadata={"description": "Hits in shadow mode (logged, not deciding)."})
    last_hit = fields.AwareDateTime(required=True)

    class Meta:
        fields = ("rule", "category", "hits", "shadow_hits", "last_hit", *_COUNTS)


class FeedbackStatsSchema(Schema):
    """Moderators' verdicts sent through Perspective's suggestscore that matched no logged decision."""

    suggestions = fields.Integer(required=True)
    approve = fields.Integer(required=True, metadata={"description": "Said the comment should have been approved."})
    reject = fields.Integer(required=True, metadata={"description": "Said the comment should have been rejected."})


class StatsSchema(Schema):
    """Statistics over a time range."""

    since = fields.AwareDateTime(required=True)
    until = fields.AwareDateTime(required=True)
    site = fields.String(allow_none=True)
    totals = fields.Nested(CountsSchema, required=True)
    categories = fields.List(fields.Nested(CategoryStatsSchema), required=True)
    rules = fields.List(fields.Nested(RuleStatsSchema), required=True)
    feedback = fields.Nested(
        FeedbackStatsSchema,
        required=True,
        metadata={"description": "suggestscore verdicts kept as feedback; those that matched a decision count as its reviews."},
    )
