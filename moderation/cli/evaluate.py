"""The `moderation eval` command: run a labelled CSV through the engine and report accuracy figures."""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from ..config import DEFAULT_RULES_DIR
from ..engine import Ruleset
from .eval_report import Counts, Outcome, Repeat, Report, Row, category_order
from .rules_load import load_or_exit, site_option

# Shorter examples are ordinary phrases ("you are an idiot") that any large file contains by chance.
REPEAT_MIN_SUBSTRING = 25
# Repeated examples listed in the text report; --json lists them all.
REPEAT_LINES = 20


class EvalFileError(click.ClickException):
    """An evaluation CSV that cannot be read."""


def read_rows(path: Path) -> list[Row]:
    """Read an evaluation CSV with at least `text` and `expected` columns."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"text", "expected"} - set(reader.fieldnames or ())
            if missing:
                raise EvalFileError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            rows = []
            for record in reader:
                expected = (record.get("expected") or "").strip().lower()
                if expected not in ("approve", "reject"):
                    raise EvalFileError(f"{path}:{reader.line_num}: expected must be approve or reject, not {expected!r}")
                categories = tuple(c.strip() for c in (record.get("categories") or "").split(";") if c.strip())
                rows.append(
                    Row(
                        line=reader.line_num,
                        id=record.get("id") or "",
                        text=record.get("text") or "",
                        expected=expected,
                        categories=categories,
                        source=record.get("source") or "",
                        note=record.get("note") or "",
                    )
                )
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise EvalFileError(f"{path}: {error}") from None
    return rows


def evaluate(ruleset: Ruleset, rows: Iterable[Row], file: str = "", on_row: Callable[[], None] | None = None) -> Report:
    """Decide every row with the ruleset and gather the figures."""
    report = Report(file=file, ruleset=ruleset.version, policy=ruleset.policy)
    for row in rows:
        decision = ruleset.evaluate(row.text)
        enforcing = tuple(reason.rule for reason in decision.enforcing)
        report.add(Outcome(row, decision.decision, decision.categories, enforcing))
        if on_row is not None:
            on_row()
    return report


def normalise(text: str) -> str:
    """Casefold, collapse whitespace and strip surrounding punctuation, for comparing examples with rows."""
    folded = " ".join(text.casefold().split())
    start, end = 0, len(folded)
    while start < end and _is_edge(folded[start]):
        start += 1
    while end > start and _is_edge(folded[end - 1]):
        end -= 1
    return folded[start:end]


def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def find_repeats(ruleset: Ruleset, rows: Iterable[Row]) -> list[Repeat]:
    """Rule examples equal to a row's text, or long enough and contained in it, after normalising both."""
    texts = [(row.id or str(row.line), normalise(row.text)) for row in rows]
    by_text: dict[str, list[str]] = defaultdict(list)
    for row_id, text in texts:
        by_text[text].append(row_id)
    # Normalised texts hold no newline, so one `in` over the joined file cannot match across rows
    # and the rows are only searched one by one for the rare example that is in the file at all.
    # UTF-8 bytes, because one emoji makes a str four bytes a character and its search twice as slow;
    # a substring of valid UTF-8 is a substring of the text.
    joined = "\n".join(text for _, text in texts).encode()
    repeats: list[Repeat] = []
    for rule in ruleset.rules:
        for example in dict.fromkeys((*rule.examples.reject, *rule.examples.approve)):
            key = normalise(example)
            if not key:
                continue
            if len(key) >= REPEAT_MIN_SUBSTRING and key.encode() in joined:
                rows_hit = [row_id for row_id, text in texts if key in text]
            else:
                rows_hit = by_text.get(key, [])
            repeats.extend(Repeat(rule.id, example, row_id) for row_id in rows_hit)
    return repeats


def _percent(value: float | None) -> str:
    return "    -" if value is None else f"{value * 100:5.1f}%"


