"""Marshmallow schemas of the comment API (requests and responses)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from ..config import MAX_BATCH, MAX_TEXT_LENGTH
from ..engine import MODES
from .fields import CleanString

_SHORT = validate.Length(max=500)


class AuthorSchema(Schema):
    """Who wrote the comment, as the site knows them."""

    id = CleanString(validate=_SHORT)
    name = CleanString(validate=_SHORT)
    email = CleanString(validate=_SHORT)
    ip = CleanString(validate=validate.Length(max=64))


class ArticleSchema(Schema):
    """The article the comment is on."""

    id = CleanString(validate=_SHORT)
    url = CleanString(validate=validate.Length(max=2000))
    title = CleanString(validate=validate.Length(max=1000))


class CommentSchema(Schema):
    """A submitted comment."""

    text = CleanString(
        required=True,
        multiline=True,
        validate=validate.Length(min=1, max=MAX_TEXT_LENGTH),
        metadata={"description": f"The comment, 1 to {MAX_TEXT_LENGTH} characters, never modified."},
    )
    comment_id = CleanString(validate=validate.Length(max=200), metadata={"description": "The site's own id."})
    site = CleanString(validate=validate.Length(max=200), metadata={"description": "Site or tenant name."})
    author = fields.Nested(AuthorSchema)
    article = fields.Nested(ArticleSchema)
    language = CleanString(validate=validate.Length(max=35), metadata={"description": "Language tag, e.g. en."})

    @validates("text")
    def _not_blank(self, value: str, **kwargs: Any) -> None:
        if not value.strip():
            raise ValidationError("The text is blank.")


class BatchSchema(Schema):
    """Several comments in one request."""

    comments = fields.List(
        fields.Nested(CommentSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH, error=f"Send 1 to {MAX_BATCH} comments."),
    )


class MatchSchema(Schema):
    """A matched span, in code points of the submitted text."""

    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    text = fields.String(required=True)


class ReasonSchema(Schema):
    """A rule that fired."""

    rule = fields.String(required=True)
    category = fields.String(required=True)
    subcategory = fields.String(allow_none=True)
    message = fields.String(required=True)
    mode = fields.String(required=True, metadata={"enum": list(MODES)})
    matches = fields.List(fields.Nested(MatchSchema), required=True)


class LanguageSchema(Schema):
    """The language detected in the comment, and whether the rules cover it."""

    detected = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Language code (en, ar, fa, tr, ku, ckb, ...); null when the text is too short to tell."},
    )
    covered = fields.Boolean(
        required=True,
        allow_none=True,
        metadata={"description": "True when the rules are written for that language (settings.yml `languages`); null with no detection."},
    )


class DecisionSchema(Schema):
    """The decision on one comment."""

    decision = fields.String(required=True, metadata={"enum": ["approve", "reject"]})
    decision_id = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    ruleset = fields.String(required=True, metadata={"description": "Version of the rules that decided, the site's overlay included."})
    policy = fields.String(
        required=True,
        metadata={"description": "Whose rules decided: the site's name when it has an overlay (rules/sites/<site>.yml), else default."},
    )
    language = fields.Nested(
        LanguageSchema,
        required=True,
        metadata={"description": "A comment in a language the rules do not cover was not checked as they would check English."},
    )
    budget_exhausted = fields.Boolean(
        metadata={
            "description": "Present (true) only when the comment used up the engine's matching budget: "
            "the decision rests on what was matched before it ran out."
        }
    )


class BatchResultSchema(Schema):
    """One decision per submitted comment, in the same order."""

    results = fields.List(fields.Nested(DecisionSchema), required=True)


class HealthSchema(Schema):
    """Service health."""

    status = fields.String(required=True)
    ruleset = fields.String(required=True)
    rules = fields.Integer(required=True)
    database = fields.String(required=True)
    rules_error = fields.String(allow_none=True)
