"""Ruleset evaluation: scores and thresholds, min_matches, shadow mode, exceptions, safe words, offsets, versions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from moderation.engine import CATEGORIES, Decision, Ruleset, load_ruleset

Build = Callable[..., Ruleset]

PROMOTION = """
category: promotion
rules:
  - id: link
    message: Link
    score: 0.5
    detectors: [link]
    examples: {reject: ["see shop.com"]}
  - id: money
    message: Money
    score: 0.5
    detectors: [money]
    examples: {reject: ["only $50"]}
"""

SWEARS = """
category: profanity
rules:
  - id: swear
    message: Swearing
    words: ["fuck*", "*shit", "shit*", "cock*", "darn"]
    examples: {reject: ["darn"]}
"""


def assert_offsets(text: str, decision: Decision) -> None:
    for reason in decision.reasons:
        for match in reason.matches:
            assert text[match.start : match.end] == match.text


def test_scores_add_up_to_the_threshold(build: Build) -> None:
    ruleset = build({"promotion.yml": PROMOTION}, check_examples=False)
    one = ruleset.evaluate("see shop.com")
    assert one.decision == "approve" and one.categories == ()
    assert one.reasons == ()  # a category below its threshold gives no enforcing reason
    both = ruleset.evaluate("see shop.com, only $50")
    assert both.decision == "reject" and both.categories == ("promotion",)
    assert {r.rule for r in both.reasons} == {"promotion/link", "promotion/money"}


def test_assess_keeps_hits_and_scores_below_threshold(build: Build) -> None:
    ruleset = build({"promotion.yml": PROMOTION}, check_examples=False)
    assessment = ruleset.assess("see shop.com")
    assert [hit.rule for hit in assessment.hits] == ["promotion/link"]
    assert assessment.scores == {"promotion": 0.5}
    assert assessment.decision.decision == "approve"
    assert assessment.folded == "see shop.com"


def test_threshold_from_settings(build: Build) -> None:
    ruleset = build({"promotion.yml": PROMOTION, "settings.yml": "thresholds: {promotion: 0.5}\n"}, check_examples=False)
    assert ruleset.settings.threshold("promotion") == 0.5
    assert ruleset.settings.threshold("threat") == 1.0
    assert ruleset.evaluate("see shop.com").rejected


def test_high_threshold_needs_more(build: Build) -> None:
    ruleset = build({"profanity.yml": SWEARS, "settings.yml": "thresholds: {profanity: 2}\n"}, check_examples=False)
    assert not ruleset.evaluate("darn").rejected
    # Score is per rule that fired, not per match.
    assert not ruleset.evaluate("darn darn darn").rejected


def test_min_matches(build: Build) -> None:
    ruleset = build(
        {
            "promotion.yml": """
            category: promotion
            rules:
              - id: many-links
                message: Several links
                detectors: [link]
                min_matches: 2
                examples: {reject: ["a.com b.com"], approve: ["a.com"]}
            """
        }
    )
    assert not ruleset.evaluate("visit shop1.com today").rejected
    decision = ruleset.evaluate("visit shop1.com and shop2.net")
    assert decision.rejected
    assert [m.text for m in decision.reasons[0].matches] == ["shop1.com", "shop2.net"]


def test_shadow_mode_never_decides_but_is_reported(build: Build) -> None:
    ruleset = build(
        {
            "threat.yml": """
            category: threat
            rules:
              - id: trial
                message: Trying a new rule
                mode: shadow
                words: [grr]
                examples: {reject: ["grr"]}
            """
        }
    )
    decision = ruleset.evaluate("grr to you")
    assert decision.decision == "approve"
    assert decision.categories == ()
    assert [(r.rule, r.mode) for r in decision.reasons] == [("threat/trial", "shadow")]
    assert decision.to_dict()["reasons"][0]["mode"] == "shadow"
    assert ruleset.assess("grr").scores == {}


def test_shadow_and_enforce_together(build: Build) -> None:
    ruleset = build(
        {
            "threat.yml": """
            category: threat
            rules:
              - {id: trial, message: t, mode: shadow, words: [grr], examples: {reject: [grr]}}
              - {id: real, message: r, words: [argh], examples: {reject: [argh]}}
            """
        }
    )
    decision = ruleset.evaluate("grr argh")
    assert decision.categories == ("threat",)
    assert {(r.rule, r.mode) for r in decision.reasons} == {("threat/trial", "shadow"), ("threat/real", "enforce")}


def test_categories_follow_the_fixed_order(build: Build) -> None:
    ruleset = build(
        {
            "a.yml": "category: threat\nrules:\n  - {id: a, message: m, words: [grr], examples: {reject: [grr]}}\n",
            "b.yml": "category: profanity\nrules:\n  - {id: b, message: m, words: [darn], examples: {reject: [darn]}}\n",
            "c.yml": "category: promotion\nrules:\n  - {id: c, message: m, detectors: [email], examples: {reject: [a@b.com]}}\n",
        }
    )
    decision = ruleset.evaluate("a@b.com grr darn")
    assert decision.categories == ("profanity", "threat", "promotion")
    assert list(decision.categories) == [c for c in CATEGORIES if c in decision.categories]


def test_unless_exception_drops_overlapping_hits(build: Build) -> None:
    ruleset = build(
        {
            "lexicons/v.yml": "violent_verb: [kill, stab]\n",
            "threat.yml": """
            category: threat
            rules:
              - id: kill
                message: Threat
                templates: ["i (will|would) {violent_verb} (you|him|for)"]
                unless: ["{violent_verb} for (a|an|some)"]
                examples:
                  reject: ["i will kill you"]
                  approve: ["I would kill for a coffee"]
            """,
        }
    )
    assert ruleset.evaluate("i would stab him").rejected
    assert not ruleset.evaluate("I would kill for some peace").rejected
    # The exception only covers its own span: another threat elsewhere still counts.
    assert ruleset.evaluate("I would kill for a coffee, and I will kill you").rejected


def test_unless_patterns(build: Build) -> None:
    ruleset = build(
        {
            "p.yml": """
            category: promotion
            rules:
              - id: link
                message: Link
                detectors: [link]
                unless_patterns: ["example\\\\.(com|org)"]
                examples: {reject: ["shop.com"], approve: ["see example.org"]}
            """
        }
    )
    assert ruleset.evaluate("go to shop.com").rejected
    assert not ruleset.evaluate("go to example.com").rejected


def test_safe_words_protect_from_stems_not_whole_words(build: Build) -> None:
    without = build({"profanity.yml": SWEARS}, check_examples=False)
    assert without.evaluate("a cocktail").rejected  # "cock*" reaches it
    safe = build({"profanity.yml": SWEARS, "settings.yml": "safe_words: [cocktail, Scunthorpe]\n"}, check_examples=False)
    assert not safe.evaluate("a cocktail at the bar").rejected
    assert not safe.evaluate("Scunthorpe United won").rejected
    assert safe.evaluate("cocks and bullshit").rejected
    assert safe.evaluate("shitty weather").rejected


def attack_words(words: str, example: str) -> str:
    return f"category: personal_attack\nrules:\n  - {{id: i, message: m, words: [{words}], examples: {{reject: [{example}]}}}}\n"


def test_words_written_in_two_parts_are_found(build: Build) -> None:
    ruleset = build({"attack.yml": attack_words("idiot, dimwit, ahole, 'fck*'", "idiot")})
    for text, matched in (("what an id iot", "id iot"), ("he's a dim-wit", "dim-wit"), ("what an A-HOLE", "A-HOLE"), ("fc k", "fc k")):
        decision = ruleset.evaluate(text)
        assert decision.rejected, text
        assert [m.text for r in decision.reasons for m in r.matches] == [matched]
        assert_offsets(text, decision)


def test_split_words_leave_ordinary_text_alone(build: Build) -> None:
    ruleset = build({"attack.yml": attack_words("whore, 'fck*', ahole", "whore")})
    assert not ruleset.evaluate("the voters who re-elected him").rejected  # two common words side by side
    assert not ruleset.evaluate("FC Katowice won again").rejected  # a stem does not reach into the next whole word
    assert not ruleset.evaluate("A hoe is a garden tool").rejected


def test_whole_words_do_not_match_inside_others(build: Build) -> None:
    ruleset = build({"profanity.yml": SWEARS.replace('"darn"]', '"darn", "cunt"]')}, check_examples=False)
    assert ruleset.evaluate("darn").rejected and ruleset.evaluate("you cunt").rejected
    assert not ruleset.evaluate("darned socks").rejected
    assert not ruleset.evaluate("Scunthorpe").rejected  # "cunt" is a whole word here: no substring matching


def test_allowed_phrases(build: Build) -> None:
    rules = {
        "vulgarity.yml": "category: vulgarity\nrules:\n  - {id: d, message: m, words: [dick], examples: {reject: [dick]}}\n",
        "settings.yml": "allow:\n  - 'dick (cheney|van dyke)'\n  - moby dick\n",
    }
    ruleset = build(rules)
    assert not ruleset.evaluate("Dick Cheney said so").rejected
    assert not ruleset.evaluate("I read Moby Dick").rejected
    assert ruleset.evaluate("what a dick").rejected
    assert ruleset.evaluate("Dick Cheney is a dick").rejected


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("oh FUCK", "FUCK"),
        ("f.u.c.k off", "f.u.c.k"),
        ("go f u c k yourself", "f u c k"),
        ("fuuuuuck", "fuuuuuck"),
        ("f*ck this", "f*ck"),
        ("sh!t happens", "sh!t"),
        ("ｆｕｃｋ", "ｆｕｃｋ"),
        ("fu\u0441k", "fu\u0441k"),  # Cyrillic es
        ("\u0455\u04bb\u0456t", "\u0455\u04bb\u0456t"),  # Cyrillic look-alikes
        ("sh\u03b9t", "sh\u03b9t"),  # Greek iota
        ("f\u00fcck", "f\u00fcck"),
        ("fu\u0308ck!", "fu\u0308ck"),  # combining mark stays with its letter; the "!" after a word is punctuation
        ("fu\u200bck", "fu\u200bck"),
        ("fu\u00adck", "fu\u00adck"),
        ("😀 bull\u200dshit 😀", "bull\u200dshit"),
        ("\ufb01 shit", "shit"),  # a ligature before the match shifts folded offsets
    ],
)
def test_offsets_index_the_submitted_text(build: Build, text: str, matched: str) -> None:
    ruleset = build({"profanity.yml": SWEARS}, check_examples=False)
    decision = ruleset.evaluate(text)
    assert decision.rejected, text
    assert_offsets(text, decision)
    texts = [m.text for r in decision.reasons for m in r.matches]
    assert matched in texts


def test_template_offsets_cover_the_whole_phrase(build: Build) -> None:
    ruleset = build(
        {
            "lexicons/v.yml": "violent_verb: [kill]\n",
            "threat.yml": "category: threat\nrules:\n  - id: t\n    message: m\n    templates: ['i will {violent_verb} you']\n"
            "    examples: {reject: ['i will kill you']}\n",
        }
    )
    text = "Honestly, I  will K1LL you."
    decision = ruleset.evaluate(text)
    assert [m.text for m in decision.reasons[0].matches] == ["I  will K1LL you"]
    assert_offsets(text, decision)


def test_nested_hits_of_one_rule_are_reported_once(build: Build) -> None:
    ruleset = build({"profanity.yml": SWEARS}, check_examples=False)
    decision = ruleset.evaluate("f u c k")
    assert [m.text for m in decision.reasons[0].matches] == ["f u c k"]


def test_evaluate_is_pure_and_decisions_are_immutable(build: Build) -> None:
    ruleset = build({"profanity.yml": SWEARS}, check_examples=False)
    first, second = ruleset.evaluate("darn it"), ruleset.evaluate("darn it")
    assert first == second
    with pytest.raises(FrozenInstanceError):
        first.decision = "approve"  # type: ignore[misc]
    assert first.to_dict() == {
        "decision": "reject",
        "categories": ["profanity"],
        "reasons": [
            {
                "rule": "profanity/swear",
                "category": "profanity",
                "subcategory": None,
                "message": "Swearing",
                "mode": "enforce",
                "matches": [{"start": 0, "end": 4, "text": "darn"}],
            }
        ],
        "ruleset": ruleset.version,
        "policy": "default",
    }


def test_subcategory_is_reported(build: Build) -> None:
    ruleset = build(
        {"abuse.yml": "category: abuse\nsubcategory: racism\nrules:\n  - {id: a, message: m, words: [zorg], examples: {reject: [zorg]}}\n"}
    )
    reason = ruleset.evaluate("zorg").reasons[0]
    assert (reason.category, reason.subcategory) == ("abuse", "racism")


def test_fired_rule_ids_ignore_thresholds(build: Build) -> None:
    ruleset = build({"promotion.yml": PROMOTION}, check_examples=False)
    assert ruleset.fired_rule_ids("see shop.com") == {"promotion/link"}


def test_fires_matches_one_rule_as_the_whole_ruleset_does(build: Build) -> None:
    ruleset = build({"promotion.yml": PROMOTION, "profanity.yml": SWEARS}, check_examples=False)
    for text in ("see shop.com", "only $50 darn", "shitty shop.com", "nothing here"):
        fired = ruleset.fired_rule_ids(text)
        assert {rule.id for number, rule in enumerate(ruleset.rules_by_index) if ruleset.fires(number, text)} == fired


def test_version_changes_when_a_file_changes(write_rules: Callable[..., Path]) -> None:
    directory = write_rules({"profanity.yml": SWEARS})
    first = load_ruleset(directory, check_examples=False).version
    assert load_ruleset(directory, check_examples=False).version == first
    (directory / "profanity.yml").write_text(SWEARS.replace("Swearing", "Swear words"), encoding="utf-8")
    second = load_ruleset(directory, check_examples=False).version
    assert second != first
    (directory / "lexicons").mkdir()
    (directory / "lexicons" / "x.yml").write_text("unused: [a]\n", encoding="utf-8")
    third = load_ruleset(directory, check_examples=False).version
    assert third not in (first, second)
    (directory / "lexicons" / "x.yml").unlink()
    assert load_ruleset(directory, check_examples=False).version == second


def test_version_is_in_every_decision(build: Build) -> None:
    ruleset = build({"profanity.yml": SWEARS}, check_examples=False)
    assert ruleset.evaluate("hello").ruleset == ruleset.version
    assert ruleset.evaluate("darn").ruleset == ruleset.version
    assert len(ruleset.version) >= 8


def test_long_and_hostile_input_is_handled(build: Build) -> None:
    ruleset = build({"profanity.yml": SWEARS, "promotion.yml": PROMOTION}, check_examples=False)
    """Runs of single letters once cost n**2 joined words and n**2 containment checks (minutes for 2,000 letters)."""
    for text in ["a " * 2_000, "f u c k " * 500, "*" * 20_000, "\u0301" * 5_000, "@" * 20_000, "😀" * 5_000, "1" * 20_000, "fuck " * 2_000]:
        decision = ruleset.evaluate(text)
        assert_offsets(text, decision)
    decision = ruleset.evaluate("f u c k " * 500)
    assert decision.rejected
    assert [m.text for m in decision.reasons[0].matches] == ["f u c k"] * 500
