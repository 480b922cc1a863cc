"""The segmenter splits run-together words of ASCII letters exactly as wordninja does."""

from __future__ import annotations

import random

import wordninja

from moderation.engine.segmenter import splitter

WORDS = ["killallkurds", "ihatethemall", "gobacktoyourcountry", "YouAreStupid", "zzzzqqqqxx", "a", "thisisatest"]


def test_splits_as_wordninja() -> None:
    split = splitter()
    generator = random.Random(7)
    pieces = ["you", "are", "the", "worst", "idiot", "ever", "kill", "them", "all", "go", "home", "x", "q", "scum"]
    words = [*WORDS, *("".join(generator.choices(pieces, k=generator.randint(2, 6))) for _ in range(300))]
    for word in words:
        assert split(word) == wordninja.split(word), word


def test_other_words_stay_whole() -> None:
    # wordninja drops letters that are not ASCII: its parts would not spell the word, so no split is read either way.
    split = splitter()
    for word in ("caf\u00e9time", "na\u00efveidiots"):
        assert split(word) == [word]
        assert "".join(wordninja.split(word)) != word or len(wordninja.split(word)) < 2
