"""Token tries: look a token up by exact spelling, by stem ("fuck*") or by ending ("*fucker") in O(1) dict probes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from .tokens import Token

V = TypeVar("V")


class StemIndex(Generic[V]):
    """Dict keyed by token spelling, with entries that match a whole word, a stem or an ending."""

    __slots__ = ("exact", "prefix_lengths", "prefixes", "suffix_lengths", "suffixes")

    def __init__(self) -> None:
        self.exact: dict[str, V] = {}
        self.prefixes: dict[str, V] = {}
        self.prefix_lengths: tuple[int, ...] = ()
        self.suffixes: dict[str, V] = {}
        self.suffix_lengths: tuple[int, ...] = ()

    def _table(self, key: str) -> tuple[dict[str, V], str]:
        """The table a key ("stem*", "*ending" or a word) lives in, and its stem; registers the stem's length."""
        if key.endswith("*") and len(key) > 1:
            stem = key[:-1]
            self.prefix_lengths = tuple(sorted({*self.prefix_lengths, len(stem)}))
            return self.prefixes, stem
        if key.startswith("*") and len(key) > 1:
            stem = key[1:]
            self.suffix_lengths = tuple(sorted({*self.suffix_lengths, len(stem)}))
            return self.suffixes, stem
        return self.exact, key

    def setdefault(self, key: str, factory: type[V] | None = None, default: V | None = None) -> V:
        """Return the value stored under key ("stem*", "*ending" or a word), creating it if missing."""
        table, stem = self._table(key)
        if stem not in table:
            table[stem] = factory() if factory is not None else default  # type: ignore[assignment]
        return table[stem]

    def put(self, key: str, value: V) -> None:
        """Store value under key, replacing any value there."""
        table, stem = self._table(key)
        table[stem] = value

    def keys(self) -> Iterable[str]:
        """Every key in its written form (stems with their asterisk)."""
        yield from self.exact
        yield from (stem + "*" for stem in self.prefixes)
        yield from ("*" + stem for stem in self.suffixes)

    def lookup(self, form: str, safe_words: frozenset[str]) -> list[V]:
        """Values whose key matches this spelling; stems and endings never match a safe word."""
        found = []
        value = self.exact.get(form)
        if value is not None:
            found.append(value)
        if (self.prefix_lengths or self.suffix_lengths) and form not in safe_words:
            size = len(form)
            for length in self.prefix_lengths:
                if length > size:
                    break
                value = self.prefixes.get(form[:length])
                if value is not None:
                    found.append(value)
            for length in self.suffix_lengths:
                if length > size:
                    break
                value = self.suffixes.get(form[-length:])
                if value is not None:
                    found.append(value)
        return found


class TokenTrie:
    """A set of token sequences (words and multi-word phrases) matched token by token."""

    __slots__ = ("_depth", "_next", "_next_safe", "children", "terminal")

    # Spellings remembered per node; a node seldom sees more (its set's words are few), and the cap bounds memory.
    _MAX_REMEMBERED = 4096

    def __init__(self) -> None:
        self.children: StemIndex[TokenTrie] = StemIndex()
        self.terminal = False
        self._depth: int | None = None
        # A token's spellings -> the children they lead to, for the safe words last used.
        self._next: dict[tuple[str, ...], tuple[TokenTrie, ...]] = {}
        self._next_safe: frozenset[str] | None = None

    def add(self, words: Sequence[str]) -> None:
        """Add one token sequence; each word may be a stem ("kill*") or an ending ("*shit")."""
        node = self
        for word in words:
            node = node.children.setdefault(word, TokenTrie)
        node.terminal = True

    def depth(self) -> int:
        """Tokens in the longest sequence of the set (computed once; tries are immutable after loading)."""
        cached = self._depth
        if cached is None:
            index = self.children
            children = [*index.exact.values(), *index.prefixes.values(), *index.suffixes.values()]
            cached = 1 + max((child.depth() for child in children), default=0) if children else 0
            self._depth = cached
        return cached

    def first_words(self) -> Iterable[str]:
        """The keys that can start a sequence of this set."""
        return self.children.keys()

    def _children_for(self, forms: tuple[str, ...], safe_words: frozenset[str]) -> tuple[TokenTrie, ...]:
        """The distinct children that any of a token's spellings leads to (memoised: the same tokens recur)."""
        if safe_words is not self._next_safe:
            self._next, self._next_safe = {}, safe_words
        children = self._next.get(forms)
        if children is None:
            found: dict[int, TokenTrie] = {}
            for form in forms:
                for child in self.children.lookup(form, safe_words):
                    found.setdefault(id(child), child)
            children = tuple(found.values())
            if len(self._next) >= self._MAX_REMEMBERED:
                self._next.clear()
            self._next[forms] = children
        return children

    def ends(self, tokens: Sequence[Token], start: int, safe_words: frozenset[str]) -> set[int]:
        """Token positions where a sequence of this set that starts at `start` can end."""
        found: set[int] = set()
        frontier = [(self, start)]
        size = len(tokens)
        while frontier:
            node, position = frontier.pop()
            if position >= size:
                continue
            for child in node._children_for(tokens[position].forms, safe_words):
                if child.terminal:
                    found.add(position + 1)
                if child.children.exact or child.children.prefixes or child.children.suffixes:
                    frontier.append((child, position + 1))
        return found
