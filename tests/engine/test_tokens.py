"""Tokens and their spellings: leetspeak, stretching, possessives; runs of single letters."""

from __future__ import annotations

import pytest

from moderation.engine.tokens import letter_runs, spellings, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sh!t", "shit"),
        ("@ss", "ass"),
        ("a$$", "ass"),
        ("f*ck", "fuck"),
        ("k1ll", "kill"),
        ("h3ll0", "hello"),
        ("b1tch", "bitch"),
        ("l33t", "leet"),
        ("5h17", "shit"),
        ("sh1t!", "shit"),
        ("fuuuuck", "fuck"),
        ("fuuuck", "fuck"),
        ("gooood", "good"),
        ("john's", "john"),
        ("ni66er", "nigger"),
        ("ni99a", "nigga"),
    ],
)
def test_spellings_include_the_intended_word(raw: str, expected: str) -> None:
    forms = spellings(raw)
    assert expected in forms


@pytest.mark.parametrize(("raw", "plural"), [("ratz", "rats"), ("haterz", "haters")])
def test_a_final_z_is_also_read_as_a_plural_s(raw: str, plural: str) -> None:
    assert plural in spellings(raw)


@pytest.mark.parametrize("raw", ["jazz", "buzz", "fez"])
def test_a_double_z_or_a_short_word_is_no_plural(raw: str) -> None:
    assert spellings(raw)[0] == raw and raw[:-1] + "s" not in spellings(raw)


def test_plain_spelling_comes_first() -> None:
    assert spellings("hello") == ("hello",)
    assert spellings("k1ll")[0] == "k1ll"


@pytest.mark.parametrize("raw", ["73rd", "1st", "100", "2024", "10pm", "5kg", "90s"])
def test_numbers_and_ordinals_are_not_read_as_leetspeak(raw: str) -> None:
    assert spellings(raw) == (raw,)


def test_punctuation_only_has_no_spelling() -> None:
    assert spellings("!!!") == ()


def test_ambiguous_symbols_are_bounded() -> None:
    # "*" stands for any vowel: 5**10 readings, capped at a few dozen spellings.
    assert len(spellings("*" * 2 + "x" + "*" * 8)) <= 40


def test_tokenize_spans_index_the_text() -> None:
    text = "hello, world_foo bar-baz sh!t"
    tokens = tokenize(text)
    assert [text[t.start : t.end] for t in tokens] == ["hello", "world", "foo", "bar", "baz", "sh!t"]
    assert "shit" in tokens[-1].forms


def test_tokenize_keeps_apostrophes_inside_words() -> None:
    tokens = tokenize("you're it's")
    assert [t.forms[0] for t in tokens] == ["you're", "it's"]


def test_underscores_split_words() -> None:
    text = "hello_world __x"
    assert [text[t.start : t.end] for t in tokenize(text)] == ["hello", "world", "x"]


def test_letter_runs_split_on_words_and_gaps() -> None:
    text = "x f u c k you s h i t a b"
    runs = letter_runs(tokenize(text))
    assert [[text[t.start : t.end] for t in run] for run in runs] == [["x", "f", "u", "c", "k"], ["s", "h", "i", "t", "a", "b"]]


def test_short_runs_and_wide_gaps_are_no_letter_runs() -> None:
    assert letter_runs(tokenize("a b")) == []
    assert letter_runs(tokenize("f   u   c   k")) == []  # three spaces: separate letters, not one word


def test_a_lone_equals_sign_is_a_token_read_as_is() -> None:
    assert [token.forms for token in tokenize("marcus = clown")] == [("marcus",), ("=", "is"), ("clown",)]
    assert [token.forms[0] for token in tokenize("see ?id=5 or a==b")] == ["see", "id", "5", "or", "a", "b"]
