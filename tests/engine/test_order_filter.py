"""The cheap tests before a series is matched: its needed word sets in order, from the start tried, in its sentence."""

from __future__ import annotations

from collections.abc import Callable

from moderation.engine.index import chained

Find = Callable[..., list[str]]


def test_a_chain_begins_at_or_after_the_start() -> None:
    # Needs at positions 2 and 5, all in sentence 0: from 0 to 2 the chain is there, from 3 on it is not.
    lists, sentence = [[2], [5]], [0] * 8
    assert [start for start in range(8) if chained(lists, sentence, start)] == [0, 1, 2]


def test_a_chain_stays_in_the_sentence_of_the_start() -> None:
    # Positions 0-3 are sentence 0, 4-7 sentence 1: the second need is only in sentence 1.
    lists, sentence = [[1, 5], [6]], [0, 0, 0, 0, 1, 1, 1, 1]
    assert not chained(lists, sentence, 0)
    assert chained(lists, sentence, 4)


def test_a_later_need_must_come_after_the_earlier_one() -> None:
    lists, sentence = [[3], [1, 3]], [0] * 5
    assert not chained(lists, sentence, 0)  # the second need stands before or at the first, never after it


def test_a_series_matches_from_every_start_its_chain_allows(find: Find) -> None:
    # Two starts of the first part; only the one whose later parts follow in its sentence matches.
    text = "you are nice. you are a moron"
    assert find("{second_person} {be} a {insult}", text) == ["you are a moron"]
    assert find("{second_person} {be} a {insult}", "you are a moron. you are a moron") == ["you are a moron", "you are a moron"]
