"""`moderation rules test`: every rule's examples run against its directory, failures listed by rule."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from ..engine import Ruleset
from ..engine.examples import failing_examples
from .output import highlight, json_out, use_color
from .rules_load import DIRECTORY, load_or_exit, rules_dir, site_option

_PROBLEMS = {"reject": "the rule does not fire", "approve": "the rule fires"}


def example_failures(ruleset: Ruleset) -> list[dict[str, Any]]:
    """The engine's example check, grouped: one entry per rule that has failures, in rule order."""
    by_rule: dict[str, dict[str, Any]] = {}
    for failure in failing_examples(ruleset):
        rule = failure.rule
        entry = by_rule.setdefault(rule.id, {"rule": rule.id, "file": rule.location.file, "line": rule.location.line, "failures": []})
        entry["failures"].append(
            {
                "expected": failure.expected,
                "text": failure.text,
                "problem": _PROBLEMS[failure.expected],
                "matches": [match.to_dict() for match in failure.matches],
            }
        )
    return list(by_rule.values())


def _print_failures(failures: list[dict[str, Any]], color: bool) -> None:
    for entry in failures:
        click.echo(f"FAIL {entry['rule']}  ({entry['file']}:{entry['line']})")
        for problem in entry["failures"]:
            if problem["expected"] == "reject":
                click.echo(f"  should reject, but the rule does not fire:  {problem['text']!r}")
            else:
                spans = [(match["start"], match["end"]) for match in problem["matches"]]
                click.echo(f"  should approve, but the rule fires on:      {highlight(problem['text'], spans, color)}")


@click.command("test")
@click.argument("directory", required=False, type=DIRECTORY)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--color/--no-color", default=None, help="Highlight matches in colour (default: when stdout is a terminal).")
@site_option
@with_appcontext
def rules_test(directory: Path | None, as_json: bool, color: bool | None, site: str | None) -> None:
    """Run every rule's examples in DIRECTORY (default: the configured one) and report failures by rule.

    Each rule's `reject` examples must fire it and its `approve` examples must not.
    Exits 1 when any example fails or the files do not load.
    """
    directory = rules_dir(directory)
    ruleset = load_or_exit(directory, as_json, check_examples=False, site=site, overlay=True)
    failures = example_failures(ruleset)
    examples = sum(len(rule.examples.reject) + len(rule.examples.approve) for rule in ruleset.rules)
    failed = sum(len(entry["failures"]) for entry in failures)
    if as_json:
        json_out(
            {
                "ok": not failures,
                "directory": str(directory),
                "version": ruleset.version,
                "policy": ruleset.policy,
                "rules": len(ruleset.rules),
                "examples": examples,
                "failed": failed,
                "failures": failures,
            }
        )
    else:
        _print_failures(failures, use_color(color))
        summary = f"{directory}: {len(ruleset.rules)} rules, {examples} examples"
        if failures:
            click.echo(f"{summary}: {failed} failed in {len(failures)} rule(s).")
        else:
            click.echo(f"{summary}: all pass (version {ruleset.version}).")
    if failures:
        sys.exit(1)