def _number(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def _counts_line(label: str, counts: Counts, width: int) -> str:
    return (
        f"{label:<{width}} {counts.rows:>6} {_number(counts.precision)} {_number(counts.recall)} "
        f"{_number(counts.f1)} {_percent(counts.false_positive_rate)} {_percent(counts.accuracy)}"
    )


def format_report(report: Report, errors: int = 0) -> str:
    """The report as readable text tables."""
    width = max([24, *(len(name) + 2 for name in (*report.by_source, *report.by_note))])
    header = f"{'':<{width}} {'rows':>6} {'prec':>5} {'recall':>5} {'F1':>5} {'FPR':>6} {'acc':>6}"
    policy = f" (site {report.policy})" if report.policy != "default" else ""
    lines = [f"{report.file}: {report.overall.rows} rows, ruleset {report.ruleset}{policy}", "", header]
    lines.append(_counts_line("overall", report.overall, width))
    if report.by_source:
        lines += ["", "by source"]
        lines += [_counts_line(f"  {name}", counts, width) for name, counts in sorted(report.by_source.items())]
    if report.by_category:
        lines += ["", f"{'by category (reject rows)':<{width}} {'rows':>6} {'recall':>6} {'as category':>11}"]
        for name in category_order(report.by_category):
            counts = report.by_category[name]
            lines.append(f"{'  ' + name:<{width}} {counts.rows:>6} {_number(counts.recall):>6} {_number(counts.attribution):>11}")
    if report.by_note:
        lines += ["", f"{'by HateCheck functionality':<{width}} {'rows':>6} {'label':>7} {'acc':>6}"]
        for name, note_counts in sorted(report.by_note.items()):
            label = "reject" if note_counts.tp + note_counts.fn else "approve"
            lines.append(f"{'  ' + name:<{width}} {note_counts.rows:>6} {label:>7} {_percent(note_counts.accuracy)}")
        lines.append(
            "  must approve (ident_, counter_, negate_neg, slur_homonym, target_obj): accuracy " + _percent(report.must_approve.accuracy)
        )
        lines.append(f"  obfuscated spellings (spell_*): recall {_percent(report.spelling.recall)}")
    if errors:
        for title, outcomes in (("misses", report.misses), ("false positives", report.false_positives)):
            lines += ["", f"{title} ({len(outcomes)}, showing {min(errors, len(outcomes))})"]
            for outcome in outcomes[:errors]:
                row = outcome.row
                tag = ",".join(row.categories) or "-"
                why = ",".join(outcome.rules) or "-"
                text = " ".join(row.text.split())
                lines.append(f"  [{row.id or row.line}] {tag} | {why} | {text[:300]}")
    return "\n".join(lines + _repeat_lines(report))


def _repeat_lines(report: Report) -> list[str]:
    # The count is printed even when it is 0, so admins can see the check ran.
    lines = ["", f"Rule examples that repeat comments of {report.file}: {len(report.repeats)}"]
    for repeat in report.repeats[:REPEAT_LINES]:
        example = " ".join(repeat.example.split())
        shown = example if len(example) <= 80 else example[:79] + "…"
        lines.append(f'  {repeat.rule}  "{shown}"  ({repeat.row})')
    if len(report.repeats) > REPEAT_LINES:
        lines.append(f"  … and {len(report.repeats) - REPEAT_LINES} more (--json lists them all)")
    return lines


@click.command("eval")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_RULES_DIR,
    show_default=True,
    help="Rule directory to evaluate.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--errors", "errors", type=click.IntRange(min=0), default=0, help="List up to N misses and N false positives.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--fail-on-repeats", is_flag=True, help="Exit with status 1 when a rule example repeats a comment of the CSV.")
@site_option
def eval_command(csv_file: Path, rules_dir: Path, as_json: bool, errors: int, quiet: bool, fail_on_repeats: bool, site: str | None) -> None:
    """Run a labelled CSV (text, expected[, categories, source, note]) through the rules and print accuracy figures."""
    ruleset = load_or_exit(rules_dir, as_json, site=site, overlay=True)
    rows = read_rows(csv_file)
    if quiet or as_json or not sys.stderr.isatty():
        report = evaluate(ruleset, rows, str(csv_file))
    else:
        with click.progressbar(length=len(rows), label="evaluating", file=sys.stderr) as bar:
            report = evaluate(ruleset, rows, str(csv_file), on_row=lambda: bar.update(1))
    report.repeats = find_repeats(ruleset, rows)
    if as_json:
        click.echo(json.dumps(report.to_dict(errors), indent=2))
    else:
        click.echo(format_report(report, errors))
    if fail_on_repeats and report.repeats:
        sys.exit(1)
