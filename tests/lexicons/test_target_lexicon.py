"""The threat-target lexicons rules/lexicons/targets.yml: people by role, leaders' titles, movements' members."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from moderation.engine import Ruleset
from moderation.engine.inflection import inflections
from moderation.engine.normalize import fold

ROOT = Path(__file__).resolve().parents[2]
TARGETS_FILE = ROOT / "rules" / "lexicons" / "targets.yml"
GROUPS_FILE = ROOT / "rules" / "lexicons" / "groups.yml"

# A rule that reads the lexicons as a threat rule would: only the lexicon decides what is a target.
PROBE_RULE = """
category: threat
rules:
  - id: kill-someone
    message: A threat against someone named by role, title or movement
    templates: ["kill (the|that|those|all the|every) {any_person_noun}"]
    examples:
      reject: ["kill that journalist"]
      approve: ["kill the engine"]
"""


def folded(text: str) -> str:
    return " ".join(fold(text).text.split())


@pytest.fixture(scope="module")
def lexicons() -> dict[str, Any]:
    return yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def probe(probe_rules: Callable[[str, str], Ruleset]) -> Ruleset:
    return probe_rules("threats.yml", PROBE_RULE)


@pytest.mark.parametrize(
    "text",
    [
        "kill that journalist",
        "kill all the journalists",
        "kill those protesters",
        "kill those policemen",
        "kill every traitor",
        "kill the neighbours",
        "kill that Baathist",
        "kill the Peshmerga",
        "kill the PKK fighters",
        "kill every IRGC commander",
        "kill the Hashd militiamen",
        "kill the president",
        "kill the prime ministers",
        "kill that ayatollah",
        "kill the mothers in law",
    ],
)
def test_people_named_by_role_title_or_movement_are_targets(probe: Ruleset, text: str) -> None:
    assert probe.evaluate(text).rejected, text


@pytest.mark.parametrize(
    "text",
    ["kill the engine", "kill the time", "kill the bugs", "kill the lights", "kill the process", "kill the mood", "kill the PKK"],
)
def test_things_and_organisations_are_not_people(probe: Ruleset, text: str) -> None:
    assert not probe.evaluate(text).rejected, text


def test_several_hundred_people_and_the_regions_movements(lexicons: dict[str, Any]) -> None:
    assert len(lexicons["person_noun"]["words"]) >= 300
    assert len(lexicons["leader_title"]["words"]) >= 60
    movements = {folded(word) for word in lexicons["movement"]["words"]}
    assert {"pkk", "ypg", "kdp", "puk", "irgc", "hashd", "isis", "baath", "wagner", "antifa"} <= movements


def test_no_entry_is_listed_twice_and_titles_are_not_person_nouns(lexicons: dict[str, Any]) -> None:
    for name in ("person_noun", "leader_title", "movement"):
        words = [folded(word) for word in lexicons[name]["words"]]
        assert len(words) == len(set(words)), name
    # A movement's name may also be its members' noun ("the Peshmerga", "a Taliban"); a role is
    # either a title or not, so any_person_noun holds each once.
    person_nouns = {folded(word) for word in lexicons["person_noun"]["words"]}
    assert sorted(person_nouns & {folded(word) for word in lexicons["leader_title"]["words"]}) == []


def test_no_entry_is_a_group_name_or_a_slur(lexicons: dict[str, Any], slurs: set[str]) -> None:
    # A group's name ("Kurd", "Muslim", "Iraqi") belongs in groups.yml; nouns for anyone of any group
    # ("woman", "refugee") may follow a group adjective, so they are person nouns as well.
    groups = yaml.safe_load(GROUPS_FILE.read_text(encoding="utf-8"))["group"]["groups"]
    names = {
        folded(form) for group in groups for field in ("plural", "singular", "adjective") for form in group[field] if form[0].isupper()
    }
    assert len(names) > 500
    for name in ("person_noun", "leader_title"):
        for word in lexicons[name]["words"]:
            assert folded(word) not in names, f"{word!r} is a group: it belongs in groups.yml"
            assert folded(word) not in slurs, word


def engine_plurals(phrase: str) -> set[str]:
    """The forms the engine's noun inflection gives a phrase: its noun, the word before "of" or the last, inflected."""
    words = phrase.split()
    head = words.index("of", 1) - 1 if "of" in words[1:] else len(words) - 1
    return {" ".join([*words[:head], form, *words[head + 1 :]]) for form in inflections(words[head], "noun")}


def test_entries_are_singular_and_only_underivable_plurals_are_listed(lexicons: dict[str, Any]) -> None:
    engine = pytest.importorskip("inflect").engine()

    def is_singular(word: str) -> bool:
        # inflect's singular_noun answers False for a singular, but misreads some compounds
        # ("attorney general"): those are singular when their plural leads back to them.
        return engine.singular_noun(word) is False or bool(engine.singular_noun(engine.plural_noun(word)) == word)

    for name in ("person_noun", "leader_title"):
        words = [folded(word) for word in lexicons[name]["words"]]
        listed = set(words)
        for word in words:
            if is_singular(word):
                plural = engine.plural_noun(word)
                # An irregular plural ("people", "mothers in law") must be derived or listed; inflect's
                # suffix plurals are not checked, as the two libraries differ on some ("oligarches").
                if not plural.startswith(word):
                    assert plural in engine_plurals(word) | listed, f"{name}: list {plural!r}, the engine does not derive it"
            else:
                singular = engine.singular_noun(word)
                assert singular in listed, f"{name}: {word!r} is a plural of no entry"
                assert word not in engine_plurals(singular), f"{name}: {word!r} is derived from {singular!r}: drop it"
