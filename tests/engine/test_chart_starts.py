"""Chart.starts answers the same by any of its three ways of finding a mask's positions."""

from __future__ import annotations

import pytest

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset
from moderation.engine import chart as chart_module
from moderation.engine.chart import Chart
from moderation.engine.normalize import fold
from moderation.engine.ruleset import WORK_BUDGET

TEXT = (
    "You are all idiots and you know it. They should go back to where they came from, "
    "I swear I will find you. Check out my channel, click the link, buy now for only $9.99! "
    "Those people are vermin, nothing but animals, and they are not welcome here. "
    "You guys are really stupid, honestly the dumbest readers on this site. "
    "Somebody should shoot them all, they deserve to die. I know where you live."
)


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR)


def chart_of(ruleset: Ruleset, text: str) -> Chart:
    lattice = ruleset.lattice(fold(text))
    compiled = ruleset.compiled
    return Chart(lattice, compiled.root, ruleset.settings.safe_words, compiled.modifier, WORK_BUDGET)


@pytest.mark.parametrize("text", [TEXT, "you are an idiot", TEXT * 3])
def test_every_way_finds_the_positions_whose_mask_meets_the_query(ruleset: Ruleset, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    queries = list(dict.fromkeys(need for entry in ruleset.entries for need in (entry.symbol.first, *entry.needs)))
    probe = chart_of(ruleset, text)
    expected = {query: [p for p in range(probe.size) if probe.cellmask[p] & query] for query in queries}
    assert any(expected.values())
    for threshold in (0, 10**9):  # by word-set bit always, never
        monkeypatch.setattr(chart_module, "_MASKS_BY_BIT", threshold)
        chart = chart_of(ruleset, text)
        assert {query: chart.starts(query) for query in queries} == expected


def test_bits_of_lists_the_set_bits_lowest_first() -> None:
    mask = (1 << 2000) | (1 << 70) | (1 << 3) | 1
    assert chart_module.bits_of(mask) == (0, 3, 70, 2000)
    assert chart_module.bits_of(mask) == (0, 3, 70, 2000)  # remembered, same answer
    assert chart_module.bits_of(0) == ()
