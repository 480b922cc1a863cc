"""The counts the documents quote (rules, examples, line numbers of the walk-through) are those of the shipped rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from moderation.engine import Ruleset, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# docs/admin.md's walk-through appends one rule with two reject and one approve example to
# promotion.yml (its heredoc), then tries one more approve example that fails.
WALK_THROUGH_RULES = 1
WALK_THROUGH_EXAMPLES = 3
# Lines of the appended rule after its "- id:" line that the walk-through's errors name.
MODE_LINE, EXAMPLES_KEY_LINE = 3, 6


@pytest.fixture(scope="module")
def shipped() -> Ruleset:
    return load_ruleset(ROOT / "rules")


def _examples(ruleset: Ruleset) -> int:
    return sum(len(rule.examples.reject) + len(rule.examples.approve) for rule in ruleset.rules)


def _numbers(pattern: str, text: str) -> list[int]:
    found = [int(number) for number in re.findall(pattern, text)]
    assert found, f"{pattern!r} quotes nothing: the check no longer reads the document"
    return found


def test_rules_md_and_api_md_quote_the_shipped_rule_count(shipped: Ruleset) -> None:
    count = len(shipped.rules)
    assert _numbers(r"rules/: (\d+) rules", (DOCS / "rules.md").read_text()) == [count]
    assert _numbers(r'"rules": (\d+)', (DOCS / "api.md").read_text()) == [count]


def test_the_admin_walk_through_counts_the_shipped_rules_plus_its_own(shipped: Ruleset) -> None:
    text = (DOCS / "admin.md").read_text()
    live = len(shipped.rules) + WALK_THROUGH_RULES
    assert set(_numbers(r"(\d+) rules\b", text)) == {live}
    assert set(_numbers(r'"rules": ?(\d+)', text)) == {live}
    examples = _examples(shipped) + WALK_THROUGH_EXAMPLES
    assert _numbers(r"(\d+) examples: all pass", text) == [examples]
    assert _numbers(r"(\d+) examples: 1 failed", text) == [examples + 1]


def test_the_admin_walk_through_names_the_lines_its_rule_lands_on() -> None:
    text = (DOCS / "admin.md").read_text()
    rule_line = len((ROOT / "rules" / "promotion.yml").read_text().splitlines()) + 1
    lines = set(_numbers(r"promotion\.yml:(\d+)", text))
    assert lines == {rule_line, rule_line + MODE_LINE, rule_line + EXAMPLES_KEY_LINE}
