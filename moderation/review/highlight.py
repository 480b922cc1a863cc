"""Split a comment into plain and matched pieces so the template can highlight every span; nothing here makes HTML."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..storage.history import reason_spans

_REST_OF_WORD = re.compile(r"\w*")


@dataclass(frozen=True)
class Label:
    """What matched a span: the rule, its category and whether it was enforcing or only shadowing."""

    number: int
    rule: str
    category: str
    mode: str


@dataclass
class Segment:
    """A run of the text with the labels of every match covering it, and the labels placed after it.

    A match's label goes at the end of the word its match ends in, so a label never splits a word ("fuck¹ing").
    """

    text: str
    labels: list[Label] = field(default_factory=list)
    ends: list[Label] = field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        """The distinct categories covering this run, for its colour."""
        return list(dict.fromkeys(label.category for label in self.labels))

    @property
    def shadow_only(self) -> bool:
        """True when only shadow rules matched here (they did not decide)."""
        return bool(self.labels) and all(label.mode == "shadow" for label in self.labels)


def _spans(reasons: Iterable[dict[str, Any]], length: int) -> list[tuple[int, int, Label]]:
    """Every usable match as (start, end, label), numbered in reading order; offsets outside the text are dropped."""
    found = [
        (start, end, reason.get("rule", "?"), reason.get("category", "?"), reason.get("mode", "enforce"))
        for start, end, reason in reason_spans(reasons, length)
    ]
    found.sort(key=lambda span: (span[0], -span[1], span[2]))
    return [(start, end, Label(number, rule, category, mode)) for number, (start, end, rule, category, mode) in enumerate(found, 1)]


def label_position(text: str, end: int) -> int:
    """Where the label of a match ending at `end` goes: there, or at the end of the word the match stops inside."""
    if 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        found = _REST_OF_WORD.match(text, end)
        return found.end() if found else end
    return end


def highlight(text: str, reasons: Iterable[dict[str, Any]]) -> list[Segment]:
    """The text cut at every match boundary and label place (offsets are code points into the text as submitted)."""
    spans = _spans(reasons, len(text))
    places = [(label_position(text, end), label) for _, end, label in spans]
    cuts = sorted({0, len(text), *(start for start, _, _ in spans), *(end for _, end, _ in spans), *(place for place, _ in places)})
    segments = []
    for left, right in itertools.pairwise(cuts):
        covering = [label for start, end, label in spans if start <= left and right <= end]
        placed = [label for place, label in places if place == right]
        segments.append(Segment(text[left:right], covering, placed))
    return segments


def numbered_matches(text: str, reasons: Iterable[dict[str, Any]]) -> dict[str, list[tuple[int, str]]]:
    """Per rule, its matches as (number, matched text), numbered like the labels in the highlighted text."""
    numbered: dict[str, list[tuple[int, str]]] = {}
    for start, end, label in _spans(reasons, len(text)):
        numbered.setdefault(label.rule, []).append((label.number, text[start:end]))
    return numbered
