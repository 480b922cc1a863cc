"""What the compiler hands a ruleset (the phrase trie, speller, word-set odds) and the entries a ruleset looks for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import ahocorasick

from .lattice import MIN_JOINED_LETTERS
from .spelling import Speller
from .symbols import Sym
from .trie import TrieNode


class EntryKind(IntEnum):
    """What an entry is for. An IntEnum: the passes compare kinds per candidate, and int comparison is what that costs."""

    HIT = 0  # a rule's template
    EXCEPTION = 1  # one of its `unless` templates (or `unless_patterns`)
    NEAR = 2  # a cue word that cancels its hits nearby (`unless_near`)
    ALLOW = 3  # an allowed phrase of settings.yml (any rule)
    MENTION = 4  # a frame that mentions rather than uses words ("the word ...", "he said ...")


@dataclass(frozen=True, slots=True)
class Entry:
    """A symbol the ruleset looks for: whose it is (-1: no rule's), what kind, and the word sets it needs."""

    rule: int
    kind: EntryKind
    symbol: Sym
    needs: tuple[int, ...]
    anchored: bool
    window: int = 0
    label: int = -1  # which of the rule's exception_texts it is (exceptions and cues)
    key: int = 0  # the rarest word sets it needs, when not its first part: a match starts within `reach` before one
    reach: int = 0
    of: frozenset[str] = frozenset()  # a cue's words of the hit it may cancel (all hits when empty)
    ordered: bool = False  # a series of several needs: matched only when they stand in order in one sentence


@dataclass(frozen=True, slots=True)
class Compiled:
    """What the compiler hands the ruleset: the phrase trie, the speller, the modifiers, and word-set odds."""

    root: TrieNode
    speller: Speller
    letters: Any
    modifier: Sym | None
    rarity: tuple[float, ...]
    lengths: tuple[int, ...] = ()  # the longest phrase of each word set, in tokens
    capitalized: int = 0  # the word-set bit of {capitalized}, when a rule uses it


def letters_automaton(vocabulary: Iterable[str]) -> Any:
    """An Aho-Corasick automaton of the rule words, to find them spelt out in single letters."""
    automaton = ahocorasick.Automaton()
    for word in vocabulary:
        if len(word) >= MIN_JOINED_LETTERS and word.isalpha():
            automaton.add_word(word, len(word))
    if len(automaton):
        automaton.make_automaton()
    return automaton
