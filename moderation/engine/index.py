"""The candidate index of a ruleset: its entries, keyed by the rarest word set each needs, and its RE2 patterns.

Built once per ruleset (and extended, never changed, for a site's overlay); per comment it answers which
entries are worth matching at all. See docs/engine.md, "The candidate index".
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

import re2

from .budgets import SET_MEMORY
from .chart import Chart
from .compiled import Compiled, Entry, EntryKind
from .model import Rule, Settings
from .symbols import START, Series, Sym, required_masks

# Candidate lists remembered per chart mask (bounded; cleared when full).
_CANDIDATE_MEMO_LIMIT = 200_000


class PatternEntry(NamedTuple):
    """An RE2 pattern of a rule: a hit pattern, or an exception (unless_patterns) with its exception label."""

    rule: int
    pattern: Any
    kind: EntryKind
    label: int


class RulesetIndex:
    """Entries by word-set bit, RE2 patterns as one set, and the rules that use detectors.

    Immutable once built, apart from two memos of pure functions (`_need_memo` while building,
    `_candidates_by_mask` per comment). Both are plain dicts: under the GIL a concurrent get, set or
    clear leaves them consistent, and a lost or cleared answer is only computed again.
    """

    def __init__(self, compiled: Compiled) -> None:
        self.compiled = compiled
        self.entries: list[Entry] = []
        self.patterns: list[PatternEntry] = []
        self.detector_rules: list[int] = []
        self._by_bit: dict[int, list[int]] = {}
        # Per entry, the needs a comment that holds its key may still lack: the key left out, rarest first.
        self._checks: list[tuple[int, ...]] = []
        self._keys: list[int] = []  # per entry, the need it is keyed by (its rarest)
        self._need_memo: dict[int, int] = {}
        self._candidates_by_mask: dict[int, tuple[int, ...]] = {}
        self._pattern_set: Any = None
        # Entries that may use the {capitalized} word set: only for them is a comment's capitalisation looked at.
        self._capitalized_users: frozenset[int] = frozenset()
        self._by_rule: dict[int, tuple[int, ...]] | None = None  # made on first use (checking examples)

    @classmethod
    def build(cls, rules: Sequence[Rule], settings: Settings, compiled: Compiled) -> RulesetIndex:
        """The index of a ruleset's rules (by their index in `rules`), allowed phrases and mention frames."""
        index = cls(compiled)
        for number, rule in enumerate(rules):
            index._add_rule(number, rule)
        for symbol in settings.allow:
            index._add(-1, EntryKind.ALLOW, symbol)
        for symbol in settings.mentions:
            index._add(-1, EntryKind.MENTION, symbol)
        index._finish(0, copy=False)
        index._pattern_set = index._compile_pattern_set()
        return index

    def extended(self, compiled: Compiled, extra: Iterable[tuple[int, Rule]], disabled: frozenset[int]) -> RulesetIndex:
        """A site's index: these entries and lists shared, the extra rules' entries added (lists copied where they land)."""
        site = RulesetIndex(compiled)
        site.entries = list(self.entries)
        site.patterns = list(self.patterns)
        site.detector_rules = [number for number in self.detector_rules if number not in disabled]
        site._by_bit = dict(self._by_bit)
        site._checks = list(self._checks)
        site._keys = list(self._keys)
        site._need_memo = dict(self._need_memo)
        site._capitalized_users = self._capitalized_users
        first_entry, first_pattern = len(site.entries), len(site.patterns)
        for number, rule in extra:
            site._add_rule(number, rule)
        site._finish(first_entry, copy=True)
        site._pattern_set = site._compile_pattern_set() if len(site.patterns) > first_pattern else self._pattern_set
        return site

    def _add_rule(self, number: int, rule: Rule) -> None:
        if rule.detectors:
            self.detector_rules.append(number)
        for symbol in rule.templates:
            self._add(number, EntryKind.HIT, symbol)
        for label, symbol in enumerate(rule.unless):
            self._add(number, EntryKind.EXCEPTION, symbol, label=label)
        for label, cue in enumerate(rule.unless_near, start=len(rule.unless)):
            self._add(number, EntryKind.NEAR, cue.words, cue.window, label, cue.of)
        self.patterns.extend(PatternEntry(number, pattern, EntryKind.HIT, -1) for pattern in rule.patterns)
        first = len(rule.unless) + len(rule.unless_near)
        self.patterns.extend(
            PatternEntry(number, pattern, EntryKind.EXCEPTION, first + label) for label, pattern in enumerate(rule.unless_patterns)
        )

    def _add(self, rule: int, kind: EntryKind, symbol: Sym, window: int = 0, label: int = -1, of: frozenset[str] = frozenset()) -> None:
        anchored = isinstance(symbol, Series) and symbol.elements[0][0] == START
        rarity = self.compiled.rarity
        needs = required_masks(symbol, lambda mask: odds(mask, rarity), self._need_memo)
        # Several needs of a series come in order: a cheap test of their positions rules most non-matches out.
        ordered = isinstance(symbol, Series) and len(needs) > 1
        self.entries.append(Entry(rule, kind, symbol, needs, anchored, window, label, of=of, ordered=ordered))

    def _finish(self, first_entry: int, copy: bool) -> None:
        """Key the entries from `first_entry` on, and note those that may use the {capitalized} word set."""
        rarity, lengths = self.compiled.rarity, self.compiled.lengths
        reaches: dict[int, int] = {}  # by symbol id: the entries' templates share parts
        for number in range(first_entry, len(self.entries)):
            entry = self.entries[number]
            key = min(entry.needs, key=lambda mask: odds(mask, rarity))
            # An entry is found by a bit of its key, so the comment holds the key: only the other needs are tested.
            others = [need for need in dict.fromkeys(entry.needs) if need != key]
            self._checks.append(tuple(sorted(others, key=lambda mask: odds(mask, rarity))))
            self._keys.append(key)
            for bit in bits(key):
                if copy:  # an overlay's index shares the shared lists: copy one before adding to it
                    self._by_bit[bit] = [*self._by_bit.get(bit, ()), number]
                else:
                    self._by_bit.setdefault(bit, []).append(number)
            if key != entry.symbol.first and lengths:
                # In a long comment every word may be present somewhere: a start counts only near its key.
                self.entries[number] = replace(entry, key=key, reach=entry.symbol.reach(lengths, reaches))
        capitalized = self.compiled.capitalized
        if capitalized:
            atoms: dict[int, int] = {}  # by symbol id, as `reaches`
            added = (number for number in range(first_entry, len(self.entries)) if self.entries[number].symbol.atoms(atoms) & capitalized)
            self._capitalized_users = self._capitalized_users.union(added)

    def _compile_pattern_set(self) -> Any:
        # All patterns in one RE2 set: one linear scan tells which (usually none) need their spans found.
        if not self.patterns:
            return None
        options = re2.Options()
        options.max_mem = SET_MEMORY
        pattern_set = re2.Set.SearchSet(options)
        for entry in self.patterns:
            pattern_set.Add(entry.pattern.pattern)
        pattern_set.Compile()
        return pattern_set

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_pattern_set"], state["_candidates_by_mask"], state["_by_rule"] = None, {}, None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._pattern_set = self._compile_pattern_set()

    def matching_patterns(self, text: str) -> list[PatternEntry]:
        """The patterns that match somewhere in the text (one RE2 scan), in index order."""
        if self._pattern_set is None:
            return []
        return [self.patterns[number] for number in sorted(self._pattern_set.Match(text) or ())]

    def of_rule(self, rule: int) -> tuple[int, ...]:
        """The numbers of a rule's entries and of those of no rule (allowed phrases, mention frames), in order."""
        if self._by_rule is None:
            by_rule: dict[int, list[int]] = {}
            for number, entry in enumerate(self.entries):
                by_rule.setdefault(entry.rule, []).append(number)
            self._by_rule = {rule: tuple(numbers) for rule, numbers in by_rule.items()}
        return tuple(sorted((*self._by_rule.get(rule, ()), *self._by_rule.get(-1, ()))))

    def candidates(self, chart: Chart, among: Sequence[int] | None = None) -> list[int]:
        """Entries keyed by a word set the comment holds and whose every needed word set is present (of `among` only, when given).

        The {capitalized} word set is marked in the chart only when a candidate may use it: finding the
        capitalised words costs a scan of the original text and its sentences, and most comments need neither.
        """
        capitalized = self.compiled.capitalized
        maybe = capitalized and chart.capitalization_matters()
        present = chart.present | capitalized if maybe else chart.present
        kept = self._kept(chart.by_mask, capitalized if maybe else 0, present) if among is None else self._kept_among(among, present)
        if maybe and not self._capitalized_users.isdisjoint(kept) and not chart.mark_capitalized(capitalized):
            # No capitalised word after all: only the entries that need none stay.
            entries, present = self.entries, chart.present
            kept = [number for number in kept if all(present & need for need in entries[number].needs)]
        return kept

    def _kept_among(self, among: Sequence[int], present: int) -> list[int]:
        """The entries of `among` whose key and other needs the comment holds (as _kept finds them)."""
        keys, checks = self._keys, self._checks
        kept = []
        for number in among:
            if present & keys[number]:
                for need in checks[number]:
                    if not present & need:
                        break
                else:
                    kept.append(number)
        return kept

    def _kept(self, masks: Iterable[int], extra_mask: int, present: int) -> list[int]:
        memo, by_bit = self._candidates_by_mask, self._by_bit
        found: set[int] = set()
        for mask in (*masks, extra_mask) if extra_mask else masks:
            entries = memo.get(mask)
            if entries is None:
                hits: set[int] = set()
                for bit in bits(mask):
                    hits.update(by_bit.get(bit, ()))
                entries = tuple(hits)
                if len(memo) >= _CANDIDATE_MEMO_LIMIT:
                    memo.clear()
                memo[mask] = entries
            found.update(entries)
        checks = self._checks
        kept = []
        for number in found:
            for need in checks[number]:
                if not present & need:
                    break
            else:
                kept.append(number)
        kept.sort()
        return kept


