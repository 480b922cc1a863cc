"""The group lexicon rules/lexicons/groups.yml: what scripts/build_groups.py writes, and sound as data."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from moderation.engine import Ruleset
from moderation.engine.normalize import fold

ROOT = Path(__file__).resolve().parents[2]
GROUPS_FILE = ROOT / "rules" / "lexicons" / "groups.yml"
SUPPLEMENT = ROOT / "scripts" / "groups_extra.yml"
SUBCATEGORIES = {"racism", "xenophobia", "religious", "sexism", "homophobia", "transphobia", "ableism"}
FORM_FIELDS = ("plural", "singular", "adjective")

# A rule that reads the shipped lexicons as an abuse rule would: only the group lexicon decides who a group is.
PROBE_RULE = """
category: abuse
rules:
  - id: dehumanising
    message: A group called vermin
    templates: ["{group} {be} {dehumanising_noun}", "(a|an|that) {group_one} {be} (a|an) {dehumanising_noun}"]
    examples:
      reject: ["Kurds are rats"]
      approve: ["Kurds are here"]
"""


@functools.cache
def load_script() -> ModuleType:
    """scripts/build_groups.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_groups", ROOT / "scripts" / "build_groups.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def folded(form: str) -> str:
    """A form as the engine compares it: case-folded, accents dropped, hyphens splitting words."""
    return " ".join(fold(form).text.replace("-", " ").split())


@pytest.fixture(scope="module")
def groups() -> list[dict[str, Any]]:
    return yaml.safe_load(GROUPS_FILE.read_text(encoding="utf-8"))["group"]["groups"]


