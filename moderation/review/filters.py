"""The log's queues and filters, read from a page's query string: forgiving, a bad value is named and left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from ..engine import CATEGORIES, SUBCATEGORIES
from ..storage import REVIEW_STATUSES, DecisionFilter
from ..storage.times import parse_when

FILTER_FIELDS = ("status", "review", "decision", "category", "subcategory", "rule", "site", "article", "author", "since", "until", "q")
REVIEW_CHOICES = (*REVIEW_STATUSES, "reviewed")
OUTCOMES = ("reject", "approve")
STATUS_CHOICES = (*OUTCOMES, "any")
SUBCATEGORY_CHOICES = tuple(sorted({sub for subs in SUBCATEGORIES.values() for sub in subs}))
# Each queue is a preset of the two filters that say where a decision stands: its status now and its review.
QUEUES: dict[str, dict[str, str]] = {
    "rejected": {"status": "reject"},
    "approved": {"status": "approve"},
    "unreviewed": {"review": "unreviewed"},
    "overturned": {"review": "overturned"},
    "all": {"status": "any"},
}
QUEUE_FIELDS = ("status", "review")
DEFAULT_QUEUE = "rejected"
_MAX_LENGTH = 500
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CHOICES: dict[str, tuple[tuple[str, ...], str]] = {
    "status": (STATUS_CHOICES, "There is no outcome “{}”; use reject, approve or any."),
    "review": (REVIEW_CHOICES, "There is no review status “{}”."),
    "decision": (OUTCOMES, "The rules decide approve or reject, not “{}”."),
    "category": (CATEGORIES, "There is no category “{}”."),
    "subcategory": (SUBCATEGORY_CHOICES, "There is no subcategory “{}”."),
}


@dataclass
class LogQuery:
    """What a moderator asked for: the form values as typed, the filter built from them, and any problems."""

    values: dict[str, str] = field(default_factory=dict)
    filters: DecisionFilter = field(default_factory=DecisionFilter)
    problems: list[str] = field(default_factory=list)

    def args(self, **changes: str | None) -> dict[str, str]:
        """The query string that keeps these filters, with some values changed (None drops one)."""
        merged: dict[str, str | None] = {**self.values, **changes}
        return {name: value for name, value in merged.items() if value}

    @property
    def status(self) -> str:
        """The outcome asked for: reject, approve or any (the rejected queue when nothing says otherwise)."""
        return self.filters.status or "any"

    @property
    def queue(self) -> str | None:
        """The queue these filters are, if they are one of the presets (other filters may narrow it)."""
        standing = (self.status, self.values.get("review"))
        for name, preset in QUEUES.items():
            if (preset.get("status", "any"), preset.get("review")) == standing:
                return name
        return None

    def queue_args(self, name: str) -> dict[str, str]:
        """The query string of a queue under the other filters (dates, site, text...) chosen here."""
        cleared: dict[str, str | None] = dict.fromkeys(QUEUE_FIELDS)
        return self.args(**{**cleared, **QUEUES[name]})

    def queue_filters(self) -> dict[str, DecisionFilter]:
        """Every queue's filter under the other filters chosen here, for the counts on the queue tabs."""
        found = {}
        for name, preset in QUEUES.items():
            status = preset.get("status")
            found[name] = replace(self.filters, status=None if status in (None, "any") else status, review=preset.get("review"))
        return found


def _when(name: str, value: str, problems: list[str]) -> datetime | None:
    try:
        moment = parse_when(value)
    except ValueError:
        problems.append(f"“{value}” is not a date or time for “{name}”; use 2026-11-27, today, 24h or 7d.")
        return None
    # A bare date in "to" means to the end of that day, as a moderator reading "to 27 Nov" expects.
    if name == "until" and _DATE.fullmatch(value.strip()):
        moment += timedelta(days=1)
    return moment


def read_log_query(args: MultiDict[str, str]) -> LogQuery:
    """Build the log's filter from query arguments; without an outcome or review filter it is the rejected queue."""
    values = {name: args.get(name, "").strip()[:_MAX_LENGTH] for name in FILTER_FIELDS}
    values = {name: value for name, value in values.items() if value}
    problems: list[str] = []
    chosen: dict[str, Any] = {}
    for name in ("rule", "site", "article", "author", "q"):
        if name in values:
            chosen[name] = values[name]
    for name, (choices, message) in _CHOICES.items():
        if name in values:
            if values[name] in choices:
                chosen[name] = values[name]
            else:
                problems.append(message.format(values.pop(name)))
    if chosen.get("status") == "any":
        chosen.pop("status")
    elif not values.keys() & {"status", "review", "decision"}:
        chosen["status"] = QUEUES[DEFAULT_QUEUE]["status"]
    for name in ("since", "until"):
        if name in values:
            moment = _when(name, values[name], problems)
            if moment is None:
                values.pop(name)
            else:
                chosen[name] = moment
    if chosen.get("since") and chosen.get("until") and chosen["since"] >= chosen["until"]:
        problems.append("“From” must be before “to”; the dates were left out.")
        for name in ("since", "until"):
            chosen.pop(name)
            values.pop(name)
    return LogQuery(values, DecisionFilter(**chosen), problems)
