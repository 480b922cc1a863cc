"""`moderation rules test|explain|replay`: see what rule files do before they go live."""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine, MetaData, Table, select
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

from ..engine import RuleError, Ruleset, RuleSetError, load_ruleset
from ..engine.schemas import ExamplesSchema, LexiconSchema, RuleFileSchema, RuleSchema, SettingsSchema
from ..rulebook import explain

# Long comments are shown as excerpts around each match, this many characters either side.
CONTEXT_CHARS = 40
# Texts up to this length are shown whole.
SHORT_TEXT = 240
PROGRESS_EVERY = 500
BATCH_ROWS = 500

_DIRECTORY = click.Path(file_okay=False, path_type=Path)


def _rules_dir(directory: Path | None) -> Path:
    return directory or Path(current_app.config["RULES_DIR"])


def _json_out(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


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
        _json_out({"ok": False, "directory": str(directory), "errors": problems})
    else:
        for problem in error.errors:
            advice = hint(problem)
            click.echo(f"{problem}" + (f"\n    -> {advice}" if advice else ""), err=True)
        summary = f"{len(error.errors)} error(s) in {directory}: nothing was loaded"
        click.echo(f"{summary} (a running service keeps its last good rules).", err=True)
    sys.exit(1)


# --- highlighting -----------------------------------------------------------------------------


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mark(part: str, color: bool, shadow: bool) -> str:
    if color:
        return click.style(part, fg="yellow" if shadow else "red", bold=True, underline=shadow)
    return f"[{part}]"


def highlight(text: str, spans: Sequence[tuple[int, int]], color: bool, shadow: bool = False) -> str:
    """The text with each span marked: coloured on a terminal, [in brackets] otherwise; long texts as excerpts."""
    spans = _merge([(start, end) for start, end in spans if 0 <= start < end <= len(text)])
    if len(text) <= SHORT_TEXT:
        windows = [(0, len(text))]
    else:
        windows = _merge([(max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)) for start, end in spans]) or [
            (0, SHORT_TEXT)
        ]
    pieces = []
    for window_start, window_end in windows:
        out = ["…" if window_start > 0 else ""]
        position = window_start
        for start, end in spans:
            if end <= window_start or start >= window_end:
                continue
            out.append(text[position:start])
            out.append(_mark(text[start:end], color, shadow))
            position = end
        out.append(text[position:window_end])
        out.append("…" if window_end < len(text) else "")
        pieces.append("".join(out))
    # Line breaks inside a comment would break the layout of the report; show them as ⏎.
    return " ".join(pieces).replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def _use_color(color: bool | None) -> bool:
    use = sys.stdout.isatty() if color is None else color
    # click strips colours from output that is not a terminal unless the context says otherwise.
    click.get_current_context().color = use
    return use


# --- rules test -------------------------------------------------------------------------------


def run_examples(ruleset: Ruleset) -> list[dict[str, Any]]:
    """Every rule's examples against the ruleset; one entry per rule that has failures."""
    failures = []
    for rule in ruleset.rules:
        problems: list[dict[str, Any]] = []
        for text in rule.examples.reject:
            if rule.id not in ruleset.fired_rule_ids(text):
                problems.append({"expected": "reject", "text": text, "problem": "the rule does not fire", "matches": []})
        for text in rule.examples.approve:
            if rule.id in ruleset.fired_rule_ids(text):
                hit = next(hit for hit in ruleset.assess(text).hits if hit.rule == rule.id)
                matches = [match.to_dict() for match in hit.matches]
                problems.append({"expected": "approve", "text": text, "problem": "the rule fires", "matches": matches})
        if problems:
            failures.append({"rule": rule.id, "file": rule.location.file, "line": rule.location.line, "failures": problems})
    return failures


