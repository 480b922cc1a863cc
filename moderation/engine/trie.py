"""The phrase trie: every phrase of every word set, matched token by token in O(1) dict probes per token.

Each node carries a bit mask of the word sets ("atoms") for which the path to it is a whole phrase.
Keys are words, stems ("fuck*") or endings ("*fucker"); a token is looked up under each of its spellings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

Step = tuple[int, tuple["TrieNode", ...]]
_NO_STEP: Step = (0, ())
# Most nodes are leaves, and almost none has stems or endings below it: they all share these empty
# tables (never written to: a node gets tables of its own when it gets its first child or memo).
_NO_CHILDREN: dict[str, TrieNode] = {}
_NO_MEMO: dict[str | tuple[str, ...], Step] = {}


class TrieNode:
    """One node: children by exact word, by stem and by ending; the atoms whose phrases end here."""

    __slots__ = ("_memo", "exact", "mask", "prefix_lengths", "prefixes", "suffix_lengths", "suffixes")

    # Spellings remembered per node: the same tokens recur (Zipf), and the cap bounds memory.
    MEMO_LIMIT = 4096

    def __init__(self) -> None:
        self.mask = 0
        self.exact: dict[str, TrieNode] = _NO_CHILDREN
        self.prefixes: dict[str, TrieNode] = _NO_CHILDREN
        self.prefix_lengths: tuple[int, ...] = ()
        self.suffixes: dict[str, TrieNode] = _NO_CHILDREN
        self.suffix_lengths: tuple[int, ...] = ()
        self._memo: dict[str | tuple[str, ...], Step] = _NO_MEMO

    def __getstate__(self) -> Any:
        # A tuple, empty tables as None: a node pickles small and unpickles back onto the shared empty tables.
        return (
            self.mask,
            self.exact or None,
            self.prefixes or None,
            self.prefix_lengths,
            self.suffixes or None,
            self.suffix_lengths,
        )

    def __setstate__(self, state: Any) -> None:
        mask, exact, prefixes, self.prefix_lengths, suffixes, self.suffix_lengths = state
        self.mask = mask
        self.exact = exact or _NO_CHILDREN
        self.prefixes = prefixes or _NO_CHILDREN
        self.suffixes = suffixes or _NO_CHILDREN
        self._memo = _NO_MEMO

    def child(self, key: str) -> TrieNode:
        """The child under a key ("word", "stem*" or "*ending"), created when missing."""
        if key.endswith("*") and len(key) > 1:
            stem = key[:-1]
            if self.prefixes is _NO_CHILDREN:
                self.prefixes = {}
            table = self.prefixes
            if stem not in table:
                self.prefix_lengths = tuple(sorted({*self.prefix_lengths, len(stem)}))
        elif key.startswith("*") and len(key) > 1:
            stem = key[1:]
            if self.suffixes is _NO_CHILDREN:
                self.suffixes = {}
            table = self.suffixes
            if stem not in table:
                self.suffix_lengths = tuple(sorted({*self.suffix_lengths, len(stem)}))
        else:
            stem = key
            if self.exact is _NO_CHILDREN:
                self.exact = {}
            table = self.exact
        node = table.get(stem)
        if node is None:
            node = table[stem] = TrieNode()
        return node

    def add(self, phrase: Iterable[str], bit: int) -> None:
        """Mark a phrase (a sequence of keys) as belonging to the atom with this bit."""
        self.add_all((tuple(phrase),), bit)

    def add_all(self, phrases: Iterable[tuple[str, ...]], bit: int) -> None:
        """Mark every phrase as belonging to the atom with this bit, in one call: a word set holds thousands."""
        for phrase in phrases:
            node = self
            for word in phrase:
                if "*" in word:
                    node = node.child(word)
                    continue
                # Most keys are plain words: the exact table without child()'s tests for stems and endings.
                table = node.exact
                if table is _NO_CHILDREN:
                    table = node.exact = {}
                found = table.get(word)
                if found is None:
                    found = table[word] = TrieNode()
                node = found
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
        if memo is _NO_MEMO:
            memo = self._memo = {}
        elif len(memo) >= self.MEMO_LIMIT:
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
        for node in self.nodes():
            yield from node.exact
            yield from (stem + "*" for stem in node.prefixes)
            yield from ("*" + stem for stem in node.suffixes)

    def nodes(self) -> Iterator[TrieNode]:
        """Every distinct node below and this one (a node shared by several paths once)."""
        seen = {id(self)}
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            for table in (node.exact, node.prefixes, node.suffixes):
                for child in table.values():
                    if id(child) not in seen:
                        seen.add(id(child))
                        stack.append(child)

    def count(self) -> int:
        """Distinct nodes in this trie (for budgets and benchmarks)."""
        return sum(1 for _node in self.nodes())


def share_subtries(root: TrieNode) -> None:
    """Make every set of identical subtries (same masks, same keys, all the way down) one shared node.

    Phrases of different word sets often end alike, and leaves with the same mask are all alike: the
    trie becomes a graph holding each distinct subtrie once. A step depends only on the subtrie below
    a node, so matching is unchanged. Call it once the trie is complete: nothing may be added after.
    """
    # Every inner node with the table and key it hangs from, each after its parent (root first, hanging from
    # nothing); `order` also keeps every one alive, so no id is reused. Leaves are shared on the way down.
    leaves: dict[int, TrieNode] = {}
    order: list[tuple[TrieNode, dict[str, TrieNode] | None, str]] = []
    stack: list[tuple[TrieNode, dict[str, TrieNode] | None, str]] = [(root, None, "")]
    while stack:
        entry = stack.pop()
        order.append(entry)
        node = entry[0]
        for table in (node.exact, node.prefixes, node.suffixes) if node.prefixes or node.suffixes else (node.exact,):
            for key, child in table.items():
                if child.exact or child.prefixes or child.suffixes:
                    stack.append((child, table, key))
                else:
                    table[key] = leaves.setdefault(child.mask, child)  # the key is there: the table keeps its size
    inner: dict[Any, TrieNode] = {}
    for node, parent, key in reversed(order):  # children before their parents
        if parent is None:
            continue  # the root stays itself
        signature: Any
        if node.prefixes or node.suffixes:
            signature = (node.mask, frozenset(node.exact.items()), frozenset(node.prefixes.items()), frozenset(node.suffixes.items()))
        elif len(node.exact) == 1:
            signature = (node.mask, *node.exact.items())  # most inner nodes lead on by one key: no set to make
        else:
            signature = (node.mask, frozenset(node.exact.items()))
        parent[key] = inner.setdefault(signature, node)


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
