"""The figures of an evaluation run: labelled rows, the engine's outcomes, confusion counts and the report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..engine import CATEGORIES

# HateCheck functionalities whose cases must all be approved (hard negatives).
MUST_APPROVE_PREFIXES = ("ident_", "counter_", "negate_neg", "slur_homonym", "target_obj")
# HateCheck functionalities that spell hateful words in obfuscated ways.
SPELLING_PREFIX = "spell_"


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
    policy: str = "default"  # the site whose overlay was evaluated (eval --site)
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
            "policy": self.policy,
            "overall": self.overall.to_dict(),
            "by_source": {name: counts.to_dict() for name, counts in sorted(self.by_source.items())},
            "by_category": {name: self.by_category[name].to_dict() for name in category_order(self.by_category)},
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


def category_order(names: Iterable[str]) -> list[str]:
    """Category names in the engine's order, unknown ones after them alphabetically."""
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
