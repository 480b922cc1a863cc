"""Fold submitted text into a matching form, keeping a map back to the original offsets."""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass
from importlib import resources

# Apostrophe look-alikes fold to "'" so that "you’re" and "you're" are one token.
_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"}


@functools.cache
def _confusable_letters() -> dict[str, str]:
    """Map every single-character look-alike of an ASCII letter or digit to it (Unicode confusables data)."""
    data_file = resources.files("confusable_homoglyphs") / "confusables.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    mapping: dict[str, str] = {}
    for target in "abcdefghijklmnopqrstuvwxyz0123456789":
        for key in (target, target.upper()):
            for entry in data.get(key, ()):
                glyph = entry["c"]
                if len(glyph) == 1 and not glyph.isascii():
                    mapping.setdefault(glyph, target)
    return mapping


@functools.lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """Return the folded form of one non-ASCII code point ('' when it carries no letter)."""
    if char in _APOSTROPHES:
        return _APOSTROPHES[char]
    out = []
    for part in unicodedata.normalize("NFKD", char):
        category = unicodedata.category(part)
        # Combining marks (accents stacked on "fück") and format characters
        # (zero-width joiners, soft hyphens) are dropped so they cannot split words.
        if category.startswith("M") or category == "Cf":
            continue
        for lowered in part.casefold():
            out.append(_confusable_letters().get(lowered, lowered))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class FoldedText:
    """The folded text with, for each folded character, its start and end in the original."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span [start, end) of the folded text to a span of the original text."""
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> FoldedText:
    """Fold text: NFKD, drop marks and format characters, casefold, map look-alikes to ASCII."""
    if text.isascii():
        lowered = text.lower().replace("`", "'")
        positions = tuple(range(len(text)))
        return FoldedText(text, lowered, positions, tuple(range(1, len(text) + 1)))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        folded = char.lower() if char.isascii() else fold_char(char)
        if not folded:
            if ends and ends[-1] == index:
                ends[-1] = index + 1  # a dropped mark belongs to the letter before it
            continue
        for piece in folded:
            chars.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return FoldedText(text, "".join(chars), tuple(starts), tuple(ends))
