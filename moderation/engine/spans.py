"""Span sets answering "does this span overlap / lie inside one of them?" in O(log n) per question."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

Span = tuple[int, int]


class SpanSet:
    """Sorted spans with running maxima of their ends, for overlap and containment queries."""

    __slots__ = ("_max_ends", "_starts")

    def __init__(self, spans: Iterable[Span]):
        ordered = sorted(spans)
        self._starts = [start for start, _end in ordered]
        maxima: list[int] = []
        reach = -1
        for _start, end in ordered:
            reach = max(reach, end)
            maxima.append(reach)
        self._max_ends = maxima

    def __bool__(self) -> bool:
        return bool(self._starts)

    def overlaps(self, span: Span) -> bool:
        """True when some span starts before this one ends and ends after it starts."""
        count = bisect.bisect_left(self._starts, span[1])
        return count > 0 and self._max_ends[count - 1] > span[0]

    def contains(self, span: Span) -> bool:
        """True when some span starts at or before this one and ends at or after it."""
        count = bisect.bisect_right(self._starts, span[0])
        return count > 0 and self._max_ends[count - 1] >= span[1]


def outermost(spans: Iterable[Span]) -> list[Span]:
    """Distinct spans without those inside another: a shorter hit inside a longer one adds nothing for the moderator."""
    kept: list[Span] = []
    reach = -1
    for span in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        if span[1] > reach:
            kept.append(span)
            reach = span[1]
    return kept
