"""The template language's parser: parts, groups, options, gaps, operators, and literal spelling-out."""

from __future__ import annotations

import pytest

from moderation.engine.normalize import fold
from moderation.engine.syntax import (
    Alt,
    Anchor,
    Gap,
    Negated,
    Opt,
    Ref,
    Repeat,
    Seq,
    TemplateError,
    Word,
    can_be_empty,
    expand_literal,
    expand_phrase,
    parse_part,
    parse_sequence,
    parse_template,
    plain_phrase,
    split_parts,
)


def test_split_parts_respects_parentheses() -> None:
    assert split_parts("a (b c|d) e?") == ["a", "(b c|d)", "e?"]
    assert split_parts("  spaced   out  ") == ["spaced", "out"]


def test_split_parts_keeps_the_spacing_inside_a_group_and_nested_groups_whole() -> None:
    assert split_parts("x (a\t b|(c  d)|e)f  y") == ["x", "(a\t b|(c  d)|e)f", "y"]
    assert split_parts("(a)(b c) d") == ["(a)(b c)", "d"]
    assert parse_part("((a|b) c|d)") == Alt((Seq((Alt((Seq((Word("a"),)), Seq((Word("b"),)))), Word("c"))), Seq((Word("d"),))))
    ac_ad, bc_bd = (Alt((Seq((Word(head + "c"),)), Seq((Word(head + "d"),)))) for head in "ab")
    assert parse_part("(a|b)(c|d)") == Alt((Seq((ac_ad,)), Seq((bc_bd,))))


@pytest.mark.parametrize(
    "entry", ["son of a bitch", "  Idiot ", "Fück you", "k1ll", "(kill|hurt) you", "stupid*", "{insult}", "", "don't", "a\tb"]
)
def test_plain_phrase_spells_a_plain_entry_as_the_parser_does(entry: str) -> None:
    node = parse_sequence(entry)
    only_words = bool(node.parts) and all(part.isalpha() for part in entry.split())
    assert plain_phrase(entry) == (expand_literal(node, 10)[0] if only_words else None)


@pytest.mark.parametrize("text", ["a (b", "a b)", "(a))", "((a)", "a)(b", "(a|b))c"])
def test_unbalanced_parentheses(text: str) -> None:
    with pytest.raises(TemplateError):
        split_parts(text)


def test_parts_parse_into_nodes() -> None:
    assert parse_part("kill*") == Word("kill*")
    assert parse_part("{insult}") == Ref("insult")
    assert parse_part("{insult}?") == Opt(Ref("insult"))
    assert parse_part("*4") == Gap(4)
    assert parse_part("*") == Gap(3)
    assert parse_part("{group}+") == Repeat(Ref("group"))
    assert parse_part("not:{good}") == Negated(Ref("good"))
    assert parse_part("^") == Anchor("^")
    assert parse_part("(a|b c|)") == Alt((Seq((Word("a"),)), Seq((Word("b"), Word("c"))), Seq(())))


def test_words_are_folded_and_affixes_spell_one_word_several_ways() -> None:
    assert parse_part("K1ll") == Word("k1ll")
    assert parse_part("Fück") == Word("fuck")
    assert expand_phrase("(kill|shoot)ing") == [("killing",), ("shooting",)]
    assert expand_phrase("(a|the) (big|small)? dog") == [
        ("a", "big", "dog"),
        ("a", "small", "dog"),
        ("a", "dog"),
        ("the", "big", "dog"),
        ("the", "small", "dog"),
        ("the", "dog"),
    ]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{a", "bad lexicon reference"),
        ("*11 x", "between 1 and 10"),
        ("* a", "cannot start or end with a gap"),
        ("a?", "at least one part"),
        ("a ^ b", "can only begin"),
        ("a $ b", "can only end"),
        ("x({a}|b)", "cannot be glued"),
        ("", "empty template"),
    ],
)
def test_template_errors(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template(template)


def test_spelling_out_is_bounded() -> None:
    node = parse_sequence(" ".join(["(a|b|c|d|e|f|g|h|i|j)"] * 5))  # 100,000 phrases
    with pytest.raises(TemplateError, match="more than 1000"):
        expand_literal(node, 1000)


def test_empty_alternatives_and_optional_parts_can_be_empty() -> None:
    assert can_be_empty(parse_part("(a|)"))
    assert can_be_empty(parse_part("a?"))
    assert not can_be_empty(parse_part("(a|b)"))
    assert not can_be_empty(parse_part("not:a"))


@pytest.mark.parametrize("word", ["KILL", "Idiot", "Straße", "ΑΘΗΝΑ", "Fück"])
def test_a_plain_word_parses_as_its_folded_form(word: str) -> None:
    assert parse_part(word) == Word(fold(word).text)
    assert split_parts(f" {word}\tand  {word} ") == [word, "and", word]
