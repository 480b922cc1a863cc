"""Folding and tokenising of Arabic-script text (Arabic, Persian, Sorani) and of Turkish."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from moderation.engine import Ruleset
from moderation.engine.normalize import fold
from moderation.engine.tokens import spellings, tokenize


def words(text: str) -> list[str]:
    """The folded tokens of a text."""
    folded = fold(text).text
    return [folded[token.start : token.end] for token in tokenize(folded)]


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("\u0623\u0645\u0644", "\u0627\u0645\u0644"),  # alef with hamza above
        ("\u0625\u0645\u0644", "\u0627\u0645\u0644"),  # alef with hamza below
        ("\u0622\u0645\u0644", "\u0627\u0645\u0644"),  # alef with madda
        ("\u0671\u0644\u0644\u0647", "\u0627\u0644\u0644\u0647"),  # alef wasla
        ("\u0645\u0648\u0633\u0649", "\u0645\u0648\u0633\u064a"),  # alef maksura
        ("\u0639\u0644\u06cc", "\u0639\u0644\u064a"),  # Persian yeh
        ("\u06a9\u062a\u0627\u0628", "\u0643\u062a\u0627\u0628"),  # Persian keheh
        ("\u0645\u062f\u0631\u0633\u0629", "\u0645\u062f\u0631\u0633\u0647"),  # teh marbuta
        ("\u0645\u0640\u0640\u0640\u0648\u062a", "\u0645\u0648\u062a"),  # tatweel
        ("\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f", "\u0645\u062d\u0645\u062f"),  # harakat
        ("\ufb8e", "\u0643"),  # presentation form of keheh
    ],
)
def test_arabic_letter_variants_fold_together(variant: str, plain: str) -> None:
    assert fold(variant).text == fold(plain).text


@pytest.mark.parametrize("letter", ["\u0695", "\u06b5", "\u06c6", "\u06ce", "\u06d5", "\u06a4"])
def test_kurdish_letters_stay_distinct(letter: str) -> None:
    # ڕ ڵ ۆ ێ ە ڤ tell Sorani words apart: none folds into the plain letter beside it.
    assert fold(letter).text == letter


def test_kurdish_ae_is_not_heh() -> None:
    assert fold("\u06d5").text != fold("\u0647").text


@pytest.mark.parametrize(("digits", "ascii"), [("\u0661\u0662\u0663", "123"), ("\u06f4\u06f5\u06f6", "456")])
def test_arabic_indic_digits_are_digits(digits: str, ascii: str) -> None:
    # "۵" looks like an "o" in the confusables data, but it is a five.
    assert fold(digits).text == ascii


def test_zero_width_non_joiner_does_not_split_a_persian_word() -> None:
    text = "\u0645\u06cc\u200c\u06a9\u0634\u0645"  # the prefix "mi" and its verb, written with ZWNJ
    assert len(words(text)) == 1


def test_offsets_stay_in_the_submitted_arabic_text() -> None:
    text = "\u0647\u0648 \u0645\u0640\u0640\u0648\u062a\u064c \u0647\u0646\u0627"
    folded = fold(text)
    start = folded.text.index("\u0645\u0648\u062a")
    begin, end = folded.original_span(start, start + 3)
    assert text[begin:end] == "\u0645\u0640\u0640\u0648\u062a\u064c"


@pytest.mark.parametrize(("mark", "plain"), [("\u061f", "?"), ("\u060c", ","), ("\u061b", ";")])
def test_arabic_punctuation_reads_as_its_latin_twin(mark: str, plain: str) -> None:
    assert fold(f"\u0644\u0627{mark}").text == f"\u0644\u0627{plain}"


@pytest.mark.parametrize(("turkish", "plain"), [("\u0130stanbul", "istanbul"), ("\u0131s\u0131k", "isik"), ("I\u015eIK", "isik")])
def test_turkish_dotted_and_dotless_i_fold_to_i(turkish: str, plain: str) -> None:
    assert fold(turkish).text == plain


def test_turkish_capital_dotted_i_keeps_one_character_per_letter() -> None:
    folded = fold("\u0130T")
    assert folded.text == "it"
    assert folded.original_span(0, 2) == (0, 2)


RULES = {
    "words.yml": """
        category: profanity
        rules:
          - id: arabic-word
            message: test
            words: ["\u0643\u0644\u0628", "\u0645\u0648\u062a", "\u0130zmir"]
            examples:
              reject: ["\u06a9\u0644\u0628"]
    """,
}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("\u0647\u0630\u0627 \u06a9\u0644\u0628", "\u06a9\u0644\u0628"),  # Persian keheh in the comment
        ("\u0645\u0640\u0640\u0648\u062a \u0644\u0647\u0645", "\u0645\u0640\u0640\u0648\u062a"),  # stretched
        ("IZMIR", "IZMIR"),
        ("izmir", "izmir"),
    ],
)
def test_rule_words_match_every_spelling(build: Callable[..., Ruleset], text: str, found: str) -> None:
    decision = build(RULES).evaluate(text)
    assert decision.decision == "reject"
    match = decision.reasons[0].matches[0]
    assert text[match.start : match.end] == found


@pytest.mark.parametrize("conjunction", ["\u0648", "\u0641"])
def test_a_joined_arabic_conjunction_is_also_read_without_it(build: Callable[..., Ruleset], conjunction: str) -> None:
    text = f"{conjunction}\u0645\u0648\u062a"
    assert build(RULES).evaluate(text).decision == "reject"


def test_a_short_word_starting_with_waw_is_not_cut() -> None:
    # "وجه" (a face) is a word of its own, not "and" + "جه".
    assert spellings("\u0648\u062c\u0647") == ("\u0648\u062c\u0647",)
