"""The YAML budgets of every rule file (size, nesting depth, no aliases), alone and through the loader."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from moderation.engine import RuleError
from moderation.engine.yamlsource import MAX_YAML_CHARS, MAX_YAML_DEPTH, YAMLBudgetError, load_yaml

Errors = Callable[[dict[str, str | bytes]], list[RuleError]]

RULE = "category: threat\nrules:\n  - id: a\n    message: m\n    words: [grr]\n    examples:\n      reject: [grr]\n"


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_mappings(depth: int) -> str:
    return "{a: " * depth + "1" + "}" * depth


def padded(text: str, size: int) -> str:
    """The text followed by a comment that brings it to exactly size characters."""
    return text + "#" + "x" * (size - len(text) - 2) + "\n"


def test_nesting_just_under_the_budget_loads() -> None:
    value = load_yaml(nested_lists(MAX_YAML_DEPTH))
    for _ in range(MAX_YAML_DEPTH - 1):
        value = value[0]
    assert value == []
    assert load_yaml(nested_mappings(MAX_YAML_DEPTH - 1))["a"]["a"]["a"] is not None


@pytest.mark.parametrize("text", [nested_lists(MAX_YAML_DEPTH + 1), nested_mappings(MAX_YAML_DEPTH + 1)])
def test_nesting_just_over_the_budget_is_refused(text: str) -> None:
    with pytest.raises(YAMLBudgetError, match=f"deeper than {MAX_YAML_DEPTH} levels"):
        load_yaml(text)


@pytest.mark.parametrize("text", [nested_lists(20_000), nested_mappings(20_000), "- " * 20_000 + "x\n"])
def test_nesting_20000_deep_is_refused_where_the_budget_ends(text: str) -> None:
    with pytest.raises(YAMLBudgetError) as raised:
        load_yaml(text)
    mark = raised.value.problem_mark
    assert mark is not None
    # Refused at the first level over the budget, or at libyaml's own limit of 1,000 open brackets
    # where its scanner reaches that first: the rest of the file is never read.
    assert mark.index <= 1024


def test_size_just_under_the_budget_loads() -> None:
    assert load_yaml(padded("a: 1\n", MAX_YAML_CHARS)) == {"a": 1}


def test_size_just_over_the_budget_is_refused() -> None:
    with pytest.raises(YAMLBudgetError, match=f"{MAX_YAML_CHARS + 1:,} characters"):
        load_yaml(padded("a: 1\n", MAX_YAML_CHARS + 1))


def test_aliases_are_refused_at_their_line() -> None:
    assert load_yaml('a: &x ["y"]\n') == {"a": ["y"]}  # an anchor alone repeats nothing
    with pytest.raises(YAMLBudgetError, match="aliases") as raised:
        load_yaml('a: &x ["y", "y"]\nb: [*x, *x]\n')
    assert raised.value.problem_mark is not None and raised.value.problem_mark.line == 1


@pytest.mark.parametrize(
    ("name", "text", "line", "fragment"),
    [
        ("deep.yml", nested_mappings(20_000), 1, "deeper than"),
        ("lexicons/deep.yml", "words:\n  " + nested_lists(20_000) + "\n", 2, "deeper than"),
        ("big.yml", padded(RULE, MAX_YAML_CHARS + 1), None, "characters"),
        ("lexicons/alias.yml", "a: &a [x, y]\nb: [*a, *a]\n", 2, "aliases"),
    ],
)
def test_the_loader_reports_a_budget_as_a_located_rule_error(errors_of: Errors, name: str, text: str, line: int, fragment: str) -> None:
    errors = [error for error in errors_of({"ok.yml": RULE, name: text}) if error.file == name]
    assert len(errors) == 1, [str(error) for error in errors]
    assert errors[0].line == line
    assert fragment in errors[0].message and "syntax error" not in errors[0].message


def test_a_rule_file_just_under_the_size_budget_loads(build: Callable[..., object]) -> None:
    assert build({"ok.yml": padded(RULE, MAX_YAML_CHARS)}) is not None
