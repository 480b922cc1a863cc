"""The collision lint: ordinary English words that a rule reaches without naming them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from moderation.cli.lint import find_collisions, is_named, lint_command, named_words, ordinary_words
from moderation.engine import load_ruleset

STEM_RULES = """
category: profanity
rules:
  - id: cat-stem
    message: Anything that starts with cat
    words: ["cat*", "dog"]
    examples:
      reject: ["a cat", "categorical"]
      approve: ["a bird"]
"""


def write_rules(directory: Path, text: str, settings: str = "") -> Path:
    directory.mkdir()
    (directory / "profanity.yml").write_text(text, encoding="utf-8")
    if settings:
        (directory / "settings.yml").write_text(settings, encoding="utf-8")
    return directory


def test_stem_collisions_are_reported(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules", STEM_RULES)
    result = CliRunner().invoke(lint_command, [str(rules), "--words", "3000", "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    words = {collision["word"] for collision in report["collisions"]}
    # "category" and "catch" are ordinary words the stem reaches; "cat" and "dog" are named on purpose.
    assert {"category", "catch"} <= words
    assert "cat" not in words and "dog" not in words
    assert all(collision["rules"] == ["profanity/cat-stem"] for collision in report["collisions"])


def test_safe_words_clear_the_collisions(tmp_path: Path) -> None:
    ruleset_dir = write_rules(tmp_path / "rules", STEM_RULES)
    collisions = find_collisions(load_ruleset(ruleset_dir), ordinary_words(3000), named_words(ruleset_dir))
    safe = "safe_words: [" + ", ".join(c.word for c in collisions) + "]\n"
    (ruleset_dir / "settings.yml").write_text(safe, encoding="utf-8")
    result = CliRunner().invoke(lint_command, [str(ruleset_dir), "--words", "3000"])
    assert result.exit_code == 0, result.output
    assert "0 rejected that no rule names" in result.output


def test_named_words_and_compounds(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules", STEM_RULES.replace('words: ["cat*", "dog"]', 'words: ["(dog|dogs)", "cat*"]'))
    named = named_words(rules)
    assert {"dog", "dogs", "cat"} <= named.exact and "cat*" not in named.exact
    assert "cat" not in named.whole  # a stem's root does not make its compounds intended
    assert "shit" in named.whole  # better-profanity's list counts as named
    assert is_named("dogs", named) and is_named("horseshit", named) and not is_named("category", named)


def test_broken_rules_are_refused(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules", "category: nonsense\nrules: []\n")
    result = CliRunner().invoke(lint_command, [str(rules), "--words", "10"])
    assert result.exit_code != 0 and "error(s)" in result.output


def test_registered_under_rules() -> None:
    from moderation.cli import main

    result = CliRunner().invoke(main, ["rules", "lint", "--help"])
    assert result.exit_code == 0 and "--words" in result.output


EXCEPTION_RULES = """
category: profanity
rules:
  - id: bitch
    message: Swearing
    words: [bitch]
    unless:
      - "(the|a) bitch (had|whelped) *2 (puppies|pups)"
      - "bitch (of the (litter|year))"
    unless_near:
      - window: 5
        words: [kennel, breeder]
    examples:
      reject: ["you bitch"]
      approve: ["the bitch had six puppies", "a breeder showed her bitch"]
"""


def test_exceptions_that_no_approve_example_needs_are_reported(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules", EXCEPTION_RULES)
    result = CliRunner().invoke(lint_command, [str(rules), "--words", "100", "--json"])
    assert result.exit_code == 1, result.output
    idle = json.loads(result.output)["idle_exceptions"]
    # The puppies and the breeder are shown by an example each; the litter and the kennel by none.
    assert idle == [
        {"rule": "profanity/bitch", "exception": "unless: bitch (of the (litter|year))"},
        {"rule": "profanity/bitch", "exception": "unless_near (within 5): kennel"},
    ]


def test_rules_whose_exceptions_all_have_examples_pass(tmp_path: Path) -> None:
    shown = EXCEPTION_RULES.replace('      - "bitch (of the (litter|year))"\n', "").replace("[kennel, breeder]", "[breeder]")
    rules = write_rules(tmp_path / "rules", shown)
    result = CliRunner().invoke(lint_command, [str(rules), "--words", "100"])
    assert result.exit_code == 0, result.output
    assert "0 exceptions that no approve example of their rule needs" in result.output
