"""Marshmallow schemas of Coral Talk's external moderation request and response."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..api.fields import CleanString
from .coral import ACTIONS, FLAG_REASONS, REJECTION_CODES, ROLES, STATUSES

MAX_BODY_LENGTH = 100_000
_ID = validate.Length(max=200)  # the decision log's site and comment id columns hold 200 characters


class CoralSchema(Schema):
    """A part of Coral's request: unknown keys are ignored, because Coral may add fields in any release."""

    class Meta:
        unknown = EXCLUDE


class CoralCommentSchema(CoralSchema):
    """The new or edited comment."""

    body = CleanString(
        required=True,
        multiline=True,
        validate=validate.Length(max=MAX_BODY_LENGTH),
        metadata={"description": "Sanitised HTML, or plain text when Coral's format is PLAIN_TEXT; logged exactly as received."},
    )
    parent_id = CleanString(data_key="parentID", allow_none=True, validate=_ID, metadata={"description": "The comment replied to."})


class CoralAuthorSchema(CoralSchema):
    """The comment's author."""

    id = CleanString(validate=validate.Length(max=500))
    role = CleanString(
        validate=validate.Length(min=1, max=50),
        metadata={"description": f"Coral's role: one of {', '.join(ROLES)} (other values are accepted)."},
    )


class CoralStorySchema(CoralSchema):
    """The story (article) the comment is on."""

    id = CleanString(validate=validate.Length(max=500))
    url = CleanString(validate=validate.Length(max=2000))


class CoralSiteSchema(CoralSchema):
    """The Coral site the story belongs to."""

    id = CleanString(validate=_ID)


class CoralRequestSchema(CoralSchema):
    """Coral's external moderation request; only the action and the comment body are required."""

    action = fields.String(required=True, validate=validate.OneOf(ACTIONS), metadata={"enum": list(ACTIONS)})
    comment = fields.Nested(CoralCommentSchema, required=True)
    author = fields.Nested(CoralAuthorSchema)
    story = fields.Nested(CoralStorySchema)
    site = fields.Nested(CoralSiteSchema)
    tenant_id = CleanString(data_key="tenantID", validate=validate.Length(max=200))
    tenant_domain = CleanString(data_key="tenantDomain", validate=validate.Length(max=500))


class CoralRejectionReasonSchema(Schema):
    """Why the comment was rejected, in Coral's terms."""

    code = fields.String(required=True, metadata={"enum": list(REJECTION_CODES)})
    detailedExplanation = fields.String(required=True)  # noqa: N815 - Coral's key


class CoralModerationActionSchema(Schema):
    """The moderation action Coral records and tells the author about (NEW comments only)."""

    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    rejectionReason = fields.Nested(CoralRejectionReasonSchema, required=True)  # noqa: N815 - Coral's key


class CoralActionSchema(Schema):
    """A flag Coral adds to the comment for its moderators."""

    actionType = fields.String(required=True, metadata={"enum": ["FLAG"]})  # noqa: N815 - Coral's key
    reason = fields.String(required=True, metadata={"enum": list(FLAG_REASONS)})


class CoralResponseSchema(Schema):
    """The answer Coral accepts: every key optional, never null."""

    status = fields.String(metadata={"enum": list(STATUSES)})
    moderationAction = fields.Nested(CoralModerationActionSchema)  # noqa: N815 - Coral's key
    actions = fields.List(fields.Nested(CoralActionSchema))
