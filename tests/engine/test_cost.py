"""Bounded cost: every hostile shape of text costs a few times an ordinary text of the same length, counted as work."""

from __future__ import annotations

import pytest

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset
from moderation.engine import ruleset as ruleset_module

# Ordinary comments on a news site, written for this test, cycled to 20,000 characters.
PARAGRAPHS = [
    "The council in Erbil voted again on the budget last night, and I still do not see how the new road "
    "will be paid for. Three years ago we were promised the same thing, and the trucks still go through the old town.",
    "Thanks for the careful report. My grandfather lived in Duhok before the war, and he always said that the "
    "market there was the busiest in the region. I would love to read more about how it changed.",
    "I disagree with the columnist about the elections. Turnout was low because people have lost faith, not "
    "because they are lazy. Both parties should explain where the oil money went before asking for votes.",
    "Does anyone know whether the border crossing at Ibrahim Khalil is open this week? My cousin needs to "
    "travel to Turkey for a medical appointment and the ministry website has not been updated since Monday.",
    "The article says the dam is safe, but the engineers quoted in it work for the company that built it. "
    "An independent inspection would settle the question. Until then I will keep worrying, like most of my neighbours.",
    "Great photos of the spring festival! The children dancing in traditional clothes made my day. We went "
    "with our whole family and the food stalls were better than ever, although the parking was a nightmare.",
]
LENGTH = 20_000


def cycled(parts: list[str], length: int = LENGTH) -> str:
    text = ""
    index = 0
    while len(text) < length:
        text += parts[index % len(parts)] + "\n"
        index += 1
    return text[:length]


HOSTILE = {
    "dotted letters": "f.u.c.k." * 2500,
    "single letters": "a " * 10000,
    "letters and stops": "a." * 10000,
    "hyphenated fragments": "a-b-" * 5000,
    "digits": "1 2 3 4 5 " * 2000,
    "spaced swear word": "f u c k " * 2500,
    "quoted letters": '"a" ' * 5000,
    "spaced cyrillic": "\u0441 \u0443 \u043a \u0430 " * 2500,
    "one word": "you " * 5000,
    "a template's words": "i will kill you " * 1250,
    "stars": "*" * 20000,
    "marks": "!" * 20000,
    "single quotes": "'a' " * 5000,
    "broken encoding": "\u00e2\x80\x99" * 6666,
    "run-together words": "killallyou" * 2000,
    "misspellings": "idoit wmoen stupd " * 1100,
}


@pytest.fixture(scope="module")
def default_rules() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR, check_examples=False)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_shape_costs_a_few_times_an_ordinary_text(default_rules: Ruleset, name: str) -> None:
    ordinary = default_rules.assess(cycled(PARAGRAPHS)).work
    text = HOSTILE[name][:LENGTH]
    hostile = default_rules.assess(text)
    assert hostile.work <= 5 * ordinary, f"{name}: {hostile.work} against {ordinary}"
    assert not hostile.decision.budget_exhausted


def test_cost_grows_linearly_with_length(default_rules: Ruleset) -> None:
    short = default_rules.assess(cycled(PARAGRAPHS, 5_000)).work
    long = default_rules.assess(cycled(PARAGRAPHS, 20_000)).work
    assert 3 * short <= long <= 5 * short


def test_a_comment_that_exhausts_the_budget_is_still_decided_and_says_so(default_rules: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ruleset_module, "WORK_BUDGET", 50)
    decision = default_rules.evaluate("you are a complete idiot " * 200 + " and I will kill you")
    assert decision.budget_exhausted
    assert decision.to_dict()["budget_exhausted"] is True
    monkeypatch.undo()
    assert "budget_exhausted" not in default_rules.evaluate("you are a complete idiot").to_dict()
