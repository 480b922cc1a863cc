"""The shipped threat rules: frames of violence against anyone, and reports, idioms and slogans that are not."""

from __future__ import annotations

import pytest

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR)


def threat_rules(ruleset: Ruleset, text: str) -> set[str]:
    """Ids of the threat rules that fire on TEXT."""
    return {reason.rule for reason in ruleset.evaluate(text).reasons if reason.category == "threat"}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # The victims gathered first, then the act.
        ("gather the monks together and burn them", "threats/call-to-violence"),
        ("drag the councillors out and hang them", "threats/call-to-violence"),
        # A bomb left for someone.
        ("somebody ought to put a bomb outside the editor's house", "threats/call-to-violence"),
        ("let's go hunt the protesters", "threats/call-to-violence"),
        # Wishes with God as the agent.
        ("may God slaughter every one of them", "threats/wish-death"),
        # A fate announced to the reader.
        ("you are all going to be beheaded", "threats/deserve-harm"),
        # Consequences stated as facts.
        ("print another lie and you're dead", "threats/know-where-you-live"),
        ("if I ever meet you, you are dead meat", "threats/know-where-you-live"),
        ("one more post and we will come for you", "threats/know-where-you-live"),
        ("I'll make him regret ever being born", "threats/know-where-you-live"),
        # A named atrocity wished again; finishing what one started.
        ("Anfal should be repeated", "threats/death-to"),
        ("bring back the Armenian genocide for them", "threats/death-to"),
        # Finding someone first, then the act; burning them inside.
        ("we will track down the blogger and hang him", "threats/kill-you"),
        ("I'm going to burn the house down with them inside", "threats/kill-you"),
        ("the Kurds of Afrin should be slaughtered", "threats/deserve-harm"),
        ("somebody should drive over to his office and shoot him", "threats/call-to-violence"),
        ("you and your whole family will burn alive", "threats/know-where-you-live"),
    ],
)
def test_threats_are_rejected_by_their_frame(ruleset: Ruleset, text: str, rule: str) -> None:
    assert rule in threat_rules(ruleset, text), text


@pytest.mark.parametrize(
    "text",
    [
        # Slogans against a system or an idea threaten no one.
        "Death to fascism!",
        "Death to the occupation, freedom for Afrin",
        # Beaten where no one can be hurt.
        "we will kill them in the referendum",
        # Reports and ordinary uses of the same words.
        "Investigators said the bomb was placed under the minister's car.",
        "Round up your friends and shoot some hoops this weekend.",
        "If you miss the last bus you are dead tired the next day.",
        "We'll come for you at nine to go to the airport.",
        "Halabja should never be repeated.",
        "They should hang the new flag in the hall.",
        "Another Anfal is what every Kurdish family still fears.",
        "Traitors should be shot, the general said in his memoirs.",
    ],
)
def test_slogans_reports_and_idioms_are_approved(ruleset: Ruleset, text: str) -> None:
    assert not ruleset.evaluate(text).rejected, text
