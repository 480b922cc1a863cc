"""Marshmallow schemas that validate rule files, lexicon files and settings before they are compiled."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .detectors import DETECTORS
from .inflection import INFLECT_KINDS
from .model import CATEGORIES, MODES, SUBCATEGORIES

_ALL_SUBCATEGORIES = sorted({sub for subs in SUBCATEGORIES.values() for sub in subs})
_TEXTS = fields.List(fields.String(validate=validate.Length(min=1, max=2000)))


class ExamplesSchema(Schema):
    """Examples a rule must fire on (reject) and must not fire on (approve)."""

    class Meta:
        unknown = RAISE

    reject = fields.List(fields.String(validate=validate.Length(min=1)), required=True, validate=validate.Length(min=1))
    approve = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)


class NearSchema(Schema):
    """Cue words that cancel a rule's hit when they stand within `window` tokens of it."""

    class Meta:
        unknown = RAISE

    window = fields.Integer(load_default=6, validate=validate.Range(min=1, max=20))
    words = fields.List(fields.String(validate=validate.Length(min=1, max=2000)), required=True, validate=validate.Length(min=1))
    of = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)


class RuleSchema(Schema):
    """One rule in a rule file."""

    class Meta:
        unknown = RAISE

    id = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="use lowercase letters, digits, '-' and '_' (at most 64)"),
    )
    message = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String()
    subcategory = fields.String(validate=validate.OneOf(_ALL_SUBCATEGORIES), allow_none=True)
    mode = fields.String(load_default="enforce", validate=validate.OneOf(MODES))
    score = fields.Float(load_default=1.0, validate=validate.Range(min=0, max=100))
    words = _TEXTS
    phrases = _TEXTS
    templates = _TEXTS
    patterns = fields.List(fields.String(validate=validate.Length(min=1, max=1000)))
    detectors = fields.List(fields.String(validate=validate.OneOf(sorted(DETECTORS))))
    unless = _TEXTS
    unless_patterns = fields.List(fields.String(validate=validate.Length(min=1, max=1000)))
    unless_quoted = fields.Boolean(load_default=False)
    unless_mentioned = fields.Boolean(load_default=False)
    unless_near = fields.List(fields.Nested(NearSchema))
    modifiers = fields.Boolean(load_default=True)
    min_matches = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))
    paired_within = fields.Integer(load_default=0, validate=validate.Range(min=0, max=50))
    examples = fields.Nested(ExamplesSchema, required=True)

    @validates_schema
    def _matches_something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not any(data.get(key) for key in ("words", "phrases", "templates", "patterns", "detectors")):
            raise ValidationError("a rule needs at least one of words, phrases, templates, patterns, detectors", "_rule")


class RuleFileSchema(Schema):
    """A rule file: one guideline category and its rules (validated one by one)."""

    class Meta:
        unknown = RAISE

    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    subcategory = fields.String(validate=validate.OneOf(_ALL_SUBCATEGORIES))
    description = fields.String()
    rules = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1))


class GroupSchema(Schema):
    """One protected group of a `groups:` lexicon: its plural, singular and adjective forms."""

    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$"))
    subcategory = fields.String(required=True, validate=validate.OneOf(SUBCATEGORIES["abuse"]))
    plural = _TEXTS
    singular = _TEXTS
    adjective = _TEXTS

    @validates_schema
    def _has_forms(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not any(data.get(key) for key in ("plural", "singular", "adjective")):
            raise ValidationError("a group needs at least one of plural, singular, adjective", "_schema")


class LexiconSchema(Schema):
    """A lexicon written as a mapping (a plain list of words is also accepted)."""

    class Meta:
        unknown = RAISE

    description = fields.String()
    words = fields.List(fields.String(validate=validate.Length(min=1, max=2000)), load_default=list)
    inflect = fields.String(load_default="none", validate=validate.OneOf(list(INFLECT_KINDS)))
    typos = fields.Boolean(load_default=True)
    source = fields.String(validate=validate.OneOf(["better_profanity"]))
    excluded = fields.List(fields.String(), load_default=list, data_key="exclude")
    groups = fields.List(fields.Nested(GroupSchema))
    people = fields.String(validate=validate.Length(min=1, max=200))
    person = fields.String(validate=validate.Length(min=1, max=200))
    refer = _TEXTS
    # Chat spellings: a token written as the key is also read as the value ("u" as "you", "dont" as "don't").
    spellings = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[a-z0-9]{1,20}$", error="write a chat spelling as small letters or digits")),
        values=fields.String(validate=validate.Regexp(r"^[a-z]+(?:'[a-z]+)?$", error="read it as one word or a contraction")),
        load_default=dict,
    )


def _thresholds() -> fields.Dict:
    """Scores at which a category rejects, per category (settings.yml and site overlays)."""
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(CATEGORIES)),
        values=fields.Float(validate=validate.Range(min=0.01, max=100)),
        load_default=dict,
    )


def _allowed_domains() -> fields.List[Any]:
    """Link domains that are no promotion: a domain ("bbc.co.uk"), or a wildcard suffix ("*.gov", "*.gov.*" for any "gov.xx")."""
    return fields.List(
        fields.String(validate=validate.Regexp(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$|^\*\.(?:[a-z0-9-]+\.)*[a-z0-9-]+(?:\.\*)?$")),
        load_default=list,
    )


class SettingsSchema(Schema):
    """settings.yml: thresholds, allowed link domains, safe words, allowed phrases and the languages the rules cover."""

    class Meta:
        unknown = RAISE

    thresholds = _thresholds()
    allowed_domains = _allowed_domains()
    safe_words = fields.List(fields.String(), load_default=list)
    allow = _TEXTS
    mentions = _TEXTS
    # Language codes as the language detector names them (ISO 639-1, or 639-3 where there is none: "ckb").
    languages = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z]{2,3}$", error="a language code such as en, ku or ckb")),
        load_default=lambda: ["en"],
        validate=validate.Length(min=1),
    )


class SiteRuleSchema(RuleSchema):
    """A rule of a site's overlay: the usual rule, with its own category (an overlay file holds several)."""

    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))


class SiteSchema(Schema):
    """rules/sites/<site>.yml: what one site changes on top of the shared rules."""

    class Meta:
        unknown = RAISE

    description = fields.String()
    # Rule ids ("promotion/check-out") or whole categories ("profanity"); resolved against the shared rules.
    disable = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list)
    shadow = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list)
    thresholds = _thresholds()
    allowed_domains = _allowed_domains()
    safe_words = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)
    rules = fields.List(fields.Raw(), load_default=list)
