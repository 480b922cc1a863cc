"""The shipped profanity and vulgarity rules: swear words however spelt (issue 11, item 1), and their innocent senses."""

from __future__ import annotations

import pytest

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR)


def categories(ruleset: Ruleset, text: str) -> tuple[str, ...]:
    return ruleset.evaluate(text).categories


@pytest.mark.parametrize(
    "text",
    [
        # Masked letters.
        "that was s**t reporting",
        "who the f*ck signed this",
        "what a f***ing mess",
        "what the f***",
        "this is bulls**t",
        "sh*tty roads again",
        # Leetspeak and look-alike letters.
        "sh!t, the bridge is closed",
        "quit whining, b!tch",
        "sh1t news from the front",
        "ѕhit",
        # Hashtags and camel case.
        "#FuckTheCurfew",
        "ThisIsBullshit from start to finish",
        "#BullshitElection",
        # Run-together words.
        "sososhit, this new tax",
        "thisisfuckingridiculous",
        # Misspellings: a letter left out, two letters swapped.
        "fukcing hell",
        "what a bastrd",
        "bullshti",
        # Stretched, spaced and dotted letters.
        "fuuuuuck this",
        "f u c k the checkpoints",
        "F.U.C.K this",
        # Acronyms of swear words.
        "ffs, another power cut",
        "wtf is going on in Kirkuk",
    ],
)
def test_swear_words_are_profanity_however_spelt(ruleset: Ruleset, text: str) -> None:
    assert "profanity" in categories(ruleset, text)


@pytest.mark.parametrize(
    "text",
    [
        # Mild expletives are allowed by policy.
        "What the hell happened at the crossing?",
        "Damn, that was close",
        "The bread was crap but the tea was fine",
        # Ordinary words that a stem, a misspelling or a leetspeak reading could reach.
        "The Shiite and Sunni leaders met in Najaf",
        "The shiitake mushrooms are expensive",
        "He shifted his shirt and sheet in the ship",
        "The duck and the fork fell off the truck",
        "A witch on the pitch",
        "The fuchsia flowers bloomed early",
        "Scunthorpe United won",
        "The assassin was never caught",
        "Dickens wrote about poverty",
        # A female dog.
        "The bitch had six puppies in the barn",
        "Our terrier bitch won best of breed",
        # Donkeys, and the verb "prick".
        "The donkey and the ass are the same animal",
        "Prick up your ears, the results are in",
        # Quoted or reported to condemn it.
        'He told me "fuck off" and I reported him',
        "Anyone telling refugees to go fuck themselves should be ashamed",
        # Swear words named as words, and a wiki shortcut cited.
        "Bollocks is British slang for nonsense, the teacher explained",
        "My grandmother asked me what wtf stands for",
        "The edit was reverted under WP:BOLLOCKS",
    ],
)
def test_ordinary_words_and_other_senses_are_not_profanity(ruleset: Ruleset, text: str) -> None:
    assert ruleset.evaluate(text).decision == "approve", categories(ruleset, text)


@pytest.mark.parametrize(
    "text",
    [
        "nice tits",
        "what a d!ck",
        "what a c0ck",
        "nice b00bs",
        "#GrabThePussy",
        "suck deez nuts",
        "go lick my ass",
        "send nudes",
        "I'd bang her",
        # Worthless in crude terms.
        "the new tax sucks balls",
    ],
)
def test_crude_sexual_language_is_vulgarity(ruleset: Ruleset, text: str) -> None:
    assert "vulgarity" in categories(ruleset, text)


@pytest.mark.parametrize(
    "text",
    [
        "The cock crowed at dawn over the village",
        "We shot two cock pheasants on the hill",
        "Blue tits and great tits come to the feeder",
        "The pussy willow is in flower",
        "The whole plan went tits up",
        "She graduated summa cum laude",
        "It is a cock-and-bull story",
        "Dick Cheney visited Erbil",
        "Breast cancer screening is free at the clinic",
        "You should suck it up and apologise",
        "People who eat nuts live longer",
        # British for a blunder.
        "What a cock-up at the electricity office",
        "Thousands of women marched in pink pussy hats",
    ],
)
def test_other_senses_of_crude_words_are_not_vulgarity(ruleset: Ruleset, text: str) -> None:
    assert ruleset.evaluate(text).decision == "approve", categories(ruleset, text)


def test_offsets_of_a_masked_swear_word_point_into_the_submitted_text(ruleset: Ruleset) -> None:
    text = "Who the f*ck approved THIS?"
    reasons = [reason for reason in ruleset.evaluate(text).reasons if reason.category == "profanity"]
    assert [match.text for reason in reasons for match in reason.matches] == ["f*ck"]
