"""Compiled template parts ("symbols") and how each finds its matches in a comment's chart.

Every symbol answers one question: starting at token position p, at which positions can a match end?
Word sets answer from the chart's cells (filled once per comment from the phrase trie); sequences,
lists and the other operators combine the answers of their parts, position by position, so a
template costs a bounded amount of work per starting position whatever the lexicons hold.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from .syntax import Node, describe

if TYPE_CHECKING:
    from .chart import Chart

# Element kinds of a sequence.
SYM, GAP, START, END, COMMA = 0, 1, 2, 3, 4
# A list ("Arabs, Persians and Turks") holds at most this many items.
MAX_LIST_ITEMS = 8
# The most tokens the modifiers between two parts may take: three modifiers of up to four words.
MODIFIER_REACH = 12
# Symbol ids key memos (a chart's cells, an index's needs), so they must be unique in a process, also
# against symbols unpickled from a cache file another process wrote (reserve_symbol_ids).
_ids = itertools.count(1)
_reserving = threading.Lock()


def next_symbol_id() -> int:
    """An id above every symbol made in this process so far (a pickled ruleset records it)."""
    return next(_ids)


def reserve_symbol_ids(above: int) -> None:
    """Give the symbols made from now on ids above `above` (those of a ruleset another process compiled)."""
    global _ids
    with _reserving:
        current = next(_ids)
        if current <= above:
            _ids = itertools.count(above + 1)


class Sym:
    """A compiled template part. `first`: the word sets (as a bit mask) a match can begin with."""

    __slots__ = ("_label", "first", "id")
    # Word sets are answered straight from the chart; other symbols are remembered per position.
    memoise = True

    def __init__(self, label: str | Node, first: int = 0):
        """`label`: the text, or the template node it is spelt from when first asked (it only names the symbol)."""
        self.id = next(_ids)
        self._label = label
        self.first = first

    @property
    def label(self) -> str:
        """A short readable form of what the symbol matches, for diagnostics."""
        label = self._label
        if not isinstance(label, str):
            label = self._label = describe(label)
        return label

    def __getstate__(self) -> tuple[None, dict[str, object]]:
        # The label as text: a node would pickle its whole syntax tree.
        slots = {name: getattr(self, name) for kind in type(self).__mro__ for name in getattr(kind, "__slots__", ())}
        slots["_label"] = self.label
        return None, slots

    def ends_in(self, chart: Chart, position: int) -> Sequence[int]:
        """Positions where a match starting at `position` can end."""
        raise NotImplementedError

    def atoms(self, memo: dict[int, int] | None = None) -> int:
        """Every word set this symbol may use, anywhere (for the rule-file budgets and diagnostics).

        `memo` keeps each symbol's answer by id, as for reach(): shared parts are walked once.
        """
        if memo is None:
            memo = {}
        found = memo.get(self.id)
        if found is None:
            found = memo[self.id] = self._atoms(memo)
        return found

    def _atoms(self, memo: dict[int, int]) -> int:
        return self.first

    def reach(self, lengths: Sequence[int], memo: dict[int, int] | None = None) -> int:
        """The most tokens a match can span; `lengths[bit]`: the longest phrase of each word set.

        `memo` keeps each symbol's answer by id: templates share their parts, which are then reckoned once.
        """
        if memo is None:
            memo = {}
        found = memo.get(self.id)
        if found is None:
            found = memo[self.id] = self._reach(lengths, memo)
        return found

    def _reach(self, lengths: Sequence[int], memo: dict[int, int]) -> int:
        return _longest(self.first, lengths)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label}>"


class WordSet(Sym):
    """Phrases of one or more word sets ("atoms"), found by the phrase trie; `first` is their mask."""

    __slots__ = ()
    memoise = False

    def ends_in(self, chart: Chart, position: int) -> Sequence[int]:
        """Ends of the phrases found at `position` (read off the chart)."""
        mask = self.first
        cell = chart.cells[position]
        if chart.single[position] & mask:
            if cell is None:
                return (position + 1,)
            return [position + 1, *(end for end, bits in cell.items() if bits & mask)]
        if cell is None:
            return ()
        return [end for end, bits in cell.items() if bits & mask]


class Union(Sym):
    """One of several symbols; the word sets among them are merged into one mask."""

    __slots__ = ("mask", "members")

    def __init__(self, label: str | Node, mask: int, members: Iterable[Sym]):
        self.mask = mask
        self.members: tuple[Sym, ...] = tuple(members)
        first = mask
        for member in self.members:
            first |= member.first
        super().__init__(label, first)

    def ends_in(self, chart: Chart, position: int) -> Sequence[int]:
        """Ends of the word sets' phrases here, and of each member that can start here."""
        here = chart.cellmask[position]
        if not here & self.first:
            return ()
        mask = self.mask
        found: list[int] = []
        if mask:
            if chart.single[position] & mask:
                found.append(position + 1)
            cell = chart.cells[position]
            if cell is not None:
                found.extend(end for end, bits in cell.items() if bits & mask)
        for member in self.members:
            if here & member.first:
                found.extend(chart.ends(member, position))
        return found

    def _atoms(self, memo: dict[int, int]) -> int:
        """The union's word sets and its members'."""
        total = self.mask
        for member in self.members:
            total |= member.atoms(memo)
        return total

    def _reach(self, lengths: Sequence[int], memo: dict[int, int]) -> int:
        """The longest of its word sets and members."""
        return max([_longest(self.mask, lengths), *(member.reach(lengths, memo) for member in self.members)])


