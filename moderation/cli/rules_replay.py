"""`moderation rules replay`: logged comments re-decided with a candidate rule directory, and what would change."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

from ..engine import Policies, Ruleset
from ..storage.history import logged_decisions, reason_spans
from ..storage.times import parse_when
from .output import highlight, json_out, use_color
from .rules_load import DIRECTORY, load_policies_or_exit

PROGRESS_EVERY = 500


class WhenType(click.ParamType):  # type: ignore[type-arg]  # click's generic form differs across 8.x releases
    """A start time as the log filters read it: ISO 8601 (UTC unless it says otherwise), a date, today, or an age."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        """Parse the option's text into an aware UTC datetime."""
        if isinstance(value, datetime):
            return value
        try:
            return parse_when(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


@dataclass
class Change:
    """Comments whose decision the candidate changes in one direction."""

    count: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    reviewed: Counter[str] = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, reviews_known: bool) -> dict[str, Any]:
        """JSON form for --json."""
        return {
            "count": self.count,
            "categories": dict(self.categories.most_common()),
            "rules": dict(self.rules.most_common()),
            "reviewed": {"upheld": self.reviewed["upheld"], "overturned": self.reviewed["overturned"]} if reviews_known else None,
            "examples": self.examples,
        }


@dataclass
class Replay:
    """The difference between the logged decisions and a candidate ruleset's decisions on the same texts."""

    replayed: int = 0
    recategorised: int = 0
    newly_rejected: Change = field(default_factory=Change)
    newly_approved: Change = field(default_factory=Change)
    logged_rulesets: Counter[str] = field(default_factory=Counter)
    shadow_hits: Counter[str] = field(default_factory=Counter)
    shadow_on_approved: Counter[str] = field(default_factory=Counter)
    reviews_known: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the figures (the command adds the candidate and the window)."""
        return {
            "replayed": self.replayed,
            "logged_rulesets": dict(self.logged_rulesets.most_common()),
            "changed": self.newly_rejected.count + self.newly_approved.count,
            "newly_rejected": self.newly_rejected.to_dict(self.reviews_known),
            "newly_approved": self.newly_approved.to_dict(self.reviews_known),
            "recategorised": self.recategorised,
            "shadow": {rule: {"hits": hits, "on_approved": self.shadow_on_approved[rule]} for rule, hits in self.shadow_hits.most_common()},
            "reviews_known": self.reviews_known,
        }


def _json_list(value: Any) -> list[Any]:
    # JSON columns come back decoded on most backends; a plain TEXT column may hold the raw JSON.
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


def _example(row: Any, old: dict[str, Any], new: dict[str, Any], reviews_known: bool) -> dict[str, Any]:
    created = row.created_at.isoformat() if isinstance(row.created_at, datetime) else str(row.created_at)
    review = row.review_status if reviews_known else None
    return {"id": row.id, "created_at": created, "text": row.text, "review_status": review, "logged": old, "candidate": new}


def replay(rows: Iterator[Any], candidate: Ruleset | Policies, reviews_known: bool, examples: int, progress: bool) -> Replay:
    """Re-decide each logged comment with the candidate (the policy of the comment's site) and count what changes."""
    result = Replay(reviews_known=reviews_known)
    for row in rows:
        result.replayed += 1
        if progress and result.replayed % PROGRESS_EVERY == 0:
            click.echo(f"\rreplayed {result.replayed} comments…", err=True, nl=False)
        result.logged_rulesets[row.ruleset] += 1
        reasons = [reason for reason in _json_list(row.reasons) if isinstance(reason, dict)]
        old_categories = [str(category) for category in _json_list(row.categories)]
        old_rules = [reason.get("rule") for reason in reasons if reason.get("mode", "enforce") == "enforce"]
        decision = (candidate.for_site(row.site) if isinstance(candidate, Policies) else candidate).evaluate(row.text)
        new_rules = [reason.rule for reason in decision.enforcing]
        for reason in decision.reasons:
            if reason.mode == "shadow":
                result.shadow_hits[reason.rule] += 1
                if decision.decision == "approve":
                    result.shadow_on_approved[reason.rule] += 1
        if decision.decision == row.decision:
            if decision.rejected and set(decision.categories) != set(old_categories):
                result.recategorised += 1
            continue
        old_spans = [[start, end] for start, end, _ in reason_spans(reasons, enforcing_only=True)]
        old = {"decision": row.decision, "categories": old_categories, "rules": old_rules, "matches": old_spans}
        new = {
            "decision": decision.decision,
            "categories": list(decision.categories),
            "rules": new_rules,
            "matches": [[m.start, m.end] for reason in decision.enforcing for m in reason.matches],
        }
        categories: Sequence[str]
        rules: Sequence[str | None]
        if decision.rejected:
            change, categories, rules = result.newly_rejected, decision.categories, new_rules
        else:
            change, categories, rules = result.newly_approved, old_categories, old_rules
        change.count += 1
        change.categories.update(categories)
        change.rules.update(rule for rule in rules if rule)
        if reviews_known and row.review_status in ("upheld", "overturned"):
            change.reviewed[row.review_status] += 1
        if len(change.examples) < examples:
            change.examples.append(_example(row, old, new, reviews_known))
    if progress and result.replayed >= PROGRESS_EVERY:
        click.echo(f"\rreplayed {result.replayed} comments.   ", err=True)
    return result


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counter.items()) or "-"


