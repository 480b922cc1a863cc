"""Fold submitted text into a matching form, keeping a map back to the original offsets."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

# Apostrophe look-alikes fold to "'" so that "you’re" and "you're" are one token.
_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"}
# Arabic-script spellings that writers of Arabic, Persian and Sorani use for one letter fold together, so
# one lexicon entry matches them all: alef wasla as alef (hamza-carrying alefs lose their hamza in NFKD),
# Persian and Arabic yeh and alef maksura as yeh, keheh as kaf, teh marbuta and the heh variants as heh.
# Letters that tell Kurdish words apart (ڕ ڵ ۆ ێ ە ڤ) are kept. Arabic-Indic digits are digits, not the
# letters they resemble ("۵" is no "o"); Arabic punctuation ends sentences and separates like its Latin twin.
# Tatweel (the stretching stroke in "مـــوت") carries no letter and is dropped like a mark.
_ARABIC_SCRIPT = {
    "\u0671": "\u0627",
    "\u0649": "\u064a",
    "\u06cc": "\u064a",
    "\u06d2": "\u064a",
    "\u06a9": "\u0643",
    "\u06aa": "\u0643",
    "\u0629": "\u0647",
    "\u06c0": "\u0647",
    "\u06c1": "\u0647",
    "\u06be": "\u0647",
    "\u0640": "",
    "\u060c": ",",
    "\u061b": ";",
    "\u061f": "?",
    "\u06d4": ".",
    **{chr(0x0660 + digit): str(digit) for digit in range(10)},
    **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
}
# Text encoded as UTF-8 or Windows-1252 and read back as Latin-1 leaves C1 controls (U+0080-U+009F)
# behind, alone ("It\x92s") or with the other bytes of a character ("youâ\x80\x99re", "you\x80\x99re").
_MOJIBAKE = re.compile("[\u00c2-\u00f4]?[\u0080-\u009f][\u0080-\u00bf]{0,2}")
_C1 = re.compile("[\u0080-\u009f]")
_NON_ASCII = re.compile("[^\x00-\x7f]+")
# The lead byte most often lost from a UTF-8 sequence of two continuation bytes: punctuation U+2000-U+2FFF.
_PUNCTUATION_LEAD = b"\xe2"


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
    for part in unicodedata.normalize("NFKD", _ARABIC_SCRIPT.get(char, char)):
        # Presentation forms ("ﮎ") decompose into letters that may have a variant of their own.
        part = _ARABIC_SCRIPT.get(part, part)
        if not part:
            continue
        category = unicodedata.category(part)
        # Combining marks (accents stacked on "fück"), format characters (zero-width joiners, soft
        # hyphens) and C1 controls left by broken encodings are dropped so they cannot split words.
        if category.startswith("M") or category in ("Cf", "Cc"):
            continue
        for lowered in part.casefold():
            out.append(_confusable_letters().get(lowered, lowered))
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def repair_mojibake(run: str) -> str:
    """What a run of mis-decoded bytes meant: the character it encoded, or '' when it cannot be told."""
    try:
        raw = run.encode("latin-1")
    except UnicodeEncodeError:
        return ""
    candidates = [raw] if raw[0] >= 0xC2 else [raw, _PUNCTUATION_LEAD + raw]
    for candidate in candidates:
        try:
            decoded = candidate.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(decoded) == 1:
            return decoded
    if len(raw) == 1:
        try:
            return raw.decode("cp1252")  # "It\x92s": Windows-1252's right single quote
        except UnicodeDecodeError:
            return ""
    return ""


@dataclass(frozen=True, slots=True)
class FoldedText:
    """The folded text with, for each folded character, its start and end in the original."""

    original: str
    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span [start, end) of the folded text to a span of the original text."""
        return self.starts[start], self.ends[end - 1]

    def original_index(self, index: int) -> int:
        """The original position of folded character `index`."""
        return self.starts[index]


def _repairs(text: str) -> dict[int, tuple[int, str]]:
    """Runs of broken encoding by start: their end and the repaired text."""
    found: dict[int, tuple[int, str]] = {}
    for match in _MOJIBAKE.finditer(text):
        found[match.start()] = (match.end(), repair_mojibake(match.group()))
    return found


def fold(text: str) -> FoldedText:
    """Fold text: NFKD, drop marks and format characters, casefold, map look-alikes to ASCII, repair broken encodings."""
    if text.isascii():
        lowered = text.lower().replace("`", "'")
        size = len(text)
        return FoldedText(text, lowered, range(size), range(1, size + 1))
    repairs = _repairs(text) if _C1.search(text) else {}
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    # ASCII stretches are folded whole; only the other characters are looked at one by one.
    for match in _NON_ASCII.finditer(text):
        begin, finish = match.span()
        if begin > done:
            chars.append(text[done:begin].lower().replace("`", "'"))
            starts.extend(range(done, begin))
            ends.extend(range(done + 1, begin + 1))
        index = begin
        while index < finish:
            if index in repairs:
                span_end, repaired = repairs[index]
                folded = "".join(fold_char(piece) if not piece.isascii() else piece.lower() for piece in repaired)
            else:
                folded = fold_char(text[index])
                span_end = index + 1
            if not folded and ends and ends[-1] == index:
                ends[-1] = span_end  # a dropped mark belongs to the letter before it
            for piece in folded:
                chars.append(piece)
                starts.append(index)
                ends.append(span_end)
            index = span_end
        done = max(done, index)
    if done < len(text):
        chars.append(text[done:].lower().replace("`", "'"))
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    return FoldedText(text, "".join(chars), starts, ends)
