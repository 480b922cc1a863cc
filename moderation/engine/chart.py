"""The chart of one comment: which word sets match where, filled in one pass over the lattice, and a work budget.

single[p] is the bit mask of the word sets with a one-token phrase spanning [p, p+1) (most matches);
cells[p] maps every other end position q to the mask of the word sets with a phrase spanning [p, q)
(multi-word phrases and other readings), and is None for most positions.
Symbols read it (symbols.py) and remember their own answers per position, so no part of a template
is matched twice at the same place. Every step of that matching is counted: a comment that exhausts
the budget is still decided on what was found, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress

from .lattice import Lattice
from .symbols import Sym
from .trie import TrieNode

# Modifiers ("really", "without a doubt") skipped between two parts of a template, at most.
MAX_MODIFIERS = 3
# The bit numbers of masks, remembered: token masks recur from comment to comment (dev.csv holds ~3,300
# distinct ones; bounded at about 5 MB, cleared when full).
_BITS_MEMO_LIMIT = 20_000
_BITS: dict[int, tuple[int, ...]] = {}
# From this many distinct masks on, a comment's start positions are indexed by word-set bit (see Chart.starts).
_MASKS_BY_BIT = 32


def bits_of(mask: int) -> tuple[int, ...]:
    """The bit numbers set in a mask, lowest first (remembered: a pure function of the mask)."""
    found = _BITS.get(mask)
    if found is None:
        numbers = []
        rest = mask
        while rest:
            low = rest & -rest
            numbers.append(low.bit_length() - 1)
            rest ^= low
        if len(_BITS) >= _BITS_MEMO_LIMIT:
            _BITS.clear()
        found = _BITS[mask] = tuple(numbers)
    return found


class WorkBudgetError(Exception):
    """The comment used up its matching budget."""


class Chart:
    """Matches of every word set in one comment, and the memo of every symbol's matches.

    `sentence` is each position's sentence number, read from the lattice (which computes them) on first use.
    """

    __slots__ = (
        "_by_bit",
        "_mentions",
        "_skips",
        "_starts",
        "by_mask",
        "cellmask",
        "cells",
        "filled",
        "lattice",
        "limit",
        "memo",
        "modifier",
        "modifier_first",
        "present",
        "single",
        "size",
        "steps",
        "stride",
    )

    def __init__(self, lattice: Lattice, root: TrieNode, safe_words: frozenset[str], modifier: Sym | None, limit: int):
        self.lattice = lattice
        self.size = size = lattice.size
        self.stride = size + 1
        self.cells: list[dict[int, int] | None] = [None] * (size + 1)
        self.single = [0] * (size + 1)
        self.cellmask = [0] * (size + 1)
        self.by_mask: dict[int, list[int]] = {}
        self.memo: dict[int, Sequence[int]] = {}
        self.modifier = modifier
        self.modifier_first = modifier.first if modifier is not None else 0
        self.limit = limit
        self.steps = 0
        self.filled = 0  # trie look-ups made to fill the chart (work, for the cost tests)
        self._skips: dict[int, tuple[int, ...]] = {}
        self._mentions: dict[int, int] = {}
        self._starts: dict[int, list[int]] = {}
        self._by_bit: dict[int, list[list[int]]] | None = None
        self._fill(root, safe_words)
        present = 0
        for mask in self.by_mask:
            present |= mask
        self.present = present

    @property
    def sentence(self) -> list[int]:
        """Each position's sentence number (the lattice computes them on first use).

        A property, not `__getattr__`: a class with `__getattr__` has none of its attribute reads specialised.
        """
        return self.lattice.sentence

    def capitalization_matters(self) -> bool:
        """False when the comment has no capital letter: no word can be written as a name."""
        folded = self.lattice.folded
        return folded is not None and not folded.original.islower()

    def mark_capitalized(self, bit: int) -> bool:
        """Mark the words written with a capital inside a sentence with the {capitalized} word set; True when any is.

        Called before any symbol reads the chart (the candidate index decides whether it is needed).
        """
        spans = self.lattice.capitalized()
        for start, end in spans:
            if end == start + 1:
                self.single[start] |= bit
                self.cellmask[start] |= bit
                self.by_mask.setdefault(bit, []).append(start)
            else:
                self._add(start, end, bit)  # a name read as several words ("van der sloot") is one name
        if spans:
            self.present |= bit
            self._by_bit = None
        return bool(spans)

    def _add(self, start: int, end: int, mask: int) -> None:
        """Record a phrase of several tokens, or another reading, spanning [start, end)."""
        cell = self.cells[start]
        if cell is None:
            self.cells[start] = {end: mask}
        else:
            cell[end] = cell.get(end, 0) | mask
        self.cellmask[start] |= mask
        positions = self.by_mask.get(mask)
        if positions is None:
            self.by_mask[mask] = [start]
        elif positions[-1] != start:
            positions.append(start)

    def _fill(self, root: TrieNode, safe_words: frozenset[str]) -> None:
        """Look every token up in the trie and follow multi-word phrases (bounded by the trie's depth).

        This is the engine's hottest loop: memo lookups and cell updates are written out inline. The
        phrases going on from a token are followed token by token, all their nodes together; only a
        phrase that goes on over another reading (an edge) waits in `pending`.
        """
        forms, extra, size = self.lattice.forms, self.lattice.extra, self.size
        single, cellmask, by_mask = self.single, self.cellmask, self.by_mask
        add = self._add
        root_memo = root._memo
        pending: list[tuple[int, TrieNode, int]] = []
        walked = 0
        # Each token's memo key, made once (a token is looked up at every phrase that reaches it).
        keys = [spelt[0] if len(spelt) == 1 else spelt for spelt in forms]
        for start in range(size):
            found = root_memo.get(keys[start])
            if found is None:
                found = root.step(forms[start], safe_words)
            mask, onward = found
            nodes: Sequence[TrieNode] = onward
            if mask:
                single[start] = mask
                cellmask[start] = mask
                positions = by_mask.get(mask)
                if positions is None:
                    by_mask[mask] = [start]
                else:
                    positions.append(start)
            here = start + 1
            while nodes:
                walked += len(nodes)
                if here >= size:
                    break
                key = keys[here]
                if len(nodes) == 1 and not extra:
                    # One phrase node going on, no other readings: the common case, without a list.
                    found = nodes[0]._memo.get(key)
                    if found is None:
                        found = nodes[0].step(forms[here], safe_words)
                    mask, nodes = found
                    if mask:
                        add(start, here + 1, mask)
                    here += 1
                    continue
                spelt = forms[here]
                following: list[TrieNode] = []
                for node in nodes:
                    found = node._memo.get(key)
                    if found is None:
                        found = node.step(spelt, safe_words)
                    mask, onward = found
                    if mask:
                        add(start, here + 1, mask)
                    if onward:
                        following.extend(onward)
                    if extra and here in extra:
                        for end, other in extra[here]:
                            mask, onward = node.step(other, safe_words)
                            if mask:
                                add(start, end, mask)
                            pending.extend((start, child, end) for child in onward)
                nodes = following
                here += 1
            if extra and start in extra:
                for end, other in extra[start]:
                    mask, onward = root.step(other, safe_words)
                    if mask:
                        add(start, end, mask)
                    pending.extend((start, node, end) for node in onward)
        # Phrases that go on after another reading: each pending node waits for the token at its position.
        while pending:
            walked += 1
            start, node, here = pending.pop()
            if here >= size:
                continue
            spelt = forms[here]
            mask, onward = node.step(spelt, safe_words)
            if mask:
                add(start, here + 1, mask)
            for child in onward:
                pending.append((start, child, here + 1))
            if extra:
                for end, other in extra.get(here, ()):
                    mask, onward = node.step(other, safe_words)
                    if mask:
                        add(start, end, mask)
                    for child in onward:
                        pending.append((start, child, end))
        self.filled = size + sum(len(edges) for edges in extra.values()) + walked

    def ends(self, symbol: Sym, position: int) -> Sequence[int]:
        """Where a match of the symbol starting at `position` can end (remembered per symbol and position)."""
        if not symbol.memoise:
            return symbol.ends_in(self, position)
        key = symbol.id * self.stride + position
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = symbol.ends_in(self, position)
        return found

    def spend(self, steps: int) -> None:
        """Count matching work; raise WorkBudgetError past the limit."""
        self.steps += steps
        if self.steps > self.limit:
            raise WorkBudgetError

    def starts(self, first: int) -> list[int]:
        """Positions where a word set of the mask `first` begins, in order (remembered: templates share first parts)."""
        known = self._starts.get(first)
        if known is not None:
            return known
        if len(self.by_mask) >= _MASKS_BY_BIT:
            # A long comment holds many masks and tries many templates: each mask's bits are read once,
            # then a mask's starts are the positions of the few bits of it the comment holds.
            by_bit = self._by_bit
            if by_bit is None:
                by_bit = self._by_bit = self._positions_by_bit()
            gathered: set[int] = set()
            for bit in bits_of(first):
                for positions in by_bit.get(bit, ()):
                    gathered.update(positions)
            ordered = sorted(gathered)
        elif self.size <= 4 * len(self.by_mask):
            # Few tokens for the masks found: test every position's mask, in C.
            ordered = list(compress(range(self.size), map(first.__and__, self.cellmask)))
        else:
            found: set[int] = set()
            for mask, positions in self.by_mask.items():
                if mask & first:
                    found.update(positions)
            ordered = sorted(found)
        self._starts[first] = ordered
        return ordered

    def _positions_by_bit(self) -> dict[int, list[list[int]]]:
        """For each word-set bit the comment holds, the position lists of the masks that have it (shared, not copied)."""
        by_bit: dict[int, list[list[int]]] = {}
        get = by_bit.get
        for mask, positions in self.by_mask.items():
            for bit in bits_of(mask):
                known = get(bit)
                if known is None:
                    by_bit[bit] = [positions]
                else:
                    known.append(positions)
        return by_bit

    def skip_modifiers(self, positions: set[int], sentence: int) -> set[int]:
        """The positions, and those reached from them by skipping a few modifiers of the same sentence."""
        modifier = self.modifier
        if modifier is None:
            return positions
        result = set(positions)
        for position in positions:
            reach = self._skips.get(position)
            if reach is None:
                reach = self._skips[position] = self._reach(position, modifier)
            for end in reach:
                if self.sentence[end - 1] == sentence:
                    result.add(end)
        return result

    def _reach(self, position: int, modifier: Sym) -> tuple[int, ...]:
        reached: list[int] = []
        frontier = [position]
        for _hop in range(MAX_MODIFIERS):
            following: list[int] = []
            for start in frontier:
                if start < self.size and self.cellmask[start] & modifier.first:
                    following.extend(self.ends(modifier, start))
            if not following:
                break
            reached.extend(following)
            frontier = following
        return tuple(reached)

    def first_mention(self, symbol: Sym) -> int:
        """The first position where the symbol matches (size + 1 when nowhere): referents look back to it."""
        found = self._mentions.get(symbol.id)
        if found is None:
            found = self.size + 1
            for start in self.starts(symbol.first):
                if self.ends(symbol, start):
                    found = start
                    break
            self._mentions[symbol.id] = found
        return found
