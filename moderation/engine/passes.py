"""What the passes over one comment gather, and the filter that decides which of each rule's hits stand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .detectors import Span
from .lattice import Lattice
from .model import Rule
from .proximity import Cue, Trace, mentioned, near, token_range
from .spans import SpanSet, outermost

# A quotation only reports speech when the comment says something outside it.
MIN_WORDS_OUTSIDE_QUOTES = 3


class Gathered:
    """The spans of one comment, by rule: hits, exceptions and cue words; and the allowed phrases and mention frames.

    Filled by the passes (templates, patterns, detectors, then exceptions for the rules that hit), read
    by `surviving`. With a `Trace`, every exception and cue is also noted with its label (for the lint).
    """

    __slots__ = ("allowed", "cues", "exceptions", "hits", "mentions", "trace")

    def __init__(self, trace: Trace | None = None):
        self.hits: defaultdict[int, list[Span]] = defaultdict(list)
        self.exceptions: defaultdict[int, list[Span]] = defaultdict(list)
        self.cues: defaultdict[int, list[Cue]] = defaultdict(list)
        self.allowed: list[Span] = []
        self.mentions: dict[int, int] = {}  # the first position of a mention frame, by sentence
        self.trace = trace

    def exception(self, rule: int, span: Span, label: int) -> None:
        """An exception of a rule matched here (folded-text span); `label`: which of its exception_texts."""
        self.exceptions[rule].append(span)
        if self.trace is not None:
            self.trace.spans[rule].append((span, label))

    def cue(self, rule: int, cue: Cue, label: int) -> None:
        """A cue word of a rule stands here (token span, window, the hit words it may cancel)."""
        self.cues[rule].append(cue)
        if self.trace is not None:
            self.trace.cues[rule].append((cue, label))

    def mention(self, sentence: int, start: int) -> None:
        """A mention frame opens at this token position of this sentence (the earliest one counts)."""
        self.mentions[sentence] = min(start, self.mentions.get(sentence, start))


def surviving(lattice: Lattice, rules: Sequence[Rule], gathered: Gathered) -> dict[int, list[Span]]:
    """Each rule's hits that no exception, allowed phrase, quotation, mention frame or cue word cancels, if enough remain."""
    quoted = quotations(lattice)
    allowed = SpanSet(gathered.allowed)
    exceptions, cues, mentions, trace = gathered.exceptions, gathered.cues, gathered.mentions, gathered.trace
    fired: dict[int, list[Span]] = {}
    for rule_index, spans in gathered.hits.items():
        rule = rules[rule_index]
        own = SpanSet(exceptions.get(rule_index, ()))
        if trace is not None:
            trace.record(rule_index, lattice, spans, cues.get(rule_index, ()))
        kept = [span for span in set(spans) if not own.overlaps(span) and not allowed.contains(span)]
        if quoted and rule.unless_quoted:
            kept = [span for span in kept if not quoted.contains(span)]
        if mentions and rule.unless_mentioned:
            kept = [span for span in kept if not mentioned(lattice, span, mentions)]
        if rule_index in cues:
            kept = [span for span in kept if not near(lattice, span, cues[rule_index])]
        kept = outermost(kept)
        if len(kept) >= rule.min_matches:
            fired[rule_index] = kept
    if any(rules[rule_index].paired_within for rule_index in fired):
        _drop_unpaired(lattice, rules, fired)
    return fired


def _drop_unpaired(lattice: Lattice, rules: Sequence[Rule], fired: dict[int, list[Span]]) -> None:
    """Hits of rules with `paired_within` stand only that near a hit of another enforced rule of their category.

    A half-point signal ("free delivery") is evidence beside another one ("order at shop.biz"), not in a
    comment where the other signal is paragraphs away. Linear: a running count of tokens covered by each
    category's hits, so a hit's window is checked in constant time whatever the number of hits.
    """
    ranges = {rule_index: [token_range(lattice, span) for span in spans] for rule_index, spans in fired.items()}
    size = lattice.size  # token positions 0 .. size - 1; a span may end at size
    for rule_index in [index for index in fired if rules[index].paired_within]:
        rule, window = rules[rule_index], rules[rule_index].paired_within
        steps = [0] * (size + 1)
        for other, spans in ranges.items():
            if other != rule_index and rules[other].category == rule.category and rules[other].mode == "enforce":
                for start, end in spans:
                    steps[min(start, size)] += 1
                    steps[min(end, size)] -= 1
        running, covered = 0, [0]
        for step in steps:  # covered[i]: how many positions before i some partner's hit covers
            running += step
            covered.append(covered[-1] + (running > 0))
        kept = [
            span
            for span, (start, end) in zip(fired[rule_index], ranges[rule_index], strict=True)
            if covered[min(end + window, size + 1)] > covered[max(start - window, 0)]
        ]
        if len(kept) >= rule.min_matches:
            fired[rule_index] = kept
        else:
            del fired[rule_index]


def quotations(lattice: Lattice) -> SpanSet | None:
    """The quotations, when the comment has words of its own outside them (someone reporting what was said)."""
    if not lattice.quotes:
        return None
    spans = SpanSet(lattice.quotes)
    outside = sum(1 for start, end in zip(lattice.starts, lattice.ends, strict=True) if not spans.contains((start, end)))
    return spans if outside >= MIN_WORDS_OUTSIDE_QUOTES else None
