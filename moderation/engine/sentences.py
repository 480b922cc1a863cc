"""Sentences and quotations of folded text: where sentences end, each token's sentence, the quoted spans."""

from __future__ import annotations

import bisect
import re

# Sentence ends: ! or ? anywhere, a line break, a semicolon, an ellipsis; a full stop before a space
# or the end, unless it follows a lone letter (an initial: "U.S. troops").
# "!" inside a word is a letter ("k!ll"), not the end of a sentence. The pattern finds the marks (a
# character class scans fast); find_ends keeps those that end a sentence.
_SENTENCE_MARK = re.compile("[?;\n\u2026!.]")
# Titles written with a full stop before a name: "Mr. Barzani", "Dr. Ahmed", "Gen. Soleimani" end no sentence.
_TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "gen", "col", "sgt", "lt", "capt", "sen", "rep", "gov", "pres", "st", "mt", "sr", "jr"}
)
_LONGEST_TITLE = max(len(title) for title in _TITLES)
# Quotations, each kept short: a long stretch between two quote marks is more often badly paired marks.
_QUOTES = re.compile(
    r'"[^"\s](?:[^"\n]{0,148}[^"\s])?"'  # "straight"
    "|\u201c[^\u201d\n]{1,150}\u201d"  # “curly”
    "|\u201e[^\u201c\u201d\n]{1,150}[\u201c\u201d]"  # „low-high“
    "|\u00ab[^\u00bb\n]{1,150}\u00bb"  # «guillemets»
    "|\u00bb[^\u00ab\n]{1,150}\u00ab"  # »reversed«
    r"|''[^'\n]{1,150}''"  # ``TeX-style'' (a backtick folds to ')
    # 'single': the marks hug the quotation, and an apostrophe inside a word ("don't") is no mark.
    r"|(?<![\w'])'(?=[^\s'])(?:[^'\n]|(?<=\w)'(?=\w)){1,150}?(?<=\S)'(?![\w'])"
)


def find_ends(text: str) -> list[int]:
    """Folded-text offsets where a sentence ends."""
    ends = []
    size = len(text)
    for match in _SENTENCE_MARK.finditer(text):
        at = match.start()
        char = text[at]
        if char == ".":
            if at + 1 < size and not text[at + 1].isspace():
                continue  # "3.5", "example.com": a stop before no space ends nothing
            if at >= 2 and text[at - 1].isalpha() and not text[at - 2].isalnum() and text[at - 2] != "'":
                continue  # "U.S." or "J. Smith": an initial
            if _after_title(text, at):
                continue  # "Mr. Barzani": a title
        elif char == "!" and 0 < at < size - 1 and _is_word_char(text[at - 1]) and _is_word_char(text[at + 1]):
            continue  # "k!ll": a letter
        ends.append(at)
    return ends


def _after_title(text: str, at: int) -> bool:
    """True when the full stop at `at` closes a title ("mr", "dr", "gen") that stands as a word of its own."""
    start = at
    while start > 0 and at - start <= _LONGEST_TITLE and text[start - 1].isalpha():
        start -= 1
    return (start == 0 or not text[start - 1].isalnum()) and text[start:at] in _TITLES


def _is_word_char(char: str) -> bool:
    """A word character as patterns read one: a letter, a digit or the underscore."""
    return char.isalnum() or char == "_"


def numbers(ends: list[int], starts: list[int]) -> list[int]:
    """Each token's sentence, numbered by the sentence ends before it."""
    if not ends:
        return [0] * len(starts)
    where = bisect.bisect_left
    return [where(ends, start) for start in starts]


def quotations(text: str) -> list[tuple[int, int]]:
    """Folded-text spans of the quotations (none without a quote mark, the common case, and no pattern run)."""
    marked = '"' in text or "'" in text or "\u201c" in text or "\u00ab" in text or "\u00bb" in text or "\u201e" in text
    return [match.span() for match in _QUOTES.finditer(text)] if marked else []
