"""The template language: words, lexicon slots, alternatives, optional parts, gaps, stems, inflection."""

from __future__ import annotations

import pytest

from moderation.engine.normalize import fold
from moderation.engine.templates import (
    MAX_EXPANSIONS,
    Phrase,
    TemplateError,
    compile_template,
    expand_phrase,
    inflect,
    split_parts,
)
from moderation.engine.tokens import tokenize

LEXICONS: dict[str, tuple[Phrase, ...]] = {
    "second_person": (("you",), ("u",), ("you", "guys")),
    "be": (("are",), ("is",), ("'re",)),
    "intensifier": (("complete",), ("total",)),
    "insult": (("moron",), ("idiot",), ("clown",)),
    "violent_verb": (("kill",), ("stab",), ("beat", "up")),
}


def find(template: str, text: str, safe_words: frozenset[str] = frozenset()) -> str | None:
    """The folded text of the first (longest) match of the template in text, or None."""
    compiled = compile_template(template, LEXICONS)
    folded = fold(text).text
    tokens = tokenize(folded)
    for position in range(len(tokens)):
        end = compiled.match(tokens, position, safe_words)
        if end > 0:
            return folded[tokens[position].start : tokens[end - 1].end]
    return None


def test_split_parts_respects_parentheses() -> None:
    assert split_parts("a (b c|d) e?") == ["a", "(b c|d)", "e?"]
    assert split_parts("  spaced   out  ") == ["spaced", "out"]


@pytest.mark.parametrize("text", ["a (b", "a b)", "(a))", "((a)"])
def test_unbalanced_parentheses(text: str) -> None:
    with pytest.raises(TemplateError):
        split_parts(text)


def test_expand_slots_alternatives_and_optional() -> None:
    lexicons = {"a": (("you",), ("they",)), "b": (("dumb",),)}
    assert set(expand_phrase("{a} (are|is) {b}?", lexicons)) == {
        ("you", "are", "dumb"),
        ("you", "are"),
        ("you", "is", "dumb"),
        ("you", "is"),
        ("they", "are", "dumb"),
        ("they", "are"),
        ("they", "is", "dumb"),
        ("they", "is"),
    }


def test_empty_alternative_makes_a_part_optional() -> None:
    assert expand_phrase("(very|) bad", {}) == [("very", "bad"), ("bad",)]


def test_multi_word_alternatives() -> None:
    assert expand_phrase("(very|really truly) bad", {}) == [("very", "bad"), ("really", "truly", "bad")]


def test_prefix_and_suffix_around_a_group() -> None:
    assert set(expand_phrase("kill(s|ed|)", {})) == {("kills",), ("killed",), ("kill",)}


def test_words_are_folded() -> None:
    assert expand_phrase("Ｆück", {}) == [("fuck",)]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{nope} here", "unknown lexicon"),
        ("{Bad}", "bad lexicon reference"),
        ("{a", "bad lexicon reference"),
        ("", "empty"),
    ],
)
def test_expansion_errors(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        expand_phrase(template, LEXICONS)


def test_too_many_expansions_are_refused() -> None:
    big = {"w": tuple((f"w{i}",) for i in range(1000))}
    with pytest.raises(TemplateError, match=str(MAX_EXPANSIONS)):
        expand_phrase("{w} {w} {w}", big)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you are a complete moron", None),  # "a" is not in the template
        ("you are complete moron", "you are complete moron"),
        ("you are moron", "you are moron"),
        ("u r an idiot", None),
        ("you guys are total clowns", None),  # no plural in the lexicon
        ("you guys are total clown!", "you guys are total clown!"),  # "!" may be a leet i, so it stays in the token
        ("You’re an idiot", None),
        ("honestly YOU ARE IDIOT.", "you are idiot"),
        ("the report is a moron", None),
    ],
)
def test_slots_and_optional(text: str, expected: str | None) -> None:
    assert find("{second_person} {be} {intensifier}? {insult}", text) == expected


def test_contraction_slot() -> None:
    with pytest.raises(TemplateError):
        compile_template("{second_person}{be} {insult}", LEXICONS)  # slots are whole tokens
    assert find("you're {insult}", "You’re idiot") == "you're idiot"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i will kill you", "i will kill you"),
        ("i will find you and kill you", "i will find you and kill you"),
        ("i will go to the shop and later kill you", None),  # more than the gap allows
        ("i will beat up you", "i will beat up you"),  # multi-word lexicon entry
    ],
)
def test_gaps(text: str, expected: str | None) -> None:
    assert find("i will *4 {violent_verb} you", text) == expected


def test_gap_of_default_size() -> None:
    assert find("kill * you", "kill all of you") == "kill all of you"
    assert find("kill * you", "kill them all of you") == "kill them all of you"  # three tokens
    assert find("kill * you", "kill them and all of you") is None


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("*2 you", "cannot start or end with a gap"),
        ("you *2", "cannot start or end with a gap"),
        ("you *11 me", "between 1 and 10"),
        ("you *0 me", "between 1 and 10"),
        ("you? me?", "not optional"),
        ("you? *2 me", "gap cannot follow optional"),
        ("", "empty template"),
    ],
)
def test_template_errors(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        compile_template(template, LEXICONS)


def test_optional_start_is_an_anchor() -> None:
    template = compile_template("(please|) subscribe", LEXICONS)
    assert set(template.anchors()) == {"please", "subscribe"}
    assert find("(please|) subscribe", "subscribe now") == "subscribe"
    assert find("(please|) subscribe", "please subscribe") == "please subscribe"


def test_stems_and_endings() -> None:
    assert find("kill*", "serial killers") == "killers"
    assert find("*fucker", "you motherfucker") == "motherfucker"
    assert find("kill*", "skill") is None
    assert find("kill*", "killjoy", safe_words=frozenset({"killjoy"})) is None
    assert find("kill", "killjoy") is None  # a whole word never matches inside another


def test_leetspeak_and_stretching_reach_templates() -> None:
    assert find("{second_person} {be} {insult}", "y0u 4re 1d10t") == "y0u 4re 1d10t"
    assert find("{insult}", "iiiidiot") == "iiiidiot"


def test_longest_match_wins() -> None:
    template = compile_template("you (are|are a) {insult}?", LEXICONS)
    tokens = tokenize("you are a moron")
    assert template.match(tokens, 0, frozenset()) == 4


@pytest.mark.parametrize(
    ("word", "kind", "expected"),
    [
        ("kill", "verb", {"kill", "kills", "killed", "killing"}),
        ("stab", "verb", {"stabs", "stabbed", "stabbing"}),
        ("hate", "verb", {"hates", "hated", "hating"}),
        ("shoot", "verb", {"shoots", "shooting", "shot"}),
        ("bury", "verb", {"buries", "buried"}),
        ("moron", "noun", {"moron", "morons"}),
        ("bully", "noun", {"bullies"}),
        ("bitch", "noun", {"bitches"}),
        ("box", "noun", {"boxes"}),
    ],
)
def test_inflection(word: str, kind: str, expected: set[str]) -> None:
    forms = inflect(word, kind)
    assert forms[0] == word
    assert expected <= set(forms)


def test_nouns_get_no_verb_forms() -> None:
    assert inflect("moron", "noun") == ["moron", "morons"]


@pytest.mark.parametrize("word", ["beat up", "kill*", "*shit"])
def test_phrases_and_stems_are_not_inflected(word: str) -> None:
    assert inflect(word, "verb") == [word]
