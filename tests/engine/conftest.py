"""Helpers for engine tests: write small rule directories into tmp_path and load them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from moderation.engine import RuleError, Ruleset, RuleSetError, load_ruleset

WriteRules = Callable[..., Path]


@pytest.fixture
def write_rules(tmp_path: Path) -> WriteRules:
    """write_rules({"a.yml": "...", "lexicons/x.yml": "..."}) writes a rule directory and returns it."""

    def write(files: dict[str, str | bytes], name: str = "rules") -> Path:
        directory = tmp_path / name
        for relative, content in files.items():
            path = directory / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        directory.mkdir(parents=True, exist_ok=True)
        return directory

    return write


@pytest.fixture
def build(write_rules: WriteRules) -> Callable[..., Ruleset]:
    """build({...}) writes a rule directory and loads it (examples checked)."""

    def load(files: dict[str, str | bytes], check_examples: bool = True) -> Ruleset:
        return load_ruleset(write_rules(files), check_examples=check_examples)

    return load


@pytest.fixture
def errors_of(write_rules: WriteRules) -> Callable[..., list[RuleError]]:
    """errors_of({...}) writes a broken rule directory and returns every error its loading reports."""

    def load(files: dict[str, str | bytes]) -> list[RuleError]:
        with pytest.raises(RuleSetError) as raised:
            load_ruleset(write_rules(files))
        return raised.value.errors

    return load


# Lexicons for template tests; `modifier`, `negation` and `list_words` switch on the operators that use them.
TEST_LEXICONS = """
second_person: [you, u, you guys]
be: [are, is, "'re"]
intensifier: [complete, total]
insult:
  inflect: noun
  words: [moron, idiot, clown]
violent_verb:
  inflect: verb
  words: [kill, stab, beat up, shoot]
modifier: [really, truly, so, without a doubt]
negation: [not, never, "no", "aren't", "isn't", "don't"]
list_words: [and, or]
nation:
  groups:
    - {id: kurds, subcategory: racism, plural: [Kurds], singular: [Kurd], adjective: [Kurdish]}
    - {id: arabs, subcategory: racism, plural: [Arabs], singular: [Arab], adjective: [Arab]}
  people: "(people|men|women)"
  person: "(man|woman|person)"
  refer: [they, them]
"""


@pytest.fixture
def find(write_rules: WriteRules) -> Callable[..., list[str]]:
    """find(template, text) -> the texts the template matches in text (with TEST_LEXICONS), [] when none."""
    built: dict[tuple[str, ...], Ruleset] = {}

    def run(template: str, text: str, lexicons: str = TEST_LEXICONS, options: str = "") -> list[str]:
        key = (template, lexicons, options)
        if key not in built:
            rule = f"""
            category: threat
            rules:
              - id: t
                message: test
                templates: [{template!r}]
                {options}
                examples: {{reject: [x]}}
            """
            name = f"r{len(built)}"
            built[key] = load_ruleset(write_rules({"t.yml": rule, "lexicons/l.yml": lexicons}, name=name), check_examples=False)
        hits = built[key].assess(text).hits
        return [match.text for hit in hits for match in hit.matches]

    return run
