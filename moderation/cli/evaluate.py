"""The `moderation eval` command: run a labelled CSV through the engine and report accuracy figures."""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import click

from ..config import DEFAULT_RULES_DIR
from ..engine import CATEGORIES, Ruleset, RuleSetError, load_ruleset

# HateCheck functionalities whose cases must all be approved (hard negatives).
MUST_APPROVE_PREFIXES = ("ident_", "counter_", "negate_neg", "slur_homonym", "target_obj")
# HateCheck functionalities that spell hateful words in obfuscated ways.
SPELLING_PREFIX = "spell_"
# Shorter examples are ordinary phrases ("you are an idiot") that any large file contains by chance.
REPEAT_MIN_SUBSTRING = 25
# Repeated examples listed in the text report; --json lists them all.
REPEAT_LINES = 20


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled comment of an evaluation CSV."""

    line: int
    id: str
    text: str
    expected: str
    categories: tuple[str, ...] = ()
    source: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A row with the engine's decision and the categories it gave."""

    row: Row
    predicted: str
    categories: tuple[str, ...]
    rules: tuple[str, ...]

    @property
    def correct(self) -> bool:
        """True when the engine agreed with the label."""
        return self.predicted == self.row.expected


@dataclass(slots=True)
class Counts:
    """A confusion matrix with reject as the positive class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: str, predicted: str) -> None:
        """Count one decision."""
        if expected == "reject":
            if predicted == "reject":
                self.tp += 1
            else:
                self.fn += 1
        elif predicted == "reject":
            self.fp += 1
        else:
            self.tn += 1

    @property
    def rows(self) -> int:
        """Number of rows counted."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        """Share of rejections that were right (None when nothing was rejected)."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """Share of rows to reject that were rejected (None when there are none)."""
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall."""
        precision, recall = self.precision, self.recall
        if precision is None or recall is None or precision + recall == 0:
            return None if precision is None or recall is None else 0.0
        return 2 * precision * recall / (precision + recall)

    @property
    def false_positive_rate(self) -> float | None:
        """Share of rows to approve that were rejected (None when there are none)."""
        return _ratio(self.fp, self.fp + self.tn)

    @property
    def accuracy(self) -> float | None:
        """Share of rows decided as labelled."""
        return _ratio(self.tp + self.tn, self.rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON form with the counts and every measure."""
        return {
            "rows": self.rows,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
            "false_positive_rate": _round(self.false_positive_rate),
            "accuracy": _round(self.accuracy),
        }


@dataclass(slots=True)
class CategoryCounts:
    """For reject rows labelled with a category: how many were rejected, and how many under that category."""

    rows: int = 0
    rejected: int = 0
    attributed: int = 0

    @property
    def recall(self) -> float | None:
        """Share of the category's rows that were rejected at all."""
        return _ratio(self.rejected, self.rows)

    @property
    def attribution(self) -> float | None:
        """Share of the category's rows whose predicted categories include it."""
        return _ratio(self.attributed, self.rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rows": self.rows,
            "rejected": self.rejected,
            "recall": _round(self.recall),
            "attributed": self.attributed,
            "attribution": _round(self.attribution),
        }


class Repeat(NamedTuple):
    """A rule example that repeats the text of an evaluation row."""

    rule: str
    example: str
    row: str

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"rule": self.rule, "example": self.example, "row": self.row}


@dataclass(slots=True)
class Report:
    """Every figure of one evaluation run."""

    file: str
    ruleset: str
    overall: Counts = field(default_factory=Counts)
    by_source: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_category: dict[str, CategoryCounts] = field(default_factory=lambda: defaultdict(CategoryCounts))
    by_note: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    must_approve: Counts = field(default_factory=Counts)
    spelling: Counts = field(default_factory=Counts)
    misses: list[Outcome] = field(default_factory=list)
    false_positives: list[Outcome] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        """Count one outcome in every table it belongs to."""
        row = outcome.row
        self.overall.add(row.expected, outcome.predicted)
        if row.source:
            self.by_source[row.source].add(row.expected, outcome.predicted)
        if row.expected == "reject":
            for category in row.categories:
                counts = self.by_category[category]
                counts.rows += 1
                counts.rejected += outcome.predicted == "reject"
                counts.attributed += category in outcome.categories
        if row.note and row.source in ("", "hatecheck"):
            self.by_note[row.note].add(row.expected, outcome.predicted)
            if row.note.startswith(MUST_APPROVE_PREFIXES):
                self.must_approve.add(row.expected, outcome.predicted)
            if row.note.startswith(SPELLING_PREFIX):
                self.spelling.add(row.expected, outcome.predicted)
        if not outcome.correct:
            (self.misses if row.expected == "reject" else self.false_positives).append(outcome)

    def to_dict(self, errors: int = 0) -> dict[str, Any]:
        """JSON form; `errors` misses and false positives are listed."""
        result: dict[str, Any] = {
            "file": self.file,
            "ruleset": self.ruleset,
            "overall": self.overall.to_dict(),
            "by_source": {name: counts.to_dict() for name, counts in sorted(self.by_source.items())},
            "by_category": {name: self.by_category[name].to_dict() for name in _category_order(self.by_category)},
            "by_note": {name: counts.to_dict() for name, counts in sorted(self.by_note.items())},
            "repeated_examples": [repeat.to_dict() for repeat in self.repeats],
        }
        if self.by_note:
            result["hatecheck_must_approve"] = self.must_approve.to_dict()
            result["hatecheck_spelling"] = self.spelling.to_dict()
        if errors:
            result["misses"] = [_outcome_dict(outcome) for outcome in self.misses[:errors]]
            result["false_positives"] = [_outcome_dict(outcome) for outcome in self.false_positives[:errors]]
        return result


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _category_order(names: Iterable[str]) -> list[str]:
    known = [name for name in CATEGORIES if name in names]
    return known + sorted(set(names) - set(known))


def _outcome_dict(outcome: Outcome) -> dict[str, Any]:
    row = outcome.row
    return {
        "id": row.id or str(row.line),
        "source": row.source,
        "expected": row.expected,
        "predicted": outcome.predicted,
        "labelled": list(row.categories),
        "categories": list(outcome.categories),
        "rules": list(outcome.rules),
        "note": row.note,
        "text": row.text,
    }


def load_or_fail(directory: Path) -> Ruleset:
    """Load a rule directory for a command; on errors print each on stderr and fail with their count."""
    try:
        return load_ruleset(directory)
    except RuleSetError as error:
        for problem in error.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(error.errors)} error(s) in {directory}") from None


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
    report = Report(file=file, ruleset=ruleset.version)
    for row in rows:
        decision = ruleset.evaluate(row.text)
        enforcing = tuple(reason.rule for reason in decision.reasons if reason.mode == "enforce")
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
    lines = [f"{report.file}: {report.overall.rows} rows, ruleset {report.ruleset}", "", header]
    lines.append(_counts_line("overall", report.overall, width))
    if report.by_source:
        lines += ["", "by source"]
        lines += [_counts_line(f"  {name}", counts, width) for name, counts in sorted(report.by_source.items())]
    if report.by_category:
        lines += ["", f"{'by category (reject rows)':<{width}} {'rows':>6} {'recall':>6} {'as category':>11}"]
        for name in _category_order(report.by_category):
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
def eval_command(csv_file: Path, rules_dir: Path, as_json: bool, errors: int, quiet: bool, fail_on_repeats: bool) -> None:
    """Run a labelled CSV (text, expected[, categories, source, note]) through the rules and print accuracy figures."""
    ruleset = load_or_fail(rules_dir)
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
