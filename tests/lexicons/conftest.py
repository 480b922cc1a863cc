"""Shared fixtures for the lexicon data tests: the slurs no entry may be, and probe rules over the shipped lexicons."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from moderation.engine import Ruleset, load_ruleset
from moderation.engine.inflection import inflections
from moderation.engine.syntax import expand_phrase

LEXICON_DIR = Path(__file__).resolve().parents[2] / "rules" / "lexicons"
SLUR_FILE = LEXICON_DIR / "slurs.yml"


@pytest.fixture(scope="session")
def slurs() -> set[str]:
    """Every phrase the slur_* lexicons of slurs.yml expand to, with their plurals, words joined by spaces."""
    lexicons = yaml.safe_load(SLUR_FILE.read_text(encoding="utf-8"))
    phrases = set()
    for name, lexicon in lexicons.items():
        if not name.startswith("slur_"):
            continue
        entries = lexicon["words"] if isinstance(lexicon, dict) else lexicon
        for entry in entries:
            for phrase in expand_phrase(entry):
                *head, last = phrase
                phrases.update(" ".join([*head, form]) for form in inflections(last, "noun"))
    assert len(phrases) > 100, "the slur lexicons moved: this fixture reads none"
    return phrases


@pytest.fixture(scope="module")
def probe_rules(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Ruleset]:
    """probe_rules("abuse.yml", text): one rule file over a copy of the shipped lexicons, loaded."""

    def load(name: str, text: str) -> Ruleset:
        directory = tmp_path_factory.mktemp("rules")
        shutil.copytree(LEXICON_DIR, directory / "lexicons")
        (directory / name).write_text(text, encoding="utf-8")
        return load_ruleset(directory)

    return load
