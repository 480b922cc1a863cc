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
        # Wishes whose agent is a thing or a killer; wanting someone dead.
        ("I really hope a truck flattens that columnist", "threats/wish-death"),
        ("hopefully a sniper finds him first", "threats/wish-death"),
        ("I pray the Alawites all drown in the sea", "threats/wish-death"),
        ("I'd love them all dead", "threats/wish-death"),
        ("I hope the minister's villa burns down with him still inside", "threats/wish-death"),
        # Veiled threats: knowing the place, what will happen, accidents.
        ("we know what route your wife drives to work", "threats/know-where-you-live"),
        ("you won't even see it coming, traitor", "threats/know-where-you-live"),
        ("accidents happen to reporters who ask questions", "threats/know-where-you-live"),
        ("shame if anything unfortunate happened to your family", "threats/know-where-you-live"),
        ("carry on running your mouth and watch what happens", "threats/know-where-you-live"),
        ("the police will never find your remains", "threats/know-where-you-live"),
        ("you're going to die slowly", "threats/know-where-you-live"),
        # Conditional and asked as a favour.
        ("if you ever come back here I'm going to end him", "threats/kill-you"),
        ("will somebody just shoot that imam", "threats/call-to-violence"),
        ("who will volunteer to hang the traitors?", "threats/call-to-violence"),
        ("gather up the protesters and burn them", "threats/call-to-violence"),
        # The act named as the way out; a call to begin.
        ("the only way to deal with these settlers is to shoot them all", "threats/call-to-violence"),
        ("it is high time we started hanging the collaborators", "threats/call-to-violence"),
        # Acts whose verb is a choice of words take every form: "tears", "ripping", "puts".
        ("I hope someone tears that columnist apart", "threats/wish-death"),
        ("hopefully somebody puts a bullet in the governor", "threats/wish-death"),
        # A vehicle or a home wished destroyed; being watched; relatives not safe.
        ("I hope your helicopter crashes", "threats/wish-death"),
        ("we are watching you", "threats/know-where-you-live"),
        ("your daughters will not be safe", "threats/know-where-you-live"),
        ("I know which gym your husband goes to", "threats/know-where-you-live"),
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
        # The same frames around ordinary wishes, warnings and surprises.
        "I hope the Peshmerga find the kidnapped women soon.",
        "I want you to know the truth.",
        "You will never see the ending coming in this film.",
        "Accidents happen when roads are not gritted.",
        "You will regret not taking the job.",
        "Could someone please shoot me the link to the report?",
        "We need to end this conflict for good.",
        "Something bad happened to the bus on the way to Duhok.",
        "The only way to deal with the traffic is to build a metro.",
        "It is time we started talking to each other.",
        "We are watching you play on Sunday, good luck!",
        "Your children are safe in this school.",
        "I hope your flight lands on time.",
    ],
)
def test_slogans_reports_and_idioms_are_approved(ruleset: Ruleset, text: str) -> None:
    assert not ruleset.evaluate(text).rejected, text
