"""Split folded text into tokens, each with the spellings it may stand for (leetspeak, stretching), and find words written apart."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection
from typing import NamedTuple

# Symbols that stand for letters inside a word ("sh!t", "@ss", "a$$", "f*ck") count as word characters.
# Word characters and the symbols that mask or stand for letters ("sh!t", "@ss", "f*ck", "f#ck", "f%ck");
# "_" splits words too: handled in scan(), as it is rare.
# An emoji is a token of its own: "you are 💩" names the reader something.
# A lone "=" between spaces is a copula ("Marcus = clown"): a token read as "is" (never inside a link's "?a=b").
_TOKEN = re.compile(r"[\w@$*!|'#%]+|[\U0001f300-\U0001faff\u2600-\u27bf]|(?<!\S)=(?!\S)")
COPULA = ("=", "is")
_SPELLINGS: dict[str, tuple[str, ...]] = {}
_SPELLINGS_LIMIT = 200_000
_EDGE = "'!|*@$#%"
_TRAILING = "!|'#%"
_LEADING = "#%"  # a hashtag's "#" is no letter: "#DeathToArabs" is read from the "D"
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
# Shortest token whose final "z" is also read as a plural "s".
_MIN_Z_PLURAL = 4
# Arabic writes "and" and "so" (و, ف) joined to the next word ("وسأقتلك"): a token that starts with one
# is also read without it. Shorter tokens are mostly words of their own ("وجه", "فم").
_ARABIC_CONJUNCTIONS = ("\u0648", "\u0641")
_MIN_CONJOINED = 4
# Endings of English contractions, which keep their apostrophe ("can't", "you're").
_CONTRACTIONS = ("'t", "'re", "'ve", "'ll", "'d", "'m", "'s")
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


def spellings(raw: str) -> tuple[str, ...]:
    """Return the distinct spellings a raw token may stand for, the plain one first."""
    if raw == "=":
        return COPULA
    core = raw.strip("'!|")
    if core.replace("'", "").isalpha():
        forms = [core]
        if core.endswith("'s"):
            forms.append(core[:-2])
        elif len(core) >= _MIN_Z_PLURAL and core[-1] == "z" and core[-2] != "z":
            forms.append(core[:-1] + "s")  # a plural written with "z" ("ratz", "haterz"); "jazz" is no plural
        elif "'" in core and not core.endswith(_CONTRACTIONS):
            # An apostrophe inside a word that is no contraction hides it ("fuc'k", "sh'it").
            forms.append(core.replace("'", ""))
        if len(core) >= _MIN_CONJOINED and core.startswith(_ARABIC_CONJUNCTIONS):
            forms.append(core[1:])
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


def _forms(raw: str) -> tuple[str, ...]:
    forms = _SPELLINGS.get(raw)
    if forms is None:
        if len(_SPELLINGS) >= _SPELLINGS_LIMIT:
            _SPELLINGS.clear()
        forms = _SPELLINGS[raw] = spellings(raw)
    return forms


def tokenize(text: str) -> list[Token]:
    """Tokenise folded text into word tokens with their lookup spellings (scan's tokens as objects)."""
    starts, ends, forms_of, _, _ = scan(text, frozenset(), frozenset())
    return [Token(*token) for token in zip(starts, ends, forms_of, strict=True)]


def scan(
    text: str, known: frozenset[str], common: frozenset[str]
) -> tuple[list[int], list[int], list[tuple[str, ...]], list[int], list[int]]:
    """Tokenise into parallel lists (starts, ends, spellings) and note which tokens need a second look.

    Also returns the indices of tokens that are no known word or hold an apostrophe (other readings),
    and of fragments: pieces of at most MAX_FRAGMENT letters that are no common word ("id iot").
    """
    return Scanner(known, common).scan(text)


# What one raw token of the tokenising pattern yields: for each word in it, its offset in the raw token,
# its length, its spellings, and flags (UNKNOWN: read again; FRAGMENT: may be part of a split word).
Piece = tuple[int, int, tuple[str, ...], int]
UNKNOWN, FRAGMENT = 1, 2


class Scanner:
    """scan() for one vocabulary, remembering what each raw token yields: tokens recur (Zipf), so most are one look-up.

    A memo of a pure function of the raw token: a plain dict, bounded, safe to share between threads
    (under the GIL a lost or cleared answer is only computed again).
    """

    __slots__ = ("_chat", "_common", "_known", "_pieces")
    LIMIT = 200_000

    def __init__(self, known: frozenset[str], common: frozenset[str], chat: Collection[str] = ()):
        """`chat`: chat spellings ("u", "dont"), read again like unknown words even when they are known."""
        self._known = known
        self._common = common
        self._chat = frozenset(chat)
        self._pieces: dict[str, tuple[Piece, ...]] = {}

    def _read(self, raw: str) -> tuple[Piece, ...]:
        """The words of one raw token: trailing and leading symbols that are no letters trimmed, split at "_"."""
        offset = 0
        if raw[-1] in _TRAILING and len(raw) > 1:
            trimmed = raw.rstrip(_TRAILING)
            if trimmed and trimmed[-1].isalnum():
                raw = trimmed
        if raw[0] in _LEADING:
            trimmed = raw.lstrip(_LEADING)
            if not trimmed:
                return ()
            offset = len(raw) - len(trimmed)
            raw = trimmed
        pieces: list[Piece] = []
        for piece in raw.split("_") if "_" in raw else (raw,):
            forms = _forms(piece)
            if forms:
                word = forms[0]
                flags = UNKNOWN if word not in self._known or "'" in word or word in self._chat else 0
                if len(piece) <= MAX_FRAGMENT and word not in self._common:
                    flags |= FRAGMENT
                pieces.append((offset, len(piece), forms, flags))
            offset += len(piece) + 1
        return tuple(pieces)

    def scan(self, text: str) -> tuple[list[int], list[int], list[tuple[str, ...]], list[int], list[int]]:
        """Tokenise into parallel lists (starts, ends, spellings) and the indices of unknown tokens and fragments.

        One pass, no token objects: this is the hot loop of every comment.
        """
        starts: list[int] = []
        ends: list[int] = []
        forms_of: list[tuple[str, ...]] = []
        unknown: list[int] = []
        fragments: list[int] = []
        memo = self._pieces
        get = memo.get
        find = text.find
        position = 0
        for raw in _TOKEN.findall(text):
            start = find(raw, position)
            position = start + len(raw)
            pieces = get(raw)
            if pieces is None:
                if len(memo) >= self.LIMIT:
                    memo.clear()
                pieces = memo[raw] = self._read(raw)
            if len(pieces) == 1:
                # One word, a known one (most tokens): its spans and spellings, no loop, no flags to read.
                offset, length, forms, flags = pieces[0]
                if not flags:
                    starts.append(start + offset)
                    ends.append(start + offset + length)
                    forms_of.append(forms)
                    continue
            for offset, length, forms, flags in pieces:
                if flags:
                    if flags & UNKNOWN:
                        unknown.append(len(starts))
                    if flags & FRAGMENT:
                        fragments.append(len(starts))
                starts.append(start + offset)
                ends.append(start + offset + length)
                forms_of.append(forms)
        return starts, ends, forms_of, unknown, fragments


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
