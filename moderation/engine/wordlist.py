"""Ordinary English words, from wordfreq's frequency lists: the collision lint's corpus, and a check for split words."""

from __future__ import annotations

import bisect
import gzip
import importlib.util
import itertools
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import msgpack

# How many of the most frequent English tokens count as ordinary words.
ORDINARY_WORDS = 50_000
# The longest list the engine reads (the known words); a longer one (the lint's option) is read apart.
_LONGEST = 100_000


# wordfreq's rule for a digit sequence (wordfreq.numbers.has_digit_sequence): a digit, then more digits, dots or commas.
_DIGIT_SEQUENCE = re.compile(r"\d[\d.,]+")


def _english_bands() -> Iterator[list[str]]:
    """The English list of wordfreq ("large", else "small"), band by band of equal frequency, most frequent first.

    Read straight from its data file, and only as far as the caller goes: importing wordfreq costs about
    0.13 s of CPU (langcodes, ftfy, regex), and its reader decodes and keeps the whole list (about 28 MB)
    where the engine needs the first 100,000 tokens. Without the file, wordfreq's own reader serves.
    """
    spec = importlib.util.find_spec("wordfreq")  # finds the package without importing it
    folders = list(spec.submodule_search_locations or ()) if spec else []
    for name in ("large_en.msgpack.gz", "small_en.msgpack.gz"):
        for folder in folders:
            path = Path(folder) / "data" / name
            if path.is_file():
                yield from _cbpack_bands(path)
                return
    from wordfreq import get_frequency_list

    yield from get_frequency_list("en")


def _cbpack_bands(path: Path) -> Iterator[list[str]]:
    """The bands of a cBpack file (a gzipped msgpack list: a header, then one list of words per centibel)."""
    with gzip.open(path, "rb") as packed:
        unpacker = msgpack.Unpacker(packed, raw=False)
        unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
            raise ValueError(f"{path}: unexpected header {header!r}")
        yield from unpacker


@lru_cache(maxsize=2)
def _ranked(count: int) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The words among the `count` most frequent English tokens, and each word's rank among the tokens.

    wordfreq's top_n_list(count) counts every token but digit sequences, and walks the list again for
    each count: one walk serves every shorter count, and only the tokens that are no word pay for the
    digit test.
    """
    words: list[str] = []
    ranks: list[int] = []
    rank = 0
    for token in itertools.chain.from_iterable(_english_bands()):
        if rank >= count:
            break
        # Only words: the list also holds numbers and domain names ("www.youtube.com").
        if token.isalpha() or token.replace("'", "").isalpha():
            words.append(token)
            ranks.append(rank)
        elif _DIGIT_SEQUENCE.match(token):
            continue  # top_n_list leaves digit sequences out of the count
        rank += 1
    return tuple(words), tuple(ranks)


@lru_cache(maxsize=8)
def ordinary_words(count: int = ORDINARY_WORDS) -> tuple[str, ...]:
    """The words among the `count` most frequent English tokens, most frequent first."""
    words, ranks = _ranked(max(count, _LONGEST))
    return words[: bisect.bisect_left(ranks, count)]


# Words this frequent are read as what they say when they stand next to each other ("pen is", "who re-elected").
COMMON_WORDS = 5_000
# Two-letter tokens that frequent are words ("is", "re"); rarer ones are more often pieces of a split word ("id iot", "du mb").
COMMON_SHORT_WORDS = 1_000


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Common English words, as opposed to pieces of a longer word (the list loads once per process, on first use)."""
    words = ordinary_words(COMMON_WORDS)
    return frozenset(word for rank, word in enumerate(words) if len(word) > 2 or rank < COMMON_SHORT_WORDS)


@lru_cache(maxsize=1)
def ordinary_word_set() -> frozenset[str]:
    """The ordinary words as a set, for membership tests."""
    return frozenset(ordinary_words())


# Words this frequent are known words: the speller never reads them as misspellings of rule words.
KNOWN_WORDS = 100_000


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """The words among the KNOWN_WORDS most frequent English tokens."""
    return frozenset(ordinary_words(KNOWN_WORDS))


# The commonest words ("the", "you", "all"): function words, too common to say what a run-together token is about.
FUNCTION_WORDS = 200


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The FUNCTION_WORDS most frequent English words."""
    return frozenset(ordinary_words(FUNCTION_WORDS))
