"""Where hits stand relative to each other: exceptions that cancelled them, cue words near them, mention frames before them."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

from .detectors import Span
from .lattice import Lattice

# A cue found near hits: its token span, its window, and the words of the hits it may cancel.
Cue = tuple[int, int, int, frozenset[str]]


class Trace:
    """Which exceptions cancelled which rule's hits: gathered only when asked for (the lint), never per request."""

    def __init__(self) -> None:
        self.spans: dict[int, list[tuple[Span, int]]] = defaultdict(list)
        self.cues: dict[int, list[tuple[Cue, int]]] = defaultdict(list)
        self.used: dict[int, set[int]] = defaultdict(set)

    def record(self, rule: int, lattice: Lattice, hits: list[Span], cues: Iterable[Cue]) -> None:
        """Note every exception span that overlaps one of the rule's hits, and every cue near one."""
        for hit in hits:
            for span, label in self.spans.get(rule, ()):
                if span[0] < hit[1] and hit[0] < span[1]:
                    self.used[rule].add(label)
            for cue, label in self.cues.get(rule, ()):
                if near(lattice, hit, [cue]):
                    self.used[rule].add(label)


def token_range(lattice: Lattice, span: Span) -> tuple[int, int]:
    """The token positions a folded-text span covers."""
    start = bisect.bisect_right(lattice.ends, span[0])
    end = max(start + 1, bisect.bisect_left(lattice.starts, span[1]))
    return start, end


def mentioned(lattice: Lattice, span: Span, mentions: dict[int, int]) -> bool:
    """True when a mention frame ("the word", "he said") opens earlier in the hit's sentence."""
    start, _end = token_range(lattice, span)
    if start >= lattice.size:
        return False
    frame = mentions.get(lattice.sentence[start])
    return frame is not None and frame <= start


def near(lattice: Lattice, span: Span, cues: list[Cue]) -> bool:
    """True when a cue word stands within its window of the hit, before or after it (and the hit holds one of its `of` words)."""
    start, end = token_range(lattice, span)
    for cue_start, cue_end, window, of in cues:
        near = cue_start < end + window and cue_end > start - window
        if near and (not of or any(form in of for forms in lattice.forms[start:end] for form in forms)):
            return True
    return False


def near_keys(starts: list[int], keys: list[int], reach: int) -> list[int]:
    """The starts with a key position at or after them and less than `reach` tokens on (both lists sorted)."""
    kept: list[int] = []
    pointer, count = 0, len(keys)
    for start in starts:
        while pointer < count and keys[pointer] < start:
            pointer += 1
        if pointer == count:
            break
        if keys[pointer] < start + reach:
            kept.append(start)
    return kept
