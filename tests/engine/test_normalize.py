"""fold(): the matching form of a text and its map back to the submitted text."""

from __future__ import annotations

import pytest

from moderation.engine.normalize import FoldedText, fold, fold_char


def span_text(folded: FoldedText, needle: str) -> str:
    """The submitted text behind the first occurrence of needle in the folded text."""
    start = folded.text.index(needle)
    original_start, original_end = folded.original_span(start, start + len(needle))
    return folded.original[original_start:original_end]


def test_ascii_is_lowercased_with_identity_offsets() -> None:
    folded = fold("Hello World")
    assert folded.text == "hello world"
    assert list(folded.starts) == list(range(11))
    assert list(folded.ends) == list(range(1, 12))
    assert folded.original == "Hello World"


def test_backtick_folds_to_apostrophe() -> None:
    assert fold("don`t").text == "don't"


@pytest.mark.parametrize("apostrophe", ["\u2019", "\u2018", "\u02bc", "\u2032"])
def test_apostrophe_look_alikes(apostrophe: str) -> None:
    assert fold(f"you{apostrophe}re").text == "you're"


@pytest.mark.parametrize(
    ("text", "folded", "needle", "original"),
    [
        ("ｆｕｃｋ off", "fuck off", "fuck", "ｆｕｃｋ"),  # fullwidth
        ("ＦＵＣＫ", "fuck", "fuck", "ＦＵＣＫ"),  # fullwidth capitals
        ("\u0430ss", "ass", "ass", "\u0430ss"),  # Cyrillic a
        ("fu\u0441k", "fuck", "fuck", "fu\u0441k"),  # Cyrillic es
        ("\u0455\u04bb\u0456t", "shit", "shit", "\u0455\u04bb\u0456t"),  # Cyrillic dze, shha, byelorussian i
        ("sh\u03b9t", "shit", "shit", "sh\u03b9t"),  # Greek iota
        ("\u039fk", "ok", "ok", "\u039fk"),  # Greek capital omicron
        ("f\u00fcck", "fuck", "fuck", "f\u00fcck"),  # precomposed u with diaeresis
        ("fu\u0308ck", "fuck", "fuck", "fu\u0308ck"),  # combining diaeresis: belongs to the u
        ("fu\u0301\u0302ck", "fuck", "fuck", "fu\u0301\u0302ck"),  # two combining marks
        ("fu\u200bck", "fuck", "fuck", "fu\u200bck"),  # zero-width space
        ("fu\u200dck", "fuck", "fuck", "fu\u200dck"),  # zero-width joiner
        ("fu\u00adck", "fuck", "fuck", "fu\u00adck"),  # soft hyphen
        ("fu\u2060ck", "fuck", "fuck", "fu\u2060ck"),  # word joiner
        ("\ufb01sh", "fish", "fish", "\ufb01sh"),  # ligature expands to two letters
    ],
)
def test_folding_and_original_offsets(text: str, folded: str, needle: str, original: str) -> None:
    result = fold(text)
    assert result.text == folded
    assert span_text(result, needle) == original


def test_astral_characters_count_as_one_code_point() -> None:
    text = "😀😀 fuck"
    result = fold(text)
    start, end = result.original_span(result.text.index("fuck"), result.text.index("fuck") + 4)
    assert (start, end) == (3, 7)
    assert text[start:end] == "fuck"


def test_leading_format_character_is_outside_the_span() -> None:
    text = "\u200bfuck"
    result = fold(text)
    assert result.text == "fuck"
    assert result.original_span(0, 4) == (1, 5)


def test_ligature_half_maps_to_the_whole_ligature() -> None:
    result = fold("\ufb01sh")
    assert result.original_span(0, 1) == (0, 1)
    assert result.original_span(1, 2) == (0, 1)
    assert result.original_span(2, 4) == (1, 3)


def test_fold_char_drops_marks_and_format_characters() -> None:
    assert fold_char("\u0301") == ""
    assert fold_char("\u200b") == ""
    assert fold_char("\u00ad") == ""
    assert fold_char("\ufeff") == ""


def test_non_latin_words_are_kept() -> None:
    # Letters without an ASCII look-alike stay as they are (only casefolded).
    assert fold("Привет мир").text.startswith("п")
    assert fold("中文").text == "中文"


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii",
        "Ｍｉｘｅｄ ｗｉｄｔｈ and plain",
        "a\u0301b\u0302c\u0303 d\u200be\u00adf",
        "\ufb01\ufb02 ligatures \u2163",
        "émoji 😀 and ß and İstanbul",
        "\u0430\u0435\u043e\u0440\u0441 Cyrillic",
    ],
)
def test_offset_map_is_consistent(text: str) -> None:
    result = fold(text)
    assert len(result.starts) == len(result.ends) == len(result.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(result.starts, result.ends, strict=True))
    assert list(result.starts) == sorted(result.starts)
    for index in range(len(result.text)):
        start, end = result.original_span(index, index + 1)
        assert text[start:end]  # every folded character comes from some submitted text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It\x92s fine", "it's fine"),  # Windows-1252's quote read as Latin-1
        ("you\u00e2\x80\x99re", "you're"),  # UTF-8 read as Latin-1
        ("you\x80\x99re", "you're"),  # ... with its lead byte lost
        ("\x93quoted\x94", "\u201cquoted\u201d"),
        ("odd\x81byte", "oddbyte"),  # no character at all: dropped
    ],
)
def test_broken_encodings_are_repaired_for_matching(text: str, expected: str) -> None:
    assert fold(text).text == expected


def test_repaired_text_keeps_offsets_into_the_submitted_text() -> None:
    text = "you\x80\x99re an idiot"
    folded = fold(text)
    assert span_text(folded, "idiot") == "idiot"
    assert span_text(folded, "you're") == "you\x80\x99re"
