"""Typed, immutable objects of the engine: rules, settings, matches, reasons and decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from .symbols import Sym

CATEGORIES = ("profanity", "vulgarity", "threat", "personal_attack", "abuse", "promotion")
SUBCATEGORIES = {
    "abuse": ("sexism", "racism", "homophobia", "xenophobia", "religious", "ableism", "transphobia"),
    "promotion": ("commercial", "personal"),
}
Mode = Literal["enforce", "shadow"]
# The modes as values, for schemas and documents: enforced rules decide, shadow rules are only logged.
MODES: tuple[Mode, ...] = get_args(Mode)
Verdict = Literal["approve", "reject"]


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where something was written: file (relative to the rule directory) and 1-based line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Examples:
    """Texts a rule must fire on and texts it must not fire on."""

    reject: tuple[str, ...] = ()
    approve: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NearCue:
    """Words that cancel a rule's hit when they stand within `window` tokens of it, before or after.

    With `of`, only hits that hold one of those words are cancelled (the dog-show cue cancels
    "bitch", not a "fuck" beside it).
    """

    words: Sym
    window: int
    of: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule: what it matches, its exceptions, and what a hit means."""

    id: str
    category: str
    subcategory: str | None
    message: str
    mode: Mode
    score: float
    templates: tuple[Sym, ...]
    patterns: tuple[Any, ...]
    detectors: tuple[str, ...]
    unless: tuple[Sym, ...]
    unless_patterns: tuple[Any, ...]
    min_matches: int
    examples: Examples
    location: SourceLocation
    unless_quoted: bool = False
    unless_mentioned: bool = False
    unless_near: tuple[NearCue, ...] = ()
    # A signal that counts only beside another: its hits stand within this many tokens of a hit of another rule
    # of its category (0: anywhere).
    paired_within: int = 0
    # What each exception says, as written: unless entries, then unless_near cues, then unless_patterns.
    exception_texts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    """Ruleset-wide settings: thresholds, allowed domains, safe words, allowed phrases, mention frames, covered languages."""

    thresholds: dict[str, float] = field(default_factory=dict)
    allowed_domains: frozenset[str] = frozenset()
    safe_words: frozenset[str] = frozenset()
    allow: tuple[Sym, ...] = ()
    mentions: tuple[Sym, ...] = ()
    languages: tuple[str, ...] = ("en",)

    def threshold(self, category: str) -> float:
        """The score at which a category rejects a comment (1.0 unless configured)."""
        return self.thresholds.get(category, 1.0)


@dataclass(frozen=True, slots=True)
class Match:
    """A matched span in code points of the submitted text, with the text it covers."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form, as in the API contract."""
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule that fired, why, and where."""

    rule: str
    category: str
    subcategory: str | None
    message: str
    mode: Mode
    score: float
    matches: tuple[Match, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form, as in the API contract."""
        return {
            "rule": self.rule,
            "category": self.category,
            "subcategory": self.subcategory,
            "message": self.message,
            "mode": self.mode,
            "matches": [match.to_dict() for match in self.matches],
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer for one comment."""

    decision: Verdict
    categories: tuple[str, ...]
    reasons: tuple[Reason, ...]
    ruleset: str
    budget_exhausted: bool = False
    policy: str = "default"  # the site whose overlay decided, or "default" for the shared rules

    @property
    def rejected(self) -> bool:
        """True when the comment is rejected."""
        return self.decision == "reject"

    @property
    def enforcing(self) -> tuple[Reason, ...]:
        """The reasons that decided: enforced rules whose category was rejected (shadow rules never decide)."""
        return tuple(reason for reason in self.reasons if reason.mode == "enforce")

    def to_dict(self) -> dict[str, Any]:
        """JSON form, as in the API contract (without the decision id, which storage assigns)."""
        body: dict[str, Any] = {
            "decision": self.decision,
            "categories": list(self.categories),
            "reasons": [reason.to_dict() for reason in self.reasons],
            "ruleset": self.ruleset,
            "policy": self.policy,
        }
        if self.budget_exhausted:
            # Only said when it happened: the decision rests on what was matched before the budget ran out.
            body["budget_exhausted"] = True
        return body


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the engine found in a comment: the folded text, every rule hit and the category scores."""

    folded: str
    hits: tuple[Reason, ...]
    scores: dict[str, float]
    decision: Decision
    work: int = 0  # tokens, readings, trie look-ups and matching steps it took (for cost tests and benchmarks)
