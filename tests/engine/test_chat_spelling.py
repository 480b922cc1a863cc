"""Chat spellings from a lexicon's `spellings:` read a token as the word it stands for ("u" as "you", "dont" as "don't")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from moderation.engine import RuleError

Find = Callable[..., list[str]]

CHAT = """
insult: {inflect: noun, words: [moron, idiot]}
negation: [not, "n't"]
chat_spelling:
  spellings: {u: you, r: are, ur: your, dont: "don't", im: "i'm", cant: "can't"}
"""


@pytest.mark.parametrize(
    ("template", "text", "expected"),
    [
        ("you are a {insult}", "u r a moron", ["u r a moron"]),
        ("your mother", "ur mother", ["ur mother"]),
        ("you are a {insult}", "you are a moron", ["you are a moron"]),  # the word itself still matches
        ("do n't belong", "they dont belong here", ["dont belong"]),  # a contraction, cut into its two words
        ("(do|does) not:belong", "they dont belong here", ["dont belong"]),
        ("dont belong", "they dont belong here", ["dont belong"]),  # and still read as written
        ("i am a {insult}", "im a moron", ["im a moron"]),
        ("can not:stand", "i cant stand them", ["cant stand"]),  # "ca" + "n't" is "can" + "not"
    ],
)
def test_chat_spellings_are_read_as_their_words(find: Find, template: str, text: str, expected: list[str]) -> None:
    assert find(template, text, CHAT) == expected


@pytest.mark.parametrize("text", ["the U.S. are a moron factory", "U.N. are a moron", "what U.S.A. are a moron"])
def test_letters_of_an_abbreviation_are_no_chat_spelling(find: Find, text: str) -> None:
    assert find("you are a {insult}", text, CHAT) == []


def test_after_an_ellipsis_a_letter_is_still_chat(find: Find) -> None:
    assert find("you are a {insult}", "lol...u r a moron", CHAT) == ["u r a moron"]


def test_without_the_lexicon_nothing_is_read(find: Find) -> None:
    assert find("you are a {insult}", "u r a moron", "insult: {inflect: noun, words: [moron]}") == []


@pytest.mark.parametrize(
    ("spellings", "message"),
    [
        ('{dont: "do not"}', "read it as one word or a contraction"),
        ("{You: you}", "small letters or digits"),
        ('{dnt: "don\'t"}', "'dnt' cannot be read as \"don't\""),  # the apostrophe must be all that differs
        ("{u: u}", "'u' cannot be read as 'u'"),
    ],
)
def test_bad_chat_spellings_are_reported_with_their_file(errors_of: Callable[..., list[RuleError]], spellings: str, message: str) -> None:
    rule = "category: threat\nrules:\n  - {id: t, message: m, templates: [x], examples: {reject: [x]}}\n"
    errors = errors_of({"t.yml": rule, "lexicons/chat.yml": f"chat_spelling:\n  spellings: {spellings}\n"})
    assert any(message in str(error) and error.file == "lexicons/chat.yml" for error in errors), errors
