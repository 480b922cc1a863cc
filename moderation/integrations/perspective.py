"""Perspective API's attributes scored from the rules: category scores mapped to 0..1, match spans in UTF-16 units."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..engine import Assessment, Reason
from ..engine.model import Settings

# Which guideline categories each attribute stands for. An attribute scores as its highest-scoring category.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "TOXICITY": ("profanity", "vulgarity", "threat", "personal_attack", "abuse"),
    "SEVERE_TOXICITY": ("threat", "abuse"),
    "IDENTITY_ATTACK": ("abuse",),
    "INSULT": ("personal_attack",),
    "PROFANITY": ("profanity",),
    "THREAT": ("threat",),
    "SEXUALLY_EXPLICIT": ("vulgarity",),
    "OBSCENE": ("vulgarity",),
    "SPAM": ("promotion",),
    "ATTACK_ON_AUTHOR": ("personal_attack",),
    "ATTACK_ON_COMMENTER": ("personal_attack",),
    "INFLAMMATORY": ("threat", "personal_attack", "abuse"),
}
# Attributes Perspective has that no guideline category is a basis for: refused, or dropped when asked.
UNSUPPORTED = ("FLIRTATION", "INCOHERENT", "UNSUBSTANTIAL")
KNOWN_ATTRIBUTES = (*ATTRIBUTES, *UNSUPPORTED)

# The bands: no hit scores 0; hits that did not reject (below the threshold, or shadow rules) score in
# (LOW, HIGH_BELOW]; a rejection scores in [REJECTED, 1). Coral withholds above 0.8, so only rejections pass it.
NO_HIT = 0.0
LOW = 0.2
HIGH_BELOW = 0.75
REJECTED = 0.9
# A moderator's suggested score at or above this means "has the attribute": the comment should be rejected.
SUGGESTED_REJECT = 0.5


@dataclass(frozen=True, slots=True)
class SpanScore:
    """A scored span in UTF-16 code units of the submitted text, as Perspective reports them."""

    begin: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class AttributeScore:
    """One attribute's summary score and, when asked for, its span scores."""

    summary: float
    spans: tuple[SpanScore, ...] = ()


def below_threshold_score(score: float, threshold: float) -> float:
    """A category score that did not reject, mapped into (LOW, HIGH_BELOW], rising with the score."""
    return LOW + (HIGH_BELOW - LOW) * min(score / threshold, 1.0)


def rejected_score(score: float, threshold: float) -> float:
    """A category score that rejected (score >= threshold), mapped into [REJECTED, 1), rising with the score."""
    return REJECTED + (1.0 - REJECTED) * (1.0 - threshold / score)


def category_scores(assessment: Assessment, settings: Settings) -> dict[str, float]:
    """Every category that any rule (enforcing or shadow) hit, scored 0..1; categories without a hit are absent."""
    totals: dict[str, float] = {}
    for hit in assessment.hits:
        totals[hit.category] = totals.get(hit.category, 0.0) + hit.score
    rejected = set(assessment.decision.categories)
    return {
        category: (rejected_score if category in rejected else below_threshold_score)(total, settings.threshold(category))
        for category, total in totals.items()
    }


def _reason_score(reason: Reason, scores: Mapping[str, float], settings: Settings) -> float:
    """A span's score: its category's, except that a shadow rule's span never scores as a rejection."""
    if reason.mode == "shadow":
        return below_threshold_score(reason.score, settings.threshold(reason.category))
    return scores[reason.category]


def utf16_offsets(text: str) -> Callable[[int], int]:
    """A function from code-point offsets of text to UTF-16 code-unit offsets (characters beyond U+FFFF count 2)."""
    if len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return lambda offset: offset
    prefix = [0]
    for char in text:
        prefix.append(prefix[-1] + (2 if ord(char) > 0xFFFF else 1))
    return prefix.__getitem__


def _outermost(spans: dict[tuple[int, int], float]) -> list[tuple[tuple[int, int], float]]:
    """Spans in order without those inside another ("idiot" in "you idiot"), which takes the higher score of the two."""
    kept: list[list[Any]] = []
    # By start, longest first: a span inside any kept span is then inside the last one kept.
    for (begin, end), value in sorted(spans.items(), key=lambda item: (item[0][0], -item[0][1])):
        if kept and end <= kept[-1][1]:
            kept[-1][2] = max(kept[-1][2], value)
        else:
            kept.append([begin, end, value])
    return [((begin, end), value) for begin, end, value in kept]


def score_attributes(
    assessment: Assessment,
    settings: Settings,
    names: Iterable[str],
    spans: Callable[[int, int], tuple[int, int]] | None = None,
) -> dict[str, AttributeScore]:
    """Scores of the named (supported) attributes; with `spans`, which maps a match to UTF-16 offsets, span scores too."""
    scores = category_scores(assessment, settings)
    result = {}
    for name in names:
        categories = ATTRIBUTES[name]
        summary = max((scores[category] for category in categories if category in scores), default=NO_HIT)
        found: dict[tuple[int, int], float] = {}
        if spans is not None:
            for reason in assessment.hits:
                if reason.category not in categories:
                    continue
                value = _reason_score(reason, scores, settings)
                for match in reason.matches:
                    key = spans(match.start, match.end)
                    found[key] = max(found.get(key, 0.0), value)
        span_scores = tuple(SpanScore(begin, end, round(value, 4)) for (begin, end), value in _outermost(found))
        result[name] = AttributeScore(round(summary, 4), span_scores)
    return result


def suggested_verdict(values: Iterable[float]) -> str:
    """The decision a moderator's suggested scores stand for: reject when any attribute is suggested present."""
    return "reject" if any(value >= SUGGESTED_REJECT for value in values) else "approve"
