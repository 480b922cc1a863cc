"""Tokens and their spellings: leetspeak, stretching, possessives, spaced-out letters."""

from __future__ import annotations

import pytest

from moderation.engine.tokens import MAX_JOINED_LETTERS, Token, letter_runs, spaced_out_words, spellings, split_words, tokenize


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


def spaced(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(text[t.start : t.end], t.forms) for t in spaced_out_words(text, tokenize(text))]


@pytest.mark.parametrize("text", ["f u c k you", "f.u.c.k you", "f-u-c-k you", "f. u. c. k you"])
def test_spaced_out_letters_are_joined(text: str) -> None:
    joined = spaced(text)
    word = next(original for original, forms in joined if "fuck" in forms)
    assert word.replace(" ", "").replace(".", "").replace("-", "").replace("_", "") == "fuck"
    assert text.startswith(word)


def test_spaced_out_capitals_and_look_alikes_after_folding() -> None:
    from moderation.engine import fold

    text = fold("S H \u0406 T happens").text
    assert any("shit" in forms for _, forms in spaced(text))


def test_every_sub_run_of_three_or_more_is_offered() -> None:
    forms = {forms[0] for _, forms in spaced("x f u c k")}
    assert {"xfuck", "fuck", "xfu", "uck"} <= forms


def test_short_runs_and_wide_gaps_are_not_joined() -> None:
    assert spaced("a b") == []
    assert spaced("f   u   c   k") == []  # three spaces: separate letters, not one word
    assert spaced("to be or not") == []


def test_joined_token_type() -> None:
    tokens = spaced_out_words("f u c k", tokenize("f u c k"))
    assert all(isinstance(t, Token) for t in tokens)
    longest = max(tokens, key=lambda t: t.end - t.start)
    assert (longest.start, longest.end) == (0, 7)


def test_long_runs_are_joined_in_bounded_windows() -> None:
    text = "a " * 200
    tokens = tokenize(text)
    assert [len(run) for run in letter_runs(tokens)] == [200]
    joined = spaced_out_words(text, tokens)
    assert max(len(t.forms[0]) for t in joined) == MAX_JOINED_LETTERS
    assert len(joined) < 200 * MAX_JOINED_LETTERS


def test_letter_runs_split_on_words_and_gaps() -> None:
    text = "x f u c k you s h i t a b"
    runs = letter_runs(tokenize(text))
    assert [[text[t.start : t.end] for t in run] for run in runs] == [["x", "f", "u", "c", "k"], ["s", "h", "i", "t", "a", "b"]]


COMMON = frozenset({"people", "should", "vote", "who", "re", "is", "pen"})


def splits(text: str) -> list[tuple[str, str, bool]]:
    return [(text[s.joined.start : s.joined.end], s.joined.forms[0], s.hyphenated) for s in split_words(text, tokenize(text), COMMON)]


def test_a_word_split_by_one_space_around_a_fragment_is_offered_joined() -> None:
    assert ("id iot", "idiot", False) in splits("you id iot")
    assert ("du mb", "dumb", False) in splits("so du mb")


def test_hyphenated_words_are_offered_joined_whatever_their_length() -> None:
    assert splits("a dim-wit") == [("dim-wit", "dimwit", True)]
    assert ("a-hole", "ahole", True) in splits("an a-hole")


def test_long_words_wide_gaps_and_lone_articles_are_not_joined() -> None:
    assert splits("people should vote") == []  # no piece is a fragment
    assert splits("id  iot") == []  # two spaces
    assert splits("id. iot") == []  # a sentence break
    assert splits("a hoe") == []  # the article "a" before a word
    assert splits("who re") == []  # two words the word list knows
    assert splits("pen is") == []


def test_joined_spellings_combine_each_part_and_stay_bounded() -> None:
    (split,) = split_words("5h 1t", tokenize("5h 1t"), COMMON)
    assert "shit" in split.joined.forms
    assert len(split.joined.forms) <= 8
