"""The phrase trie: every phrase of every word set, matched token by token in O(1) dict probes per token.

Each node carries a bit mask of the word sets ("atoms") for which the path to it is a whole phrase.
Keys are words, stems ("fuck*") or endings ("*fucker"); a token is looked up under each of its spellings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

Step = tuple[int, tuple["TrieNode", ...]]
_NO_STEP: Step = (0, ())


class TrieNode:
    """One node: children by exact word, by stem and by ending; the atoms whose phrases end here."""

    __slots__ = ("_memo", "exact", "mask", "prefix_lengths", "prefixes", "suffix_lengths", "suffixes")

    # Spellings remembered per node: the same tokens recur (Zipf), and the cap bounds memory.
    MEMO_LIMIT = 4096

    def __init__(self) -> None:
        self.mask = 0
        self.exact: dict[str, TrieNode] = {}
        self.prefixes: dict[str, TrieNode] = {}
        self.prefix_lengths: tuple[int, ...] = ()
        self.suffixes: dict[str, TrieNode] = {}
        self.suffix_lengths: tuple[int, ...] = ()
        self._memo: dict[str | tuple[str, ...], Step] = {}

    def __getstate__(self) -> dict[str, Any]:
        # TrieNode's own slots: a subclass (the root) declares none of its own.
        return {name: getattr(self, name) for name in TrieNode.__slots__ if name != "_memo"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._memo = {}

    def child(self, key: str) -> TrieNode:
        """The child under a key ("word", "stem*" or "*ending"), created when missing."""
        if key.endswith("*") and len(key) > 1:
            table, stem = self.prefixes, key[:-1]
            if stem not in table:
                self.prefix_lengths = tuple(sorted({*self.prefix_lengths, len(stem)}))
        elif key.startswith("*") and len(key) > 1:
            table, stem = self.suffixes, key[1:]
            if stem not in table:
                self.suffix_lengths = tuple(sorted({*self.suffix_lengths, len(stem)}))
        else:
            table, stem = self.exact, key
        node = table.get(stem)
        if node is None:
            node = table[stem] = TrieNode()
        return node

    def add(self, phrase: Iterable[str], bit: int) -> None:
        """Mark a phrase (a sequence of keys) as belonging to the atom with this bit."""
        node = self
        for word in phrase:
            node = node.child(word)
        node.mask |= bit

    def has_children(self) -> bool:
        """True when a longer phrase continues from this node."""
        return bool(self.exact or self.prefixes or self.suffixes)

    def _children(self, form: str, safe_words: frozenset[str]) -> Iterator[TrieNode]:
        found = self.exact.get(form)
        if found is not None:
            yield found
        if (self.prefix_lengths or self.suffix_lengths) and form not in safe_words:
            size = len(form)
            for length in self.prefix_lengths:
                if length > size:
                    break
                found = self.prefixes.get(form[:length])
                if found is not None:
                    yield found
            for length in self.suffix_lengths:
                if length > size:
                    break
                found = self.suffixes.get(form[-length:])
                if found is not None:
                    yield found

    def step(self, forms: tuple[str, ...], safe_words: frozenset[str]) -> Step:
        """For a token's spellings: the atoms of the phrases it completes, and the nodes it leads on to."""
        memo = self._memo
        # Keyed by the spelling itself when there is one: a string caches its hash, a tuple does not.
        key: str | tuple[str, ...] = forms[0] if len(forms) == 1 else forms
        found = memo.get(key)
        if found is not None:
            return found
        mask = 0
        onward: dict[int, TrieNode] = {}
        for form in forms:
            for node in self._children(form, safe_words):
                mask |= node.mask
                if node.has_children():
                    onward[id(node)] = node
        found = (mask, tuple(onward.values())) if mask or onward else _NO_STEP
        if len(memo) >= self.MEMO_LIMIT:
            memo.clear()
        memo[key] = found
        return found

    def words(self) -> Iterator[str]:
        """Every single-token key that completes a phrase here (words and stems, for the spelling index)."""
        yield from (word for word, node in self.exact.items() if node.mask)
        yield from (stem + "*" for stem, node in self.prefixes.items() if node.mask)
        yield from ("*" + stem for stem, node in self.suffixes.items() if node.mask)

    def all_keys(self) -> Iterator[str]:
        """Every key of every node below (with stems and endings marked), for the spelling index."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield from node.exact
            yield from (stem + "*" for stem in node.prefixes)
            yield from ("*" + stem for stem in node.suffixes)
            stack.extend(node.exact.values())
            stack.extend(node.prefixes.values())
            stack.extend(node.suffixes.values())

    def count(self) -> int:
        """Nodes in this trie (for budgets and benchmarks)."""
        total, stack = 0, [self]
        while stack:
            node = stack.pop()
            total += 1
            stack.extend(node.exact.values())
            stack.extend(node.prefixes.values())
            stack.extend(node.suffixes.values())
        return total


class LayeredRoot(TrieNode):
    """A site's root: the shared trie and the site's own phrases looked up together, neither copied nor changed.

    It keeps its own memo, so that a site's safe words never leave a stale step in the shared root's memo.
    """

    __slots__ = ("base", "own")
    MEMO_LIMIT = 200_000

    def __init__(self, base: TrieNode, own: TrieNode):
        super().__init__()
        self.base = base
        self.own = own

    def __getstate__(self) -> dict[str, Any]:
        return {"base": self.base, "own": self.own}

    def __setstate__(self, state: dict[str, Any]) -> None:
        TrieNode.__init__(self)
        self.base, self.own = state["base"], state["own"]

    def _children(self, form: str, safe_words: frozenset[str]) -> Iterator[TrieNode]:
        yield from self.base._children(form, safe_words)
        yield from self.own._children(form, safe_words)

    def has_children(self) -> bool:
        """True: a root always leads on."""
        return True