@pytest.fixture(scope="module")
def supplement() -> dict[str, Any]:
    return yaml.safe_load(SUPPLEMENT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def owners(groups: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Each case-folded form, and the ids of the groups that list it."""
    found: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        for name in FORM_FIELDS:
            for form in group[name]:
                found[folded(form)].add(group["id"])
    return found


@pytest.fixture(scope="module")
def probe(probe_rules: Callable[[str, str], Ruleset]) -> Ruleset:
    return probe_rules("abuse.yml", PROBE_RULE)


@pytest.mark.parametrize(
    "text",
    [
        "Iranians are cockroaches",
        "Persians are rats",
        "Turks are animals",
        "Americans are vermin",
        "The Dutch are animals",
        "Sunnis are vermin",
        "Shiites are parasites",
        "Yazidis are rats",
        "Baha'is are vermin",
        "Kurdish people are rats",
        "Kurdish women are animals",
        "a Kurd is a rat",
        "that Kurdish journalist is a rat",
        "non-binary people are parasites",
        "People with Down syndrome are animals",
        "refugees are vermin",
        "Arabs, Persians and Turks are animals",
        # Contested names are forms of the group they name.
        "Gypsies are vermin",
        "Eskimos are animals",
        "illegals are parasites",
    ],
)
def test_the_engine_reads_every_form_of_a_group(probe: Ruleset, text: str) -> None:
    assert probe.evaluate(text).rejected, text


@pytest.mark.parametrize("text", ["Turkeys are animals", "China is a vermin-free country", "Rats are animals", "Kurds are here"])
def test_things_and_places_are_not_groups(probe: Ruleset, text: str) -> None:
    assert not probe.evaluate(text).rejected, text


def test_committed_file_is_what_the_script_writes() -> None:
    pytest.importorskip("pycountry")
    pytest.importorskip("countryinfo")
    expected = load_script().build()
    assert GROUPS_FILE.read_text(encoding="utf-8") == expected, "groups.yml is out of date: run python scripts/build_groups.py"


def test_every_iso_country_has_a_group_or_a_reason() -> None:
    pycountry = pytest.importorskip("pycountry")
    text = GROUPS_FILE.read_text(encoding="utf-8")
    named = set(re.findall(r"^ {4}# .*\(([A-Z]{2})\)$", text, re.MULTILINE))
    left_out = set(re.findall(r"^#   ([A-Z]{2}) ", text, re.MULTILINE))
    assert not named & left_out
    assert {country.alpha_2 for country in pycountry.countries} == named | left_out


def test_every_entry_has_an_id_a_subcategory_and_a_form(groups: list[dict[str, Any]]) -> None:
    ids = [group["id"] for group in groups]
    assert len(ids) == len(set(ids))
    for group in groups:
        assert set(group) == {"id", "subcategory", *FORM_FIELDS}, group["id"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", group["id"])
        assert group["subcategory"] in SUBCATEGORIES, group["id"]
        assert any(group[name] for name in FORM_FIELDS), group["id"]
        for name in FORM_FIELDS:
            assert all(isinstance(form, str) and form.strip() == form and form for form in group[name]), group["id"]
            assert "-" not in "".join(group[name]), f"{group['id']}: hyphens are written as spaces"


def test_every_subcategory_has_groups(groups: list[dict[str, Any]]) -> None:
    assert {group["subcategory"] for group in groups} == SUBCATEGORIES


def test_no_form_names_two_groups(owners: dict[str, set[str]]) -> None:
    shared = {form: sorted(ids) for form, ids in owners.items() if len(ids) > 1}
    assert not shared


def test_no_form_is_a_slur(owners: dict[str, set[str]], slurs: set[str]) -> None:
    one_word = {slur for slur in slurs if " " not in slur}
    for form in owners:
        assert form not in slurs, form
        assert not set(form.split()) & one_word, form


def test_plural_forms_are_plural_and_singular_forms_are_not(groups: list[dict[str, Any]], supplement: dict[str, Any]) -> None:
    inflect = pytest.importorskip("inflect")
    engine = inflect.engine()
    without_s = {folded(form) for form in supplement["plurals_without_s"]}
    for group in groups:
        collectives = {folded(form) for form in group["adjective"]}
        plurals = {folded(form) for form in group["plural"]}
        for form in group["plural"]:
            # A plural noun, or a collective that is the group's adjective ("the Dutch", "the Swiss").
            assert engine.singular_noun(form) or folded(form) in collectives | without_s, f"{group['id']}: {form!r}"
        for form in group["singular"]:
            # inflect gives the singular of a plural, False or the form itself otherwise; "Turkmen" and
            # "Malagasy", one word for one and for many, are listed as both.
            assert engine.singular_noun(form) in (False, form) or folded(form) in plurals, f"{group['id']}: {form!r}"


def test_the_groups_the_guideline_names_are_covered(owners: dict[str, set[str]]) -> None:
    required = [
        # The site's region.
        "Kurds",
        "Arabs",
        "Persians",
        "Iranians",
        "Iraqis",
        "Syrians",
        "Turks",
        "Turkmen",
        "Assyrians",
        "Chaldeans",
        "Armenians",
        "Yazidis",
        "Jews",
        "Druze",
        "Alawites",
        "Baloch",
        "Azeris",
        "Circassians",
        "Roma",
        "Berbers",
        "Amazigh",
        "Pashtuns",
        "Hazaras",
        "Uyghurs",
        "Chechens",
        "Palestinians",
        "Americans",
        "Russians",
        # Big categories.
        "Blacks",
        "Whites",
        "Asians",
        "Africans",
        "Latinos",
        "Hispanics",
        "Indigenous",
        # Religions and sects.
        "Muslims",
        "Shia",
        "Shiites",
        "Sunnis",
        "Christians",
        "Catholics",
        "Orthodox",
        "Protestants",
        "Alevis",
        "Zoroastrians",
        "Baha'is",
        "Mandaeans",
        "Hindus",
        "Sikhs",
        "Buddhists",
        "atheists",
        # Sexuality, gender identity, sex.
        "gay",
        "lesbian",
        "bisexual",
        "queer",
        "LGBT",
        "LGBTQ",
        "trans",
        "transgender",
        "non binary",
        "intersex",
        "women",
        "men",
        # Disability, migration.
        "disabled",
        "deaf",
        "blind",
        "autistic",
        "people with Down syndrome",
        "mentally ill",
        "refugees",
        "migrants",
        "immigrants",
        "asylum seekers",
        "foreigners",
    ]
    assert [form for form in required if folded(form) not in owners] == []


def test_no_place_name_is_a_group_form(owners: dict[str, set[str]]) -> None:
    # "Turkey", "China", "Chad", "Jordan", "Georgia", "Guinea", "Jersey" are ordinary words or places, not people.
    pycountry = pytest.importorskip("pycountry")
    names = {folded(getattr(country, "common_name", country.name)) for country in pycountry.countries}
    names |= {"turkey", "china", "chad", "jordan", "georgia", "guinea", "jersey", "kurdistan", "england", "wales"}
    assert sorted(names & set(owners)) == []


def test_collision_flags_name_a_form_and_appear_in_the_file(owners: dict[str, set[str]], supplement: dict[str, Any]) -> None:
    text = GROUPS_FILE.read_text(encoding="utf-8")
    assert len(supplement["collisions"]) >= 20
    for form in supplement["collisions"]:
        assert folded(form) in owners, form
        assert f"# collides: {form!r} is also" in text, form


def test_script_derives_forms_from_a_demonym() -> None:
    script = load_script()
    assert script.forms_from_demonym(["Iraqi"]) == {"plural": ["Iraqis"], "singular": ["Iraqi"], "adjective": ["Iraqi"]}
    assert script.forms_from_demonym(["Japanese"]) == {"plural": ["Japanese"], "singular": [], "adjective": ["Japanese"]}
    assert script.forms_from_demonym(["Icelander"]) == {"plural": ["Icelanders"], "singular": ["Icelander"], "adjective": []}
    assert script.spaced("Guinea-Bissauan") == "Guinea Bissauan"
    assert script.group_id("Réunionese") == "reunionese"


def test_script_refuses_a_collision_flag_no_group_carries() -> None:
    script = load_script()
    group = script.Group(id="kurds", subcategory="racism", plural=["Kurds"])
    with pytest.raises(SystemExit, match="not a form"):
        script.flag_collisions([group], {"Turkey": "the bird"})
    script.flag_collisions([group], {"Kurds": "a test"})
    assert group.comments == ["collides: 'Kurds' is also a test"]
