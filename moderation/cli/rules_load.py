"""Loading a rule directory for a command: every error printed with file:line, rule id and what to do."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app

from ..engine import Policies, RuleError, Ruleset, RuleSetError, load_policies
from ..engine.errors import ErrorKind
from ..engine.schemas import ExamplesSchema, LexiconSchema, RuleFileSchema, RuleSchema, SettingsSchema
from .output import json_out

DIRECTORY = click.Path(file_okay=False, path_type=Path)


def rules_dir(directory: Path | None) -> Path:
    """The directory a command was given, or the configured one."""
    return directory or Path(current_app.config["RULES_DIR"])


# The --site option of the rules commands and eval: decide as for a comment of that site.
site_option = click.option("--site", help="Use this site's policy (rules/sites/SITE.yml over the shared rules).")


def load_policies_or_exit(directory: Path, as_json: bool, check_examples: bool = True) -> Policies:
    """Load a rule directory and its site overlays; on errors print each with file:line and rule id, and exit 1."""
    try:
        return load_policies(directory, check_examples=check_examples)
    except RuleSetError as error:
        report_load_errors(directory, error, as_json)


def load_or_exit(directory: Path, as_json: bool, check_examples: bool = True, site: str | None = None, overlay: bool = False) -> Ruleset:
    """The ruleset of a site's policy (the shared rules without a site); `overlay`: the site must have one, else exit 2."""
    policies = load_policies_or_exit(directory, as_json, check_examples)
    ruleset = policies.for_site(site)
    if site and overlay and ruleset is policies.shared:
        known = ", ".join(sorted(policies.sites)) or "none"
        raise click.UsageError(f"no overlay for site {site!r} in {directory / 'sites'} (sites: {known})")
    return ruleset


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for schema in (RuleSchema, RuleFileSchema, LexiconSchema, SettingsSchema, ExamplesSchema):
        keys.update(field.data_key or name for name, field in schema().fields.items())
    return sorted(keys)


def hint(problem: RuleError) -> str | None:
    """What to do about a load error, chosen by its kind: a close key for a misspelt one, else the kind's advice."""
    last_key = problem.key.split(".")[-1] if problem.key else None
    if problem.kind is ErrorKind.UNKNOWN_KEY and last_key:
        close = difflib.get_close_matches(last_key, _known_keys(), n=1)
        if close:
            return f"did you mean `{close[0]}`?"
    if problem.kind is ErrorKind.MISSING_KEY and last_key:
        return f"add `{last_key}:`"
    return problem.kind.hint


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