@click.command("test")
@click.argument("directory", required=False, type=_DIRECTORY)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--color/--no-color", default=None, help="Highlight matches in colour (default: when stdout is a terminal).")
@with_appcontext
def rules_test(directory: Path | None, as_json: bool, color: bool | None) -> None:
    """Run every rule's examples in DIRECTORY (default: the configured one) and report failures by rule.

    Each rule's `reject` examples must fire it and its `approve` examples must not.
    Exits 1 when any example fails or the files do not load.
    """
    directory = _rules_dir(directory)
    ruleset = load_or_exit(directory, as_json, check_examples=False)
    failures = run_examples(ruleset)
    examples = sum(len(rule.examples.reject) + len(rule.examples.approve) for rule in ruleset.rules)
    failed = sum(len(entry["failures"]) for entry in failures)
    if as_json:
        _json_out(
            {
                "ok": not failures,
                "directory": str(directory),
                "version": ruleset.version,
                "rules": len(ruleset.rules),
                "examples": examples,
                "failed": failed,
                "failures": failures,
            }
        )
    else:
        use_color = _use_color(color)
        for entry in failures:
            click.echo(f"FAIL {entry['rule']}  ({entry['file']}:{entry['line']})")
            for problem in entry["failures"]:
                if problem["expected"] == "reject":
                    click.echo(f"  should reject, but the rule does not fire:  {problem['text']!r}")
                else:
                    spans = [(match["start"], match["end"]) for match in problem["matches"]]
                    click.echo(f"  should approve, but the rule fires on:      {highlight(problem['text'], spans, use_color)}")
        summary = f"{directory}: {len(ruleset.rules)} rules, {examples} examples"
        if failures:
            click.echo(f"{summary}: {failed} failed in {len(failures)} rule(s).")
        else:
            click.echo(f"{summary}: all pass (version {ruleset.version}).")
    if failures:
        sys.exit(1)


# --- rules explain ----------------------------------------------------------------------------


def _print_explanation(text: str, data: dict[str, Any], ruleset: Ruleset, directory: Path, use_color: bool) -> None:
    enforce_spans = [(m["start"], m["end"]) for hit in data["hits"] if hit["mode"] == "enforce" for m in hit["matches"]]
    click.echo(f"Ruleset     {data['ruleset']}  ({directory}, {len(ruleset.rules)} rules)")
    click.echo(f"Text        {highlight(text, enforce_spans, use_color)}")
    normalized = data["normalized"]
    if len(normalized) > 2 * SHORT_TEXT:
        normalized = f"{normalized[: 2 * SHORT_TEXT]}… ({len(normalized) - 2 * SHORT_TEXT} more characters; --json shows all)"
    click.echo(f"Normalised  {normalized}")
    click.echo()
    if data["hits"]:
        click.echo(f"Rules that fired ({len(data['hits'])}):")
        for hit in data["hits"]:
            where = f"{hit['file']}:{hit['line']}" if hit["file"] else ""
            state = "decides" if hit["decides"] else ("shadow: never decides" if hit["mode"] == "shadow" else "below threshold")
            category = hit["category"] + (f"/{hit['subcategory']}" if hit["subcategory"] else "")
            click.echo(f"  {hit['rule']:<32} {category:<24} {hit['mode']:<8} score {hit['score']:<5g} {state:<22} {where}")
            click.echo(f"      {hit['message']}")
            spans = [(m["start"], m["end"]) for m in hit["matches"]]
            click.echo(f"      {highlight(text, spans, use_color, shadow=hit['mode'] == 'shadow')}")
    else:
        click.echo("No rule fired.")
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
@click.option("--rules", "directory", type=_DIRECTORY, help="Rule directory to explain with (default: the configured one).")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON (as POST /v1/rules/test answers).")
@click.option("--color/--no-color", default=None, help="Highlight matches in colour (default: when stdout is a terminal).")
@with_appcontext
def rules_explain(text: str, directory: Path | None, as_json: bool, color: bool | None) -> None:
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
    directory = _rules_dir(directory)
    ruleset = load_or_exit(directory, as_json)
    data = explain(ruleset, text)
    if as_json:
        _json_out({"directory": str(directory), **data})
    else:
        _print_explanation(text, data, ruleset, directory, _use_color(color))


# --- rules replay -----------------------------------------------------------------------------


