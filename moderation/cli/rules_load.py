"""Loading a rule directory for a command: every error printed with file:line, rule id and what to do."""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app

from ..engine import RuleError, Ruleset, RuleSetError, load_ruleset
from ..engine.schemas import ExamplesSchema, LexiconSchema, RuleFileSchema, RuleSchema, SettingsSchema
from .output import json_out

DIRECTORY = click.Path(file_okay=False, path_type=Path)


def rules_dir(directory: Path | None) -> Path:
    """The directory a command was given, or the configured one."""
    return directory or Path(current_app.config["RULES_DIR"])


def load_or_exit(directory: Path, as_json: bool, check_examples: bool = True) -> Ruleset:
    """Load a rule directory; on errors print each with file:line and rule id, and exit 1."""
    try:
        return load_ruleset(directory, check_examples=check_examples)
    except RuleSetError as error:
        report_load_errors(directory, error, as_json)


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for schema in (RuleSchema, RuleFileSchema, LexiconSchema, SettingsSchema, ExamplesSchema):
        keys.update(field.data_key or name for name, field in schema().fields.items())
    return sorted(keys)


def hint(problem: RuleError) -> str | None:
    """What to do about a load error, when the message alone does not say it."""
    message = problem.message
    unknown = re.match(r"^(?:[\w.]+\.)?(\w+): unknown key$", message)
    if unknown:
        close = difflib.get_close_matches(unknown.group(1), _known_keys(), n=1)
        return f"did you mean `{close[0]}`?" if close else "remove it; docs/rules.md lists the keys"
    missing = re.match(r"^([\w.]+): Missing data for required field\.$", message)
    if missing:
        return f"add `{missing.group(1).split('.')[-1]}:`"
    if message.startswith("example to reject does not fire the rule"):
        return "widen the rule so it matches this text, or drop the example; `rules explain --rules DIR TEXT` shows what fires"
    if message.startswith("example to approve fires the rule"):
        return "add an `unless:` exception or narrow the rule; `rules explain --rules DIR TEXT` shows the match"
    if message.startswith("YAML syntax error"):
        return "check the indentation and quotes on this line and the one before"
    if "unknown lexicon" in message:
        return "define it in a file under lexicons/ or fix the name"
    if "written twice" in message:
        return "keep one of them"
    return None


def report_load_errors(directory: Path, error: RuleSetError, as_json: bool) -> NoReturn:
    """Print every load error with what to do (stderr, or JSON on stdout) and exit 1."""
    if as_json:
        problems = [{**problem.to_dict(), "hint": hint(problem)} for problem in error.errors]
        json_out({"ok": False, "directory": str(directory), "errors": problems})
    else:
        for problem in error.errors:
            advice = hint(problem)
            click.echo(f"{problem}" + (f"\n    -> {advice}" if advice else ""), err=True)
        summary = f"{len(error.errors)} error(s) in {directory}: nothing was loaded"
        click.echo(f"{summary} (a running service keeps its last good rules).", err=True)
    sys.exit(1)
