"""How likely a comment is to hold a word of each word set, estimated from English word ranks (Zipf's law).

The ruleset indexes every template under the rarest word set it needs, so that most comments try
almost none of them: "you" is in most comments, an insult in few.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .syntax import Phrase
from .wordlist import ordinary_words

# Tokens in a typical comment, and the odds of a word the frequency list does not hold.
COMMENT_TOKENS = 50
RARE_WORD = 1e-5
STEM = 1e-3


@lru_cache(maxsize=1)
def _ranks() -> dict[str, int]:
    return {word: rank for rank, word in enumerate(ordinary_words(), start=1)}


def word_odds(word: str) -> float:
    """The chance that a comment of COMMENT_TOKENS tokens holds this word (Zipf: frequency about 0.1 / rank)."""
    if word.startswith("*") or word.endswith("*"):
        return STEM
    rank = _ranks().get(word)
    if rank is None:
        return RARE_WORD
    return min(1.0, COMMENT_TOKENS * 0.1 / rank)


def word_set_odds(word_sets: Sequence[frozenset[Phrase]]) -> tuple[float, ...]:
    """For each word set, the chance that a comment holds one of its phrases' first words (at most 1)."""
    known: dict[str, float] = {}  # by word: most first words begin many word sets
    found = []
    for phrases in word_sets:
        total = 0.0
        for word in {phrase[0] for phrase in phrases}:  # summed in the set's order, as sum() over it would
            odds = known.get(word)
            if odds is None:
                odds = known[word] = word_odds(word)
            total += odds
        found.append(min(1.0, total))
    return tuple(found)