class SinceType(click.ParamType):  # type: ignore[type-arg]
    """A start time: a date, an ISO date-time (UTC unless it says otherwise), or an age like 24h or 7d."""

    name = "DATE"
    _AGE = re.compile(r"^(\d+)([mhdw])$")
    _UNITS: ClassVar[dict[str, str]] = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        """Parse the option's text into an aware UTC datetime."""
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        age = self._AGE.match(text)
        if age:
            return datetime.now(UTC) - timedelta(**{self._UNITS[age.group(2)]: int(age.group(1))})
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{text!r} is not a date (2026-11-01, 2026-11-01T08:00, or an age like 24h, 7d)", param, ctx)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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


def _json_list(value: Any) -> list[Any]:
    # JSON columns come back decoded on most backends; a plain TEXT column may hold the raw JSON.
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


def logged_decisions(engine: Engine, since: datetime | None, limit: int | None) -> tuple[Iterator[Any], bool]:
    """Stream logged decisions newest first (never all in memory); also say whether review status is known."""
    table = Table("decisions", MetaData(), autoload_with=engine)
    columns = [table.c[name] for name in ("id", "created_at", "text", "decision", "categories", "reasons", "ruleset")]
    reviews_known = "review_status" in table.c
    if reviews_known:
        columns.append(table.c.review_status)
    query = select(*columns).order_by(table.c.created_at.desc(), table.c.id.desc())
    if since is not None:
        query = query.where(table.c.created_at >= since)
    if limit is not None:
        query = query.limit(limit)

    def rows() -> Iterator[Any]:
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(query)
            yield from result

    return rows(), reviews_known


def _example(row: Any, old: dict[str, Any], new: dict[str, Any], reviews_known: bool) -> dict[str, Any]:
    created = row.created_at.isoformat() if isinstance(row.created_at, datetime) else str(row.created_at)
    review = row.review_status if reviews_known else None
    return {"id": row.id, "created_at": created, "text": row.text, "review_status": review, "logged": old, "candidate": new}


def replay(rows: Iterator[Any], candidate: Ruleset, reviews_known: bool, examples: int, progress: bool) -> Replay:
    """Re-decide each logged comment with the candidate and count what changes."""
    result = Replay(reviews_known=reviews_known)
    for row in rows:
        result.replayed += 1
        if progress and result.replayed % PROGRESS_EVERY == 0:
            click.echo(f"\rreplayed {result.replayed} comments…", err=True, nl=False)
        result.logged_rulesets[row.ruleset] += 1
        reasons = [reason for reason in _json_list(row.reasons) if isinstance(reason, dict)]
        old_categories = [str(category) for category in _json_list(row.categories)]
        old_rules = [reason.get("rule") for reason in reasons if reason.get("mode", "enforce") == "enforce"]
        decision = candidate.evaluate(row.text)
        new_rules = [reason.rule for reason in decision.reasons if reason.mode == "enforce"]
        for reason in decision.reasons:
            if reason.mode == "shadow":
                result.shadow_hits[reason.rule] += 1
                if decision.decision == "approve":
                    result.shadow_on_approved[reason.rule] += 1
        if decision.decision == row.decision:
            if decision.rejected and set(decision.categories) != set(old_categories):
                result.recategorised += 1
            continue
        old = {"decision": row.decision, "categories": old_categories, "rules": old_rules, "matches": _spans(reasons)}
        new = {
            "decision": decision.decision,
            "categories": list(decision.categories),
            "rules": new_rules,
            "matches": [[m.start, m.end] for r in decision.reasons if r.mode == "enforce" for m in r.matches],
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


def _spans(reasons: list[dict[str, Any]]) -> list[list[int]]:
    spans = []
    for reason in reasons:
        if reason.get("mode", "enforce") != "enforce":
            continue
        for match in reason.get("matches") or []:
            if isinstance(match, dict) and isinstance(match.get("start"), int) and isinstance(match.get("end"), int):
                spans.append([match["start"], match["end"]])
    return spans


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counter.items()) or "-"