Element = tuple[int, "Sym | int | None", bool]


class Series(Sym):
    """Parts one after the other: symbols (maybe optional), gaps, sentence anchors.

    Between two parts the comment may hold up to a few modifiers ("really", "without a doubt"), skipped
    when `modifiers` is set. A match stays inside one sentence.
    """

    __slots__ = ("_steps", "elements", "modifiers", "required")

    def __init__(self, label: str | Node, elements: Sequence[Element], modifiers: bool):
        self.elements: tuple[Element, ...] = tuple(elements)
        self.modifiers = modifiers
        first = 0
        for kind, payload, optional in self.elements:
            if kind == SYM and isinstance(payload, Sym):
                first |= payload.first
                if not optional:
                    break
        super().__init__(label, first)
        self.required: tuple[Sym, ...] = tuple(
            payload for kind, payload, optional in self.elements if kind == SYM and not optional and isinstance(payload, Sym)
        )
        # The elements as the matcher reads them: kind, symbol, gap size, optional, modifiers may follow, and
        # a word set's mask (its phrases are read off the chart right here: the most common part by far).
        last = len(self.elements) - 1
        steps: list[tuple[int, Sym | None, int, bool, bool, int]] = []
        for index, (kind, payload, optional) in enumerate(self.elements):
            symbol = payload if isinstance(payload, Sym) else None
            size = payload if isinstance(payload, int) else 0
            words = symbol.first if isinstance(symbol, WordSet) else 0
            steps.append((kind, symbol, size, optional, modifiers and kind == SYM and index < last, words))
        self._steps = tuple(steps)

    def ends_in(self, chart: Chart, position: int) -> Sequence[int]:
        """Positions reached part by part (a set of positions after each part), within the sentence."""
        size = chart.size
        if position >= size:
            return ()
        sentence = chart.sentence
        here = sentence[position]
        frontier: set[int] = {position}
        cellmask = chart.cellmask
        modifier = chart.modifier_first
        for kind, symbol, gap, optional, skip, words in self._steps:
            if symbol is not None:
                found: set[int] = set(frontier) if optional else set()
                if words:  # a word set: WordSet.ends_in written out
                    single, cells = chart.single, chart.cells
                    for start in frontier:
                        if start < size and cellmask[start] & words:
                            if single[start] & words and sentence[start] == here:
                                found.add(start + 1)
                            cell = cells[start]
                            if cell is not None:
                                for end, bits in cell.items():
                                    if bits & words and sentence[end - 1] == here:
                                        found.add(end)
                else:
                    first = symbol.first
                    for start in frontier:
                        if start < size and cellmask[start] & first:
                            for end in chart.ends(symbol, start):
                                if sentence[end - 1] == here:
                                    found.add(end)
            elif kind == GAP:
                found = set()
                for start in frontier:
                    found.add(start)
                    for step in range(1, gap + 1):
                        if start + step > size or sentence[start + step - 1] != here:
                            break
                        found.add(start + step)
            elif kind == START:
                found = {start for start in frontier if chart.lattice.sentence_start(start)}
            elif kind == COMMA:
                found = {start for start in frontier if chart.lattice.comma_before(start)}
            else:
                found = {start for start in frontier if chart.lattice.sentence_end(start)}
            if not found:
                return ()
            chart.steps += len(found)
            if chart.steps > chart.limit:
                chart.spend(0)  # raises WorkBudgetError
            if skip and modifier:
                for start in found:
                    if start < size and cellmask[start] & modifier:
                        found = chart.skip_modifiers(found, here)
                        break
            frontier = found
        return [end for end in frontier if end > position]

    def _atoms(self, memo: dict[int, int]) -> int:
        """The word sets of every part."""
        total = 0
        for kind, payload, _optional in self.elements:
            if kind == SYM and isinstance(payload, Sym):
                total |= payload.atoms(memo)
        return total

    def _reach(self, lengths: Sequence[int], memo: dict[int, int]) -> int:
        """Every part at its longest, gaps full, and the most modifiers between parts."""
        total = 0
        for _kind, symbol, gap, _optional, skip, _words in self._steps:
            total += gap + (symbol.reach(lengths, memo) if symbol is not None else 0) + (MODIFIER_REACH if skip else 0)
        return total


