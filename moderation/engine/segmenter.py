"""Run-together words split into the likeliest sequence of English words (wordninja's word list and costs).

wordninja builds its model when it is imported, with a generator over its 126,000 words (about 0.07 s
of CPU); this reads the same list into the same costs (a word ranked r costs log(r * log(n)), Zipf's
law) in a third of that, on first use, and splits as wordninja.split does a word of ASCII letters.
"""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Callable
from functools import lru_cache
from math import log
from pathlib import Path

_UNKNOWN = 9e999  # wordninja's cost of a piece its list does not hold (infinite)


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, float], int] | None:
    """The word costs of wordninja and its longest word, or None when its word list cannot be read."""
    spec = importlib.util.find_spec("wordninja")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "wordninja" / "wordninja_words.txt.gz"
    try:
        with gzip.open(path) as packed:
            words = packed.read().decode().split()
    except OSError:
        return None
    if not words:
        return None
    scale = log(len(words))
    # As wordninja's dict((k, log((i+1)*log(len(words)))) for i,k in enumerate(words)): a repeated word keeps its last cost.
    return dict(zip(words, [log(rank * scale) for rank in range(1, len(words) + 1)], strict=True)), max(map(len, words))


def load_model() -> None:
    """Read the word list now (a warm compiler does, before any comment needs it)."""
    _model()


def splitter() -> Callable[[str], list[str]]:
    """A function that splits a run-together word of ASCII letters as wordninja.split does; other words stay whole."""
    model = _model()
    if model is None:
        import wordninja

        return wordninja.split  # type: ignore[no-any-return]
    costs, longest = model

    def split(word: str) -> list[str]:
        if not word.isascii() or not word.isalpha():
            return [word]  # wordninja would drop the other characters: no split that spells the word
        lowered = word.lower()
        cost: list[float] = [0]
        best: list[int] = [0]  # the length of the last word of the cheapest split of each prefix
        for end in range(1, len(word) + 1):
            # The cheapest (cost, length) of the last word, as wordninja's best_match: ties go to the shorter word.
            found = min(
                (cost[end - length] + costs.get(lowered[end - length : end], _UNKNOWN), length)
                for length in range(1, min(end, longest) + 1)
            )
            cost.append(found[0])
            best.append(found[1])
        parts: list[str] = []
        end = len(word)
        while end > 0:
            parts.append(word[end - best[end] : end])
            end -= best[end]
        parts.reverse()
        return parts

    return split
