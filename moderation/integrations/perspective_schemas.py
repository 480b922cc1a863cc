"""Marshmallow schemas of Perspective API's v1alpha1 requests and responses (field names as Google spells them)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from ..api.fields import CleanString
from ..config import MAX_TEXT_LENGTH
from .perspective import KNOWN_ATTRIBUTES

TEXT_TYPES = ("PLAIN_TEXT", "HTML", "TEXT_TYPE_UNSPECIFIED")
SCORE_TYPES = ("PROBABILITY",)
MAX_LANGUAGES = 10
MAX_CONTEXT_ENTRIES = 20
_TOKEN = validate.Length(max=200)


class StrictBoolean(fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes "yes", 1 and "on", which Google's parser refuses."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _attribute_name() -> fields.String:
    return fields.String(validate=validate.OneOf(KNOWN_ATTRIBUTES, error="Unknown attribute: {input}."))


class TextEntrySchema(Schema):
    """A text and its type (context entries, articles, parent comments)."""

    text = CleanString(multiline=True, load_default="", validate=validate.Length(max=MAX_TEXT_LENGTH))
    type = fields.String(load_default="PLAIN_TEXT", validate=validate.OneOf(TEXT_TYPES))


class CommentEntrySchema(TextEntrySchema):
    """The comment to score: 1 to 20,000 characters, plain text or HTML."""

    text = CleanString(
        required=True,
        multiline=True,
        validate=validate.Length(min=1, max=MAX_TEXT_LENGTH, error=f"Comment text must be 1 to {MAX_TEXT_LENGTH} characters."),
        metadata={"description": f"The comment, 1 to {MAX_TEXT_LENGTH} characters; HTML is scored as a reader sees it."},
    )

    @validates("text")
    def _not_blank(self, value: str, **kwargs: Any) -> None:
        if not value.strip():
            raise ValidationError("Comment text is blank.")


class ArticleAndParentSchema(Schema):
    """The article and the comment replied to (accepted, not used: the rules read the comment alone)."""

    article = fields.Nested(TextEntrySchema)
    parent_comment = fields.Nested(TextEntrySchema, data_key="parentComment")


class ContextSchema(Schema):
    """Text around the comment (accepted, never stored, not used in scoring)."""

    entries = fields.List(fields.Nested(TextEntrySchema), validate=validate.Length(max=MAX_CONTEXT_ENTRIES))
    article_and_parent_comment = fields.Nested(ArticleAndParentSchema, data_key="articleAndParentComment")


class RequestedAttributeSchema(Schema):
    """Options of one requested attribute."""

    score_type = fields.String(data_key="scoreType", validate=validate.OneOf(SCORE_TYPES, error="Only PROBABILITY scores are served."))
    score_threshold = fields.Float(
        data_key="scoreThreshold",
        validate=validate.Range(min=0, max=1),
        metadata={"description": "Leave the attribute out when it scores below this."},
    )


class _RequestSchema(Schema):
    """Fields both methods take."""

    comment = fields.Nested(CommentEntrySchema, required=True)
    languages = fields.List(
        CleanString(validate=validate.Length(min=1, max=35)),
        validate=validate.Length(max=MAX_LANGUAGES),
        metadata={"description": "Language codes of the comment (en, en-US, ...); without them the language is detected."},
    )
    client_token = CleanString(data_key="clientToken", validate=_TOKEN, metadata={"description": "Echoed back; logged as the comment id."})
    session_id = CleanString(data_key="sessionId", validate=_TOKEN)
    community_id = CleanString(data_key="communityId", validate=_TOKEN, metadata={"description": "Logged as the site."})
    context = fields.Nested(ContextSchema)


class AnalyzeCommentRequestSchema(_RequestSchema):
    """comments:analyze: score a comment for the requested attributes."""

    requested_attributes = fields.Dict(
        keys=_attribute_name(),
        values=fields.Nested(RequestedAttributeSchema),
        required=True,
        data_key="requestedAttributes",
        validate=validate.Length(min=1, error="Request at least one attribute."),
    )
    do_not_store = StrictBoolean(
        data_key="doNotStore", load_default=False, metadata={"description": "Keep the text out of the log and every other store."}
    )
    span_annotations = StrictBoolean(data_key="spanAnnotations", load_default=False)
    drop_unsupported_attributes = StrictBoolean(data_key="dropUnsupportedAttributes", load_default=False)


class SuggestedScoreSchema(Schema):
    """A moderator's score: 0 (the comment does not have the attribute) to 1 (it has)."""

    value = fields.Float(required=True, validate=validate.Range(min=0, max=1))
    type = fields.String(validate=validate.OneOf(SCORE_TYPES))


class SuggestedSpanSchema(Schema):
    """A moderator's score for a span (accepted, not used)."""

    begin = fields.Integer(validate=validate.Range(min=0))
    end = fields.Integer(validate=validate.Range(min=0))
    score = fields.Nested(SuggestedScoreSchema)


class SuggestedAttributeSchema(Schema):
    """A moderator's scores for one attribute."""

    summary_score = fields.Nested(SuggestedScoreSchema, required=True, data_key="summaryScore")
    span_scores = fields.List(fields.Nested(SuggestedSpanSchema), data_key="spanScores", validate=validate.Length(max=100))


class SuggestCommentScoreRequestSchema(_RequestSchema):
    """comments:suggestscore: a moderator's verdict on a comment."""

    attribute_scores = fields.Dict(
        keys=_attribute_name(),
        values=fields.Nested(SuggestedAttributeSchema),
        required=True,
        data_key="attributeScores",
        validate=validate.Length(min=1, error="Suggest at least one attribute score."),
    )


class ScoreSchema(Schema):
    """A score: rule-derived, in 0..1 (see docs/perspective.md), not a model's probability."""

    value = fields.Float(required=True)
    type = fields.String(required=True, metadata={"enum": list(SCORE_TYPES)})


class SpanScoreSchema(Schema):
    """A span's score; begin and end are UTF-16 code-unit offsets into the submitted text."""

    begin = fields.Integer(required=True)
    end = fields.Integer(required=True)
    score = fields.Nested(ScoreSchema, required=True)


class AttributeScoresSchema(Schema):
    """One attribute's scores."""

    summary_score = fields.Nested(ScoreSchema, required=True, data_key="summaryScore")
    span_scores = fields.List(fields.Nested(SpanScoreSchema), data_key="spanScores", metadata={"description": "With spanAnnotations."})


class AnalyzeCommentResponseSchema(Schema):
    """The requested attributes' scores (those below their scoreThreshold left out) and the languages."""

    attribute_scores = fields.Dict(
        keys=fields.String(), values=fields.Nested(AttributeScoresSchema), required=True, data_key="attributeScores"
    )
    languages = fields.List(fields.String(), required=True)
    detected_languages = fields.List(fields.String(), data_key="detectedLanguages")
    client_token = fields.String(data_key="clientToken")


class SuggestCommentScoreResponseSchema(Schema):
    """The request's client token, echoed."""

    client_token = fields.String(data_key="clientToken")


class GoogleErrorStatusSchema(Schema):
    """Google's error object."""

    code = fields.Integer(required=True)
    message = fields.String(required=True)
    status = fields.String(required=True, metadata={"example": "INVALID_ARGUMENT"})
    details = fields.List(fields.Dict(), metadata={"description": "google.rpc.BadRequest field violations, for invalid fields."})


class GoogleErrorSchema(Schema):
    """Errors under /v1alpha1/ come in Google's shape, not the /v1/ one."""

    error = fields.Nested(GoogleErrorStatusSchema, required=True)