def _print_change(title: str, change: dict[str, Any], side: str, use_color: bool) -> None:
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
        click.echo(f"      {highlight(example['text'], spans, use_color)}")


@click.command("replay")
@click.option("--candidate", "directory", required=True, type=_DIRECTORY, help="The candidate rule directory.")
@click.option("--since", type=SinceType(), help="Only comments logged since DATE (2026-11-01, 2026-11-01T08:00 UTC, or 24h, 7d).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the N most recent comments.")
@click.option("--examples", default=3, show_default=True, type=click.IntRange(min=0, max=100), help="Examples shown per direction.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.option("--color/--no-color", default=None, help="Highlight matches in colour (default: when stdout is a terminal).")
@with_appcontext
def rules_replay(
    directory: Path, since: datetime | None, limit: int | None, examples: int, as_json: bool, quiet: bool, color: bool | None
) -> None:
    """Re-decide logged comments with a candidate rule directory and show what would change.

    Compares the candidate's decision on each logged comment (newest first) with the
    decision logged at the time: how many comments would be newly rejected or newly
    approved, by category and by rule, with examples, and how many of those a
    moderator had reviewed. Nothing is written to the log.
    """
    candidate = load_or_exit(directory, as_json)
    engine: Engine = current_app.extensions["moderation.db"]
    try:
        rows, reviews_known = logged_decisions(engine, since, limit)
        progress = not (quiet or as_json) and sys.stderr.isatty()
        result = replay(rows, candidate, reviews_known, examples, progress)
    except NoSuchTableError:
        raise click.ClickException(f"the decision log at {engine.url!r} has no decisions table yet") from None
    except SQLAlchemyError as error:
        raise click.ClickException(f"cannot read the decision log at {engine.url!r}: {error.__class__.__name__}") from None
    data: dict[str, Any] = {
        "candidate": {"directory": str(directory), "version": candidate.version, "rules": len(candidate.rules)},
        "since": since.isoformat() if since else None,
        "limit": limit,
        "replayed": result.replayed,
        "logged_rulesets": dict(result.logged_rulesets.most_common()),
        "changed": result.newly_rejected.count + result.newly_approved.count,
        "newly_rejected": result.newly_rejected.to_dict(result.reviews_known),
        "newly_approved": result.newly_approved.to_dict(result.reviews_known),
        "recategorised": result.recategorised,
        "shadow": {rule: {"hits": hits, "on_approved": result.shadow_on_approved[rule]} for rule, hits in result.shadow_hits.most_common()},
        "reviews_known": result.reviews_known,
    }
    if as_json:
        _json_out(data)
        return
    use_color = _use_color(color)
    window = [f"since {since:%Y-%m-%d %H:%M} UTC" if since else "", f"the {limit} most recent" if limit else ""]
    scope = f" ({', '.join(part for part in window if part)})" if any(window) else ""
    described = f"{directory} (version {candidate.version}, {len(candidate.rules)} rules)"
    click.echo(f"Replayed {result.replayed} logged comments{scope} with {described}.")
    if not result.replayed:
        return
    click.echo(f"Logged decisions came from ruleset(s): {_counts(data['logged_rulesets'])}")
    share = 100 * data["changed"] / result.replayed
    click.echo(f"Changed decisions: {data['changed']} of {result.replayed} ({share:.1f}%)")
    _print_change("newly rejected", data["newly_rejected"], "candidate", use_color)
    _print_change("newly approved", data["newly_approved"], "logged", use_color)
    if result.recategorised:
        click.echo(f"  still rejected, for other categories: {result.recategorised}")
    if not result.reviews_known:
        click.echo("  (the log has no review status, so reviewed decisions are not counted)")
    if data["shadow"]:
        click.echo("Shadow rules in the candidate (they never decide):")
        for rule, counts in data["shadow"].items():
            plural = "" if counts["hits"] == 1 else "s"
            click.echo(f"  {rule:<32} fires on {counts['hits']} comment{plural}, {counts['on_approved']} of them approved")
