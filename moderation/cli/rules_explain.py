"""`moderation rules explain`: every rule that fires on a text, its score and span, and the decision."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from ..engine import Ruleset
from ..rulebook import explain
from .output import SHORT_TEXT, highlight, json_out, use_color
from .rules_load import DIRECTORY, load_or_exit, rules_dir, site_option


def _print_hits(text: str, hits: list[dict[str, Any]], color: bool) -> None:
    if not hits:
        click.echo("No rule fired.")
        return
    click.echo(f"Rules that fired ({len(hits)}):")
    for hit in hits:
        where = f"{hit['file']}:{hit['line']}" if hit["file"] else ""
        state = "decides" if hit["decides"] else ("shadow: never decides" if hit["mode"] == "shadow" else "below threshold")
        category = hit["category"] + (f"/{hit['subcategory']}" if hit["subcategory"] else "")
        click.echo(f"  {hit['rule']:<32} {category:<24} {hit['mode']:<8} score {hit['score']:<5g} {state:<22} {where}")
        click.echo(f"      {hit['message']}")
        spans = [(m["start"], m["end"]) for m in hit["matches"]]
        click.echo(f"      {highlight(text, spans, color, shadow=hit['mode'] == 'shadow')}")


def _print_explanation(text: str, data: dict[str, Any], ruleset: Ruleset, directory: Path, color: bool) -> None:
    enforce_spans = [(m["start"], m["end"]) for hit in data["hits"] if hit["mode"] == "enforce" for m in hit["matches"]]
    click.echo(f"Ruleset     {data['ruleset']}  ({directory}, policy {data['policy']}, {len(ruleset.rules)} rules)")
    click.echo(f"Text        {highlight(text, enforce_spans, color)}")
    normalized = data["normalized"]
    if len(normalized) > 2 * SHORT_TEXT:
        normalized = f"{normalized[: 2 * SHORT_TEXT]}… ({len(normalized) - 2 * SHORT_TEXT} more characters; --json shows all)"
    click.echo(f"Normalised  {normalized}")
    click.echo()
    _print_hits(text, data["hits"], color)
    scored = [entry for entry in data["scores"] if entry["score"] > 0]
    if scored:
        click.echo()
        click.echo("Category scores (enforced rules only):")
        for entry in scored:
            verdict = "reject" if entry["rejects"] else "below threshold"
            click.echo(f"  {entry['category']:<16} {entry['score']:g} of threshold {entry['threshold']:g}  -> {verdict}")
    click.echo()
    categories = f"  ({', '.join(data['categories'])})" if data["categories"] else ""
    click.echo(f"Decision    {data['decision'].upper()}{categories}")


@click.command("explain")
@click.argument("text")
@click.option("--rules", "directory", type=DIRECTORY, help="Rule directory to explain with (default: the configured one).")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON (as POST /v1/rules/test answers).")
@click.option("--color/--no-color", default=None, help="Highlight matches in colour (default: when stdout is a terminal).")
@site_option
@with_appcontext
def rules_explain(text: str, directory: Path | None, as_json: bool, color: bool | None, site: str | None) -> None:
    """Show what the rules do with TEXT (`-` reads it from stdin): every rule that fired and the decision.

    Lists every rule that fired, enforced or shadow, with its category, score and the
    matched span of the text as given; then the category scores against their
    thresholds and the final decision. Nothing is logged.
    """
    if text == "-":
        text = sys.stdin.read()
        # A pipe adds one line break at the end that is not part of the comment.
        text = text.removesuffix("\n").removesuffix("\r")
    if not text.strip():
        raise click.UsageError("TEXT is empty.")
    directory = rules_dir(directory)
    ruleset = load_or_exit(directory, as_json, site=site)  # a site without an overlay gets the shared rules, as its comments do
    data = explain(ruleset, text)
    if as_json:
        json_out({"directory": str(directory), **data})
    else:
        _print_explanation(text, data, ruleset, directory, use_color(color))
