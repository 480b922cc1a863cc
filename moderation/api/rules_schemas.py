"""Marshmallow schemas of the rules admin API: the live ruleset, reloads, and rule tests."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from ..config import MAX_TEXT_LENGTH
from ..engine import MODES
from .fields import CleanString
from .schemas import ReasonSchema

# Candidate files: a rule file, settings.yml, or a lexicon; nothing that can leave the directory.
# Matched whole (fullmatch): `$` would let "x.yml\n" through.
CANDIDATE_NAME = re.compile(r"(lexicons/|sites/)?[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.ya?ml")
MAX_CANDIDATE_FILES = 50
# Each file's own size budget is the loader's (as for live rules), reported as a located rule error.
MAX_CANDIDATE_TOTAL_CHARS = 512 * 1024


class RuleErrorSchema(Schema):
    """One problem in the rule files, located by file, line and rule id where known."""

    file = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    rule = fields.String(allow_none=True)
    message = fields.String(required=True)


class LoadErrorSchema(Schema):
    """The last refused load: the previous ruleset stayed live."""

    message = fields.String(required=True)
    at = fields.String(required=True, metadata={"description": "When the load was refused (ISO 8601, UTC)."})
    errors = fields.List(fields.Nested(RuleErrorSchema), required=True)


class RuleSummarySchema(Schema):
    """One rule of the live ruleset."""

    id = fields.String(required=True)
    category = fields.String(required=True)
    subcategory = fields.String(allow_none=True)
    mode = fields.String(required=True, metadata={"enum": list(MODES)})
    score = fields.Float(required=True)
    message = fields.String(required=True)
    file = fields.String(required=True)
    line = fields.Integer(allow_none=True)
    examples = fields.Integer(required=True, metadata={"description": "Number of reject and approve examples."})


class SitePolicySchema(Schema):
    """A site's overlay (rules/sites/<site>.yml) as loaded."""

    site = fields.String(required=True)
    version = fields.String(required=True, metadata={"description": "Covers the shared rules and the overlay."})
    file = fields.String(required=True)
    rules = fields.Integer(required=True, metadata={"description": "Rules in force on the site, shared and its own."})
    own_rules = fields.List(fields.String(), required=True, metadata={"description": "Ids of the overlay's own rules (sites/<site>/<id>)."})
    disabled = fields.List(fields.String(), required=True, metadata={"description": "Ids of the shared rules the site disables."})
    shadowed = fields.List(fields.String(), required=True, metadata={"description": "Ids of the shared rules in shadow mode on the site."})
    thresholds = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        required=True,
        metadata={"description": "The site's thresholds that differ from the shared ones."},
    )


class WatcherSchema(Schema):
    """The answering process: which worker it is and when it last looked at the rule files."""

    pid = fields.Integer(required=True)
    interval = fields.Float(required=True, metadata={"description": "Seconds between checks of the files; 0 = not watching."})
    watching = fields.Boolean(required=True)
    checked_at = fields.String(allow_none=True)


class RulesetSchema(Schema):
    """The live ruleset of the process that answered."""

    version = fields.String(required=True)
    directory = fields.String(required=True)
    loaded_at = fields.String(allow_none=True)
    files = fields.List(fields.String(), required=True)
    thresholds = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    rules = fields.List(fields.Nested(RuleSummarySchema), required=True)
    load_error = fields.Nested(LoadErrorSchema, allow_none=True, required=True)
    process = fields.Nested(WatcherSchema, required=True)
    sites = fields.List(fields.Nested(SitePolicySchema), required=True, metadata={"description": "Each site's overlay."})


class ReloadRequestSchema(Schema):
    """A reload takes no parameters: send `{}`."""


class ReloadSchema(Schema):
    """The result of a successful reload."""

    version = fields.String(required=True)
    previous = fields.String(allow_none=True)
    changed = fields.Boolean(required=True, metadata={"description": "The shared rules or a site's overlay changed."})
    rules = fields.Integer(required=True)


class RuleTestSchema(Schema):
    """A text to explain, optionally with candidate rule files laid over the live ones."""

    text = CleanString(required=True, multiline=True, validate=validate.Length(min=1, max=MAX_TEXT_LENGTH))
    rules = fields.Dict(
        keys=fields.String(),
        values=CleanString(multiline=True, allow_none=True),
        metadata={
            "description": "Candidate files by path relative to the rule directory (`threats.yml`, `lexicons/people.yml`), "
            "YAML text as value; null removes that file. Laid over a copy of the live directory."
        },
    )
    check_examples = fields.Boolean(
        load_default=True, metadata={"description": "Refuse candidates whose examples fail, as a reload would."}
    )
    site = CleanString(
        validate=validate.Length(max=200),
        metadata={"description": "Explain with this site's policy (its overlay, else the shared rules), as a comment of that site."},
    )

    @validates("text")
    def _not_blank(self, value: str, **kwargs: Any) -> None:
        if not value.strip():
            raise ValidationError("The text is blank.")

    @validates("rules")
    def _safe_names(self, value: dict[str, str | None], **kwargs: Any) -> None:
        if len(value) > MAX_CANDIDATE_FILES:
            raise ValidationError(f"Send at most {MAX_CANDIDATE_FILES} candidate files.")
        bad = sorted(name for name in value if not CANDIDATE_NAME.fullmatch(name))
        if bad:
            raise ValidationError(
                f"Bad file name(s) {', '.join(repr(name) for name in bad)}: use `name.yml`, `lexicons/name.yml` or `sites/name.yml` "
                "(letters, digits, - and _)."
            )
        total = sum(len(text or "") for text in value.values())
        if total > MAX_CANDIDATE_TOTAL_CHARS:
            raise ValidationError(f"The candidate files hold {total} characters; at most {MAX_CANDIDATE_TOTAL_CHARS}.")


class HitSchema(ReasonSchema):
    """A rule that fired, enforced or shadow, whether or not it decided: a reason with its score and place."""

    score = fields.Float(required=True)
    decides = fields.Boolean(required=True, metadata={"description": "True when this hit is one of the decision's reasons."})
    file = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)


class CategoryScoreSchema(Schema):
    """A category's score from enforced rules against its threshold."""

    category = fields.String(required=True)
    score = fields.Float(required=True)
    threshold = fields.Float(required=True)
    rejects = fields.Boolean(required=True)


class ExplanationSchema(Schema):
    """What the rules do with a text; nothing is logged.

    Unlike `moderation rules explain`, it leaves out the engine's normalised text: no API response
    carries a modified version of a submitted text.
    """

    ruleset = fields.String(required=True)
    policy = fields.String(required=True, metadata={"description": "The site whose overlay was used, or default."})
    decision = fields.String(required=True, metadata={"enum": ["approve", "reject"]})
    categories = fields.List(fields.String(), required=True)
    hits = fields.List(fields.Nested(HitSchema), required=True)
    scores = fields.List(fields.Nested(CategoryScoreSchema), required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True, metadata={"description": "As POST /v1/comments gives them."})
    candidate = fields.List(fields.String(), required=True, metadata={"description": "Candidate files laid over the live ones."})