def in_order(chart: Chart, needs: tuple[int, ...]) -> list[list[int]] | None:
    """The start lists of a series' needed word sets when they can be found one after the other in one sentence, else None.

    Every match of a series holds a phrase of each required part's need, in the parts' order, inside
    one sentence; so when no such chain exists, no match does. The chain is followed greedily from
    each start of the first need, each link the need's first position after the last (a bisection of
    its start list, which the chart remembers per mask): from a later start every link is at least as
    late, so when a link leaves the sentence the next try starts in the sentence after. Work grows with
    the sentences tried, not with the comment's length: long comments try many entries. The lists are
    returned for `chained`, which asks the same of each start a match is tried from.
    """
    sentence = chart.sentence
    starts = chart.starts
    first = starts(needs[0])
    lists = [first]  # the later needs' lists are made when the chain first reaches them: most chains break early
    later = range(1, len(needs))
    index, count = 0, len(first)
    while index < count:
        here = sentence[first[index]]
        at = first[index]
        for need in later:
            if need == len(lists):
                lists.append(starts(needs[need]))
            positions = lists[need]
            link = bisect_right(positions, at)
            if link == len(positions):
                return None
            at = positions[link]
            if sentence[at] != here:
                break
        else:
            return lists
        # The next try: the first start of the first need in a later sentence than this one.
        index = bisect_left(first, bisect_right(sentence, here), index + 1)
    return None


def chained(lists: list[list[int]], sentence: list[int], start: int) -> bool:
    """True when the chain of `in_order` can begin at or after `start` and stay in its sentence.

    A match from `start` holds its first need's phrase at or after it, and the later ones after that,
    all in the sentence of `start`: a start without such a chain cannot match, and is not tried.
    """
    here = sentence[start]
    # The first need may stand at `start` itself, each later one strictly after the one before it.
    at = start - 1
    for positions in lists:
        link = bisect_right(positions, at)
        if link == len(positions):
            return False
        at = positions[link]
        if sentence[at] != here:
            return False
    return True


def bits(mask: int) -> Iterable[int]:
    """The bit numbers set in a mask, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def odds(mask: int, rarity: tuple[float, ...]) -> float:
    """How likely a comment is to hold a word of one of these word sets (estimated from word frequencies)."""
    return sum(rarity[bit] for bit in bits(mask) if bit < len(rarity))