class Repeat(Sym):
    """A list of the part: once or more, joined by list words ("and", "or") or nothing (commas are not tokens)."""

    __slots__ = ("joiner", "part")

    def __init__(self, label: str | Node, part: Sym, joiner: Sym | None):
        self.part = part
        self.joiner = joiner
        super().__init__(label, part.first)

    def ends_in(self, chart: Chart, position: int) -> Sequence[int]:
        """Ends of lists of one item or more, joined by list words or nothing."""
        sentence = chart.sentence
        here = sentence[position] if position < chart.size else -1
        part, joiner = self.part, self.joiner
        found: set[int] = set()
        frontier = {end for end in chart.ends(part, position) if sentence[end - 1] == here}
        for _item in range(MAX_LIST_ITEMS):
            fresh = frontier - found
            if not fresh:
                break
            found |= fresh
            chart.spend(len(fresh))
            frontier = set()
            for end in fresh:
                if end >= chart.size:
                    continue
                starts = [end]
                if joiner is not None:
                    starts.extend(chart.ends(joiner, end))
                for start in starts:
                    if start < chart.size and sentence[start] == here and chart.cellmask[start] & part.first:
                        frontier.update(other for other in chart.ends(part, start) if sentence[other - 1] == here)
        return list(found)

    def _atoms(self, memo: dict[int, int]) -> int:
        """The item's word sets and the list words'."""
        return self.part.atoms(memo) | (self.joiner.atoms(memo) if self.joiner else 0)

    def _reach(self, lengths: Sequence[int], memo: dict[int, int]) -> int:
        """The longest list: every item and joiner at its longest."""
        return MAX_LIST_ITEMS * (self.part.reach(lengths, memo) + (self.joiner.reach(lengths, memo) if self.joiner else 0))


class Referent(Sym):
    """A group, or a pronoun that refers back to one named earlier in the comment ("... I hate them")."""

    __slots__ = ("anaphora", "antecedents", "base")

    def __init__(self, label: str | Node, base: Sym, anaphora: WordSet, members: tuple[Sym, ...] = ()):
        """`members`: other symbols whose mention also binds the pronouns (one member of the group: "a Kurd ... they")."""
        self.base = base
        self.anaphora = anaphora
        self.antecedents = (base, *members)
        super().__init__(label, base.first | anaphora.first)

    def ends_in(self, chart: Chart, position: int) -> Sequence[int]:
        """Ends of the group's matches here, and of a pronoun here once the group or a member was named before it."""
        here = chart.cellmask[position] if position < chart.size else 0
        found = list(chart.ends(self.base, position)) if here & self.base.first else []
        if here & self.anaphora.first and any(chart.first_mention(named) < position for named in self.antecedents):
            found.extend(self.anaphora.ends_in(chart, position))
        return found

    def _atoms(self, memo: dict[int, int]) -> int:
        """The group's word sets and the pronouns'."""
        return self.base.atoms(memo) | self.anaphora.first

    def _reach(self, lengths: Sequence[int], memo: dict[int, int]) -> int:
        """The longer of the group's names and the pronouns."""
        return max(self.base.reach(lengths, memo), self.anaphora.reach(lengths, memo))


def _longest(mask: int, lengths: Sequence[int]) -> int:
    longest = 0
    while mask:
        low = mask & -mask
        bit = low.bit_length() - 1
        if bit < len(lengths) and lengths[bit] > longest:
            longest = lengths[bit]
        mask ^= low
    return longest


def deep_need(symbol: Sym, odds: Callable[[int], float], memo: dict[int, int]) -> int:
    """A mask of word sets one of which every match of the symbol holds, as rare as can be told.

    A series needs each of its required parts, so the rarest part's need will do; a union needs one
    of its members, so the members' needs together. "(a|the)? {group_one} {be} ..." needs a group's
    name, not "a" or "the".
    """
    known = memo.get(symbol.id)
    if known is not None:
        return known
    memo[symbol.id] = symbol.first
    if isinstance(symbol, Union):
        need = symbol.mask
        for member in symbol.members:
            need |= deep_need(member, odds, memo)
    elif isinstance(symbol, Series):
        parts = [deep_need(part, odds, memo) for part in symbol.required]
        need = min(parts, key=odds) if parts else symbol.first
    elif isinstance(symbol, Repeat):
        need = deep_need(symbol.part, odds, memo)
    elif isinstance(symbol, Referent):
        need = deep_need(symbol.base, odds, memo) | symbol.anaphora.first
    else:
        need = symbol.first
    memo[symbol.id] = need
    return need


def required_masks(symbol: Sym, odds: Callable[[int], float], memo: dict[int, int]) -> tuple[int, ...]:
    """Masks of word sets that must all be present for the symbol to match (one per required part)."""
    if isinstance(symbol, Series) and symbol.required:
        return tuple(deep_need(part, odds, memo) for part in symbol.required)
    return (deep_need(symbol, odds, memo),)
