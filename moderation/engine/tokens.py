"""Split folded text into tokens, each with the spellings it may stand for (leetspeak, stretching)."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import NamedTuple

# Symbols that stand for letters inside a word ("sh!t", "@ss", "a$$", "f*ck") count as word characters.
_TOKEN = re.compile(r"(?:[^\W_]|[@$*!|'])+")
_EDGE = "'!|*@$"
# Leetspeak symbols and the letters they stand for; better-profanity's character map, inverted.
LEET: dict[str, tuple[str, ...]] = {
    "@": ("a", "o"),
    "4": ("a",),
    "1": ("i", "l"),
    "!": ("i",),
    "|": ("i", "l"),
    "0": ("o",),
    "3": ("e",),
    "$": ("s",),
    "5": ("s",),
    "6": ("g", "b"),
    "7": ("t",),
    "+": ("t",),
    "9": ("g",),
    "*": ("a", "e", "i", "o", "u"),
}
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|s|am|pm|k|m|x|p|g|mm|cm|km|kg|lbs?)", re.ASCII)
_STRETCH = re.compile(r"([a-z])\1\1+")
_DOUBLE = re.compile(r"([a-z])\1+")
_MAX_VARIANTS = 8
# Endings of English contractions, which keep their apostrophe ("can't", "you're").
_CONTRACTIONS = ("'t", "'re", "'ve", "'ll", "'d", "'m", "'s")
# The longest word that spaced-out letters are joined into ("f u c k" -> "fuck").
MAX_JOINED_LETTERS = 24
# The longest piece of a word split by one space that is read back as part of it ("id iot", "sh yt").
MAX_FRAGMENT = 3
# One-letter words: they may start or end a run of spaced-out letters ("a f a g g o t"), and stand alone before a space.
ONE_LETTER_WORDS = ("a", "i")


class Token(NamedTuple):
    """A token of the folded text: its span there and the spellings it is looked up under."""

    start: int
    end: int
    forms: tuple[str, ...]


def _leet_variants(word: str) -> list[str]:
    """Spell out leetspeak symbols as letters; several readings when a symbol is ambiguous."""
    choices = [LEET.get(char, (char,)) for char in word]
    variants = []
    for combination in itertools.product(*choices):
        variants.append("".join(combination))
        if len(variants) >= _MAX_VARIANTS:
            break
    return variants


def _stretch_variants(word: str) -> list[str]:
    """Undo deliberate stretching ("fuuuuck"): runs of three or more letters become one or two."""
    if not _STRETCH.search(word):
        return []
    return [_STRETCH.sub(r"\1", word), _STRETCH.sub(r"\1\1", word), _DOUBLE.sub(r"\1", word)]


@lru_cache(maxsize=200_000)
def spellings(raw: str) -> tuple[str, ...]:
    """Return the distinct spellings a raw token may stand for, the plain one first."""
    core = raw.strip("'!|")
    if core.replace("'", "").isalpha():
        forms = [core]
        if core.endswith("'s"):
            forms.append(core[:-2])
        elif "'" in core and not core.endswith(_CONTRACTIONS):
            # An apostrophe inside a word that is no contraction hides it ("fuc'k", "sh'it").
            forms.append(core.replace("'", ""))
    else:
        plain = raw.strip(_EDGE)
        forms = [plain] if plain else []
        has_letter = any(char.isalpha() for char in core)
        if has_letter and not _ORDINAL.fullmatch(core):
            forms.extend(_leet_variants(core))
    extra: list[str] = []
    for form in forms:
        extra.extend(_stretch_variants(form))
    return tuple(dict.fromkeys(form for form in forms + extra if form))


def tokenize(text: str) -> list[Token]:
    """Tokenise folded text into word tokens with their lookup spellings."""
    tokens: list[Token] = []
    append = tokens.append
    make = tuple.__new__  # Token's own constructor is a Python-level call; this is the hot loop of the engine
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        forms = spellings(text[start:end])
        if forms:
            append(make(Token, (start, end, forms)))
    return tokens


def letter_runs(tokens: list[Token], min_letters: int = 3) -> list[list[Token]]:
    """Runs of min_letters or more single-letter tokens at most two characters apart ("f u c k", "f.u.c.k")."""
    runs: list[list[Token]] = []
    run: list[Token] = []
    for token in tokens:
        is_single = token.end - token.start == 1
        if is_single and (not run or token.start - run[-1].end <= 2):
            run.append(token)
            continue
        if len(run) >= min_letters:
            runs.append(run)
        run = [token] if is_single else []
    if len(run) >= min_letters:
        runs.append(run)
    return runs


def joined_forms(letters: list[Token]) -> tuple[str, ...]:
    """The spellings of single-letter tokens read as one word (a few leetspeak readings at most)."""
    return tuple(dict.fromkeys("".join(combo) for combo in itertools.islice(itertools.product(*(t.forms for t in letters)), _MAX_VARIANTS)))


def spaced_out_words(text: str, tokens: list[Token], min_letters: int = 3) -> list[Token]:
    """Join runs of single letters ("f u c k", "f.u.c.k") into tokens, one per sub-run of min_letters to MAX_JOINED_LETTERS."""
    joined: list[Token] = []
    for run in letter_runs(tokens, min_letters):
        for first in range(len(run)):
            # Capped: a run of n letters has n**2 sub-runs, and no word is longer than the cap.
            # Spellings grow one letter at a time: the same readings, in the same order, as joined_forms().
            readings = [""]
            for last in range(first, min(len(run), first + MAX_JOINED_LETTERS)):
                readings = [reading + form for reading in readings for form in run[last].forms][:_MAX_VARIANTS]
                if last - first + 1 >= min_letters:
                    joined.append(Token(run[first].start, run[last].end, tuple(dict.fromkeys(readings))))
    return joined


class SplitWord(NamedTuple):
    """Two adjacent tokens read as one word, and whether a hyphen joined them."""

    joined: Token
    first: Token
    second: Token
    hyphenated: bool

    @property
    def of_fragments(self) -> bool:
        """True when both parts are fragments ("du mb"); with a whole word beside one ("f ucking"), only words named in full count."""
        return max(self.first.end - self.first.start, self.second.end - self.second.start) <= MAX_FRAGMENT


def split_words(text: str, tokens: list[Token], words: frozenset[str]) -> list[SplitWord]:
    """Adjacent tokens that may be one word written apart: joined by a hyphen, or by one space beside a fragment.

    A fragment is a piece of at most MAX_FRAGMENT letters that is not one of `words` ("id iot", "sh yt");
    two words side by side are what they say ("who re-elected", "pen is", "to wikipedia"), as is the
    article "a" before a word ("a hoe").
    """
    # Fragments are rare in ordinary text: find them in one pass, then look only at their neighbours.
    fragments = {index for index, (start, end, forms) in enumerate(tokens) if end - start <= MAX_FRAGMENT and forms[0] not in words}
    pairs: dict[int, bool] = {}  # index of the first token of a pair -> joined by a hyphen
    last = len(tokens) - 1
    for index in fragments:
        for left in (index - 1, index):
            if (
                0 <= left < last
                and text[tokens[left].end : tokens[left + 1].start] == " "
                and tokens[left].forms[0] not in ONE_LETTER_WORDS
            ):
                pairs[left] = False
    if "-" in text:
        for left in range(last):
            if text[tokens[left].end : tokens[left + 1].start] == "-":
                pairs[left] = True
    joined: list[SplitWord] = []
    for first_index in sorted(pairs):
        first, second = tokens[first_index], tokens[first_index + 1]
        forms = tuple(dict.fromkeys(head + tail for head in first.forms for tail in second.forms))[:_MAX_VARIANTS]
        joined.append(SplitWord(Token(first.start, second.end, forms), first, second, pairs[first_index]))
    return joined
