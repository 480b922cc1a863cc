"""The speller: misspellings of rule words, masked letters and run-together words, never of known words."""

from __future__ import annotations

import pytest

from moderation.engine.spelling import Speller, is_typo

SPELLER = Speller(
    ["idiot", "women", "muslims", "shit", "fuck", "slut", "stupid", "hate", "kill", "all", "kurds", "trash", "death", "jism", "sickening"],
    no_typos=["slut"],
    known_words=frozenset({"i", "all", "so", "sick", "form", "from", "jims", "sickening", "the", "kill", "kurds"}),
    common_words=frozenset({"i", "all", "so", "the"}),
    names=["muslims", "kurds"],
)


@pytest.mark.parametrize(
    ("token", "word", "expected"),
    [
        ("idoit", "idiot", True),  # neighbours swapped
        ("wmoen", "women", True),
        ("deaht", "death", True),  # the last two of a five-letter word
        ("dubm", "dumb", True),  # the last two of a four-letter word
        ("gya", "gay", False),  # a three-letter word is too short to read as a typo
        ("fcuk", "fuck", True),
        ("stupd", "stupid", True),  # one letter left out
        ("tupid", "stupid", False),  # never the first letter
        ("stupidd", "stupid", False),  # letters added are not read back
        ("stypid", "stupid", False),  # nor letters changed
        ("hat", "hate", False),  # a letter left out of a four-letter word
    ],
)
def test_typos_are_swaps_and_omissions(token: str, word: str, expected: bool) -> None:
    assert is_typo(token, word) is expected


def test_unknown_words_are_read_as_the_rule_words_they_misspell() -> None:
    assert SPELLER.misspelt("idoit") == ("idiot",)
    assert SPELLER.misspelt("trahs") == ("trash",)


def test_known_words_are_never_misread() -> None:
    assert SPELLER.misspelt("jims") == ()
    assert SPELLER.misspelt("form") == ()


def test_a_lexicon_can_keep_its_words_out_of_misspellings() -> None:
    assert SPELLER.misspelt("sltu") == ()


def test_a_word_written_as_a_name_is_read_only_as_a_name() -> None:
    assert SPELLER.misspelt("muslmis", name=True) == ("muslims",)
    assert SPELLER.misspelt("idoit", name=True) == ()


def test_masked_letters() -> None:
    assert set(SPELLER.unmasked("s**t")) == {"shit", "slut"}
    assert SPELLER.unmasked("f*ck") == ("fuck",)
    assert SPELLER.unmasked("*is*") == ()  # emphasis, not a word
    assert SPELLER.unmasked("f***") == ()  # more masks than letters


def test_run_together_words_split_only_into_known_words_around_a_rule_word() -> None:
    assert SPELLER.segments("killallkurds") == ((0, 4), (4, 7), (7, 12))
    assert SPELLER.segments("sosickening") == ((0, 2), (2, 11))
    assert SPELLER.segments("xqzpwvkrtl") == ()  # nothing the rules name inside
    assert SPELLER.segments("sickening") == ()  # a known word stays whole


def test_camel_case_splits_only_into_known_words() -> None:
    assert SPELLER.split_at("killall", [4]) == ((0, 4), (4, 7))
    assert SPELLER.split_at("mcdonald", [2]) == ()
