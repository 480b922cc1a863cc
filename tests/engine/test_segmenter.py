"""The segmenter splits run-together words exactly as wordninja does."""

from __future__ import annotations

import random

import wordninja

from moderation.engine.segmenter import splitter

WORDS = ["killallkurds", "ihatethemall", "gobacktoyourcountry", "YouAreStupid", "zzzzqqqqxx", "a", "thisisatest", "caf\u00e9time"]


def test_splits_as_wordninja() -> None:
    split = splitter()
    generator = random.Random(7)
    pieces = ["you", "are", "the", "worst", "idiot", "ever", "kill", "them", "all", "go", "home", "x", "q", "scum"]
    words = [*WORDS, *("".join(generator.choices(pieces, k=generator.randint(2, 6))) for _ in range(300))]
    for word in words:
        assert split(word) == wordninja.split(word), word
