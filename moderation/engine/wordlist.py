"""Ordinary English words, from wordfreq's frequency lists: the collision lint's corpus, and a check for split words."""

from __future__ import annotations

from functools import lru_cache

# How many of the most frequent English tokens count as ordinary words.
ORDINARY_WORDS = 50_000


@lru_cache(maxsize=4)
def ordinary_words(count: int = ORDINARY_WORDS) -> tuple[str, ...]:
    """The words among the `count` most frequent English tokens, most frequent first."""
    from wordfreq import top_n_list

    # Only words: the list also holds numbers and domain names ("www.youtube.com").
    return tuple(word for word in top_n_list("en", count) if word.replace("'", "").isalpha())


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
