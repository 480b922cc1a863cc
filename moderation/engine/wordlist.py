"""Ordinary English words, from wordfreq's frequency lists: the collision lint's corpus, and a check for split words."""

from __future__ import annotations

import bisect
from functools import lru_cache

# How many of the most frequent English tokens count as ordinary words.
ORDINARY_WORDS = 50_000
# The longest list the engine reads (the known words); a longer one (the lint's option) is read apart.
_LONGEST = 100_000


@lru_cache(maxsize=2)
def _ranked(count: int) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The words among the `count` most frequent English tokens, and each word's rank among the tokens.

    wordfreq's top_n_list(count) counts every token but digit sequences, and walks the list again for
    each count: one walk serves every shorter count, and only the tokens that are no word pay for the
    digit test.
    """
    from wordfreq import iter_wordlist
    from wordfreq.numbers import has_digit_sequence

    words: list[str] = []
    ranks: list[int] = []
    rank = 0
    for token in iter_wordlist("en"):
        if rank >= count:
            break
        # Only words: the list also holds numbers and domain names ("www.youtube.com").
        if token.replace("'", "").isalpha():
            words.append(token)
            ranks.append(rank)
        elif has_digit_sequence(token):
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
