"""The phrase trie: identical subtries shared once it is complete, and empty tables shared by every leaf."""

from __future__ import annotations

import pickle

from moderation.engine.trie import TrieNode, share_subtries

PHRASES = [
    (("kill", "your", "family"), 1),
    (("hurt", "your", "family"), 1),
    (("kill", "your", "dog"), 2),
    (("hurt", "your", "dog"), 2),
    (("hurt", "you"), 4),
    (("fuck*",), 8),
    (("*fucker",), 8),
]
TOKENS = [("kill",), ("hurt",), ("your",), ("family",), ("dog",), ("you",), ("fucking",), ("motherfucker",), ("tree",)]


def trie() -> TrieNode:
    root = TrieNode()
    for phrase, bit in PHRASES:
        root.add(phrase, bit)
    return root


def walk(root: TrieNode, tokens: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """The mask each token completes and how many nodes lead on, for every token read from the root and one level down."""
    found = []
    for first in tokens:
        mask, onward = root.step(first, frozenset())
        found.append((mask, len(onward)))
        for node in onward:
            for second in tokens:
                mask, further = node.step(second, frozenset())
                found.append((mask, len(further)))
                for last in further:
                    found.extend((last.step(third, frozenset())[0], 0) for third in tokens)
    return found


def test_identical_subtries_become_one_node_and_match_the_same() -> None:
    plain, shared = trie(), trie()
    share_subtries(shared)
    assert shared.count() < plain.count()
    # "kill your" and "hurt your" lead on to the same node once shared.
    kill_your = shared.exact["kill"].exact["your"]
    assert kill_your is shared.exact["hurt"].exact["your"]
    assert walk(shared, TOKENS) == walk(plain, TOKENS)


def test_a_shared_trie_survives_pickling() -> None:
    shared = trie()
    share_subtries(shared)
    copy = pickle.loads(pickle.dumps(shared))
    assert copy.count() == shared.count()
    assert walk(copy, TOKENS) == walk(shared, TOKENS)
    assert copy.exact["kill"].exact["your"] is copy.exact["hurt"].exact["your"]


def test_leaves_share_empty_tables_until_they_get_children() -> None:
    root = trie()
    leaf = root.exact["hurt"].exact["you"]
    other = root.exact["kill"].exact["your"].exact["dog"]
    assert leaf.exact is other.exact and not leaf.exact
    leaf.add(("now",), 16)
    assert leaf.exact and not other.exact
    assert root.exact["hurt"].exact["you"].step(("now",), frozenset())[0] == 16


def test_add_files_words_stems_endings_and_a_lone_star_as_child_does() -> None:
    root = TrieNode()
    root.add(("go", "kill*", "*self", "*", "now"), 1)
    by_child = TrieNode()
    node = by_child
    for key in ("go", "kill*", "*self", "*", "now"):
        node = node.child(key)
    node.mask |= 1
    assert pickle.dumps(root) == pickle.dumps(by_child)
    assert root.exact["go"].prefixes["kill"].suffixes["self"].exact["*"].exact["now"].mask == 1


def test_add_all_adds_as_add_does() -> None:
    one_by_one, at_once = TrieNode(), TrieNode()
    for phrase, bit in PHRASES:
        one_by_one.add(phrase, bit)
        at_once.add_all([phrase], bit)
    at_once.add_all([("go", "kill*", "*self"), ("go", "now")], 16)
    one_by_one.add(("go", "kill*", "*self"), 16)
    one_by_one.add(("go", "now"), 16)
    assert pickle.dumps(at_once) == pickle.dumps(one_by_one)
