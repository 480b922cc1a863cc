"""Rule-derived Perspective scores: the bands, monotonic in the category score, attributes, spans, UTF-16 offsets."""

from __future__ import annotations

import pytest

from moderation.engine import Assessment, Decision, Match, Reason
from moderation.engine.model import Settings
from moderation.integrations.perspective import (
    ATTRIBUTES,
    KNOWN_ATTRIBUTES,
    UNSUPPORTED,
    score_attributes,
    suggested_verdict,
    utf16_offsets,
)

SETTINGS = Settings(thresholds={"promotion": 2.0})


def hit(category: str, score: float = 1.0, mode: str = "enforce", spans: tuple[tuple[int, int], ...] = ((0, 4),)) -> Reason:
    matches = tuple(Match(start, end, "x" * (end - start)) for start, end in spans)
    return Reason(f"{category}/rule-{score}-{mode}", category, None, "a message", mode, score, matches)


def assess(*hits: Reason, settings: Settings = SETTINGS) -> Assessment:
    """An Assessment as the engine makes one: enforcing scores add up, a category at its threshold rejects."""
    scores: dict[str, float] = {}
    for reason in hits:
        if reason.mode == "enforce":
            scores[reason.category] = scores.get(reason.category, 0.0) + reason.score
    rejected = tuple(category for category, score in scores.items() if score >= settings.threshold(category))
    decision = Decision("reject" if rejected else "approve", rejected, hits, "test")
    return Assessment("", hits, scores, decision)


def summary(assessment: Assessment, name: str) -> float:
    return score_attributes(assessment, SETTINGS, [name])[name].summary


def test_every_attribute_is_either_mapped_or_unsupported() -> None:
    assert set(KNOWN_ATTRIBUTES) == set(ATTRIBUTES) | set(UNSUPPORTED)
    assert not set(ATTRIBUTES) & set(UNSUPPORTED)
    assert "promotion" not in ATTRIBUTES["TOXICITY"]


def test_no_hit_scores_below_a_fifth() -> None:
    for name in ATTRIBUTES:
        assert summary(assess(), name) < 0.2


def test_a_rejection_scores_above_coral_threshold() -> None:
    assert summary(assess(hit("personal_attack")), "INSULT") > 0.8
    assert summary(assess(hit("promotion", 1.0), hit("promotion", 1.0)), "SPAM") > 0.8


def test_hits_that_do_not_reject_land_between() -> None:
    below = summary(assess(hit("promotion", 1.0)), "SPAM")  # half of the threshold of 2
    shadow = summary(assess(hit("threat", 1.0, mode="shadow")), "THREAT")
    for value in (below, shadow):
        assert 0.2 < value < 0.8


@pytest.mark.parametrize("category", ["promotion", "threat"])
def test_monotonic_in_the_category_score(category: str) -> None:
    name = "SPAM" if category == "promotion" else "THREAT"
    values = [summary(assess(hit(category, score)), name) for score in (0.1, 0.5, 1.0, 1.5, 1.99, 2.0, 3.0, 10.0, 1000.0)]
    assert values == sorted(values)
    assert all(0.0 <= value <= 1.0 for value in values)


def test_shadow_hits_never_reach_a_rejection_score() -> None:
    loud = assess(*(hit("threat", 10.0, mode="shadow", spans=((index, index + 1),)) for index in range(5)))
    assert summary(loud, "THREAT") < 0.8
    assert loud.decision.decision == "approve"


def test_an_attribute_scores_as_its_highest_category() -> None:
    mixed = assess(hit("promotion", 1.0), hit("threat"))
    assert summary(mixed, "TOXICITY") == summary(mixed, "THREAT") > 0.8
    assert summary(mixed, "SEVERE_TOXICITY") == summary(mixed, "THREAT")
    assert summary(mixed, "IDENTITY_ATTACK") < 0.2
    assert summary(mixed, "TOXICITY") > summary(mixed, "SPAM")  # promotion is no part of toxicity


def test_spans_score_by_their_rule_and_nest_into_the_outermost() -> None:
    assessment = assess(
        hit("personal_attack", spans=((10, 30),)),
        hit("personal_attack", 1.0, spans=((20, 30), (40, 45))),
        hit("personal_attack", 1.0, mode="shadow", spans=((50, 55),)),
    )
    spans = score_attributes(assessment, SETTINGS, ["INSULT"], spans=lambda start, end: (start, end))["INSULT"].spans
    assert [(span.begin, span.end) for span in spans] == [(10, 30), (40, 45), (50, 55)]
    assert spans[0].score == spans[1].score > 0.8
    assert 0.2 < spans[2].score < 0.8  # a shadow rule's span, in a rejected category, still does not score as a rejection


def test_spans_only_when_asked() -> None:
    assert score_attributes(assess(hit("threat")), SETTINGS, ["THREAT"])["THREAT"].spans == ()


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("plain ascii", 5, 5),
        ("café ü", 6, 6),
        ("😀 hi", 1, 2),
        ("😀 hi", 4, 5),
        ("a👋🏽b", 3, 5),
        ("a👋🏽b", 4, 6),
        ("e\u0301 𝕏", 3, 3),
        ("e\u0301 𝕏", 4, 5),
    ],
)
def test_utf16_offsets(text: str, offset: int, expected: int) -> None:
    assert utf16_offsets(text)(offset) == expected == len(text[:offset].encode("utf-16-le")) // 2


def test_suggested_verdict() -> None:
    assert suggested_verdict([0.0]) == "approve"
    assert suggested_verdict([1.0]) == "reject"
    assert suggested_verdict([0.2, 0.5]) == "reject"
    assert suggested_verdict([0.49, 0.1]) == "approve"
