"""The place lexicon rules/lexicons/places.yml: what scripts/build_places.py writes, and what it is for."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset

ROOT = Path(__file__).resolve().parents[2]
PLACES_FILE = ROOT / "rules" / "lexicons" / "places.yml"


@pytest.fixture(scope="module")
def default_ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR)


def load_script() -> ModuleType:
    """scripts/build_places.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_places", ROOT / "scripts" / "build_places.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def places() -> list[str]:
    return list(yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))["populated_place"]["words"])


def test_committed_file_is_what_the_script_writes() -> None:
    assert load_script().main(["--check"]) == 0


def test_countries_capitals_and_the_regions_cities_are_listed() -> None:
    listed = set(places())
    assert {"Iran", "Iraq", "Syria", "Tehran", "Baghdad", "Damascus", "Ankara"} <= listed
    assert {"Erbil", "Kobani", "Qamishli", "Mahabad", "Diyarbakir"} <= listed


def test_names_that_are_ordinary_words_are_left_out() -> None:
    # "Turkey" would make "nuke the turkey" (cooking) a threat; the country is reached through its cities.
    assert "Turkey" not in places()
    assert "Jordan" not in places()


def test_plain_name_drops_the_qualifiers_of_iso_names() -> None:
    plain_name = load_script().plain_name
    assert plain_name("Congo, The Democratic Republic of the") == "Congo"
    assert plain_name("Falkland Islands (Malvinas)") == "Falkland Islands"
    assert plain_name("Guinea-Bissau") == "Guinea Bissau"


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("nuke Baghdad tonight", "reject"),
        ("we should turn Damascus into a crater", "reject"),
        ("Qamishli must be razed to the ground", "reject"),
        ("Saddam's jets gassed Halabja in 1988", "approve"),
        ("the militia vowed to flatten Afrin, residents said", "approve"),
        ("let's turn Erbil into a city of parks", "approve"),
        ("the US should bomb the missile sites", "approve"),
    ],
)
def test_mass_violence_against_a_place_is_a_threat(default_ruleset: Ruleset, text: str, decision: str) -> None:
    assert default_ruleset.evaluate(text).decision == decision
