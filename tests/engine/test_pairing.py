"""`paired_within`: a signal that counts only beside another signal of its category, a few tokens away."""

from __future__ import annotations

from collections.abc import Callable

from moderation.engine import RuleError, Ruleset

Build = Callable[..., Ruleset]

PITCH = """
category: promotion
rules:
  - id: pitch
    message: Sales pitch
    score: 0.5
    paired_within: 5
    phrases: ["free delivery"]
    examples: {reject: ["free delivery, order at shop.biz"], approve: ["free delivery"]}
  - id: link
    message: Link
    score: 0.5
    detectors: [link]
    examples: {reject: ["see shop.biz"]}
  - id: call
    message: Call to action
    score: 0.5
    mode: shadow
    phrases: ["order now"]
    examples: {reject: ["order now"]}
"""

FILLER = " ".join(["the council met again on Tuesday and the mayor spoke"] * 3)


def test_a_paired_signal_counts_beside_another(build: Build) -> None:
    ruleset = build({"promotion.yml": PITCH})
    decision = ruleset.evaluate("free delivery to every town, see shop.biz")
    assert decision.rejected
    assert {reason.rule for reason in decision.reasons} == {"promotion/pitch", "promotion/link"}


def test_a_paired_signal_far_from_any_other_does_not_count(build: Build) -> None:
    ruleset = build({"promotion.yml": PITCH})
    text = f"free delivery was promised. {FILLER}. the minutes are at shop.biz"
    assessment = ruleset.assess(text)
    assert [hit.rule for hit in assessment.hits] == ["promotion/link"]
    assert not assessment.decision.rejected


def test_only_the_hits_near_a_partner_are_kept(build: Build) -> None:
    ruleset = build({"promotion.yml": PITCH})
    text = f"free delivery, they said. {FILLER}. free delivery at shop.biz"
    (pitch,) = [hit for hit in ruleset.assess(text).hits if hit.rule == "promotion/pitch"]
    assert len(pitch.matches) == 1
    assert text[pitch.matches[0].start :].startswith("free delivery at")


def test_a_shadow_rule_or_another_category_is_no_partner(build: Build) -> None:
    swearing = """
    category: profanity
    rules:
      - id: swear
        message: Swearing
        words: [darn]
        examples: {reject: ["darn"]}
    """
    ruleset = build({"promotion.yml": PITCH, "profanity.yml": swearing})
    hits = {hit.rule for hit in ruleset.assess("free delivery, order now, darn").hits}
    assert "promotion/pitch" not in hits
    assert {"promotion/call", "profanity/swear"} <= hits


def test_paired_within_is_validated(errors_of: Callable[..., list[RuleError]]) -> None:
    broken = PITCH.replace("paired_within: 5", "paired_within: 500")
    errors = errors_of({"promotion.yml": broken})
    assert any("paired_within" in error.message for error in errors)