def _print_change(title: str, change: dict[str, Any], side: str, color: bool) -> None:
    click.echo(f"  {title}: {change['count']}")
    if not change["count"]:
        return
    click.echo(f"    by category:  {_counts(change['categories'])}")
    click.echo(f"    by rule:      {_counts(change['rules'])}")
    if change["reviewed"] is not None:
        reviewed = change["reviewed"]
        click.echo(
            f"    reviewed:     {reviewed['overturned']} overturned by a moderator (the candidate agrees), "
            f"{reviewed['upheld']} upheld (the candidate disagrees)"
        )
    for example in change["examples"]:
        decided = example[side]
        reviewed = f"  (review: {example['review_status']})" if example["review_status"] not in (None, "unreviewed") else ""
        click.echo(f"    - {example['id']}  {example['created_at'][:19]}  {', '.join(decided['rules']) or '-'}{reviewed}")
        spans = [(start, end) for start, end in decided["matches"]]
        click.echo(f"      {highlight(example['text'], spans, color)}")


def _print_replay(data: dict[str, Any], described: str, scope: str, color: bool) -> None:
    replayed = data["replayed"]
    click.echo(f"Replayed {replayed} logged comments{scope} with {described}.")
    if not replayed:
        return
    click.echo(f"Logged decisions came from ruleset(s): {_counts(data['logged_rulesets'])}")
    share = 100 * data["changed"] / replayed
    click.echo(f"Changed decisions: {data['changed']} of {replayed} ({share:.1f}%)")
    _print_change("newly rejected", data["newly_rejected"], "candidate", color)
    _print_change("newly approved", data["newly_approved"], "logged", color)
    if data["recategorised"]:
        click.echo(f"  still rejected, for other categories: {data['recategorised']}")
    if not data["reviews_known"]:
        click.echo("  (the log has no review status, so reviewed decisions are not counted)")
    if data["shadow"]:
        click.echo("Shadow rules in the candidate (they never decide):")
        for rule, counts in data["shadow"].items():
            plural = "" if counts["hits"] == 1 else "s"
            click.echo(f"  {rule:<32} fires on {counts['hits']} comment{plural}, {counts['on_approved']} of them approved")


@click.command("replay")
@click.option("--candidate", "directory", required=True, type=DIRECTORY, help="The candidate rule directory.")
@click.option("--since", type=WhenType(), help="Only comments logged since DATE (2026-11-01, 2026-11-01T08:00 UTC, today, or 24h, 7d).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the N most recent comments.")
@click.option("--examples", default=3, show_default=True, type=click.IntRange(min=0, max=100), help="Examples shown per direction.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.option("--color/--no-color", default=None, help="Highlight matches in colour (default: when stdout is a terminal).")
@click.option("--site", help="Only comments logged for SITE, decided with its policy (by default each comment's own site's).")
@with_appcontext
def rules_replay(
    directory: Path,
    since: datetime | None,
    limit: int | None,
    examples: int,
    as_json: bool,
    quiet: bool,
    color: bool | None,
    site: str | None,
) -> None:
    """Re-decide logged comments with a candidate rule directory and show what would change.

    Compares the candidate's decision on each logged comment (newest first) with the
    decision logged at the time: how many comments would be newly rejected or newly
    approved, by category and by rule, with examples, and how many of those a
    moderator had reviewed. Nothing is written to the log.
    """
    policies = load_policies_or_exit(directory, as_json)
    candidate = policies.for_site(site)
    engine: Engine = current_app.extensions["moderation.db"]
    try:
        rows, reviews_known = logged_decisions(engine, since, limit, site)
        progress = not (quiet or as_json) and sys.stderr.isatty()
        result = replay(rows, policies, reviews_known, examples, progress)
    except NoSuchTableError:
        raise click.ClickException(f"the decision log at {engine.url!r} has no decisions table yet") from None
    except SQLAlchemyError as error:
        raise click.ClickException(f"cannot read the decision log at {engine.url!r}: {error.__class__.__name__}") from None
    data: dict[str, Any] = {
        "candidate": {"directory": str(directory), "version": candidate.version, "rules": len(candidate.rules), "policy": candidate.policy},
        "site": site,
        "since": since.isoformat() if since else None,
        "limit": limit,
        **result.to_dict(),
    }
    if as_json:
        json_out(data)
        return
    window = [f"since {since:%Y-%m-%d %H:%M} UTC" if since else "", f"the {limit} most recent" if limit else ""]
    scope = f" ({', '.join(part for part in window if part)})" if any(window) else ""
    described = f"{directory} (version {candidate.version}, {len(candidate.rules)} rules)"
    _print_replay(data, described, scope, use_color(color))
