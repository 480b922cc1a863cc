"""The reject log's filters, read from a page's query string: forgiving, a bad value is named and left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from ..engine import CATEGORIES
from ..storage import REVIEW_STATUSES, DecisionFilter
from ..storage.times import parse_when

FILTER_FIELDS = ("category", "rule", "site", "article", "review", "since", "until", "q")
REVIEW_CHOICES = (*REVIEW_STATUSES, "reviewed")
_MAX_LENGTH = 500
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    """Build the reject log's filter from query arguments (only rejects: this is the reject log)."""
    values = {name: args.get(name, "").strip()[:_MAX_LENGTH] for name in FILTER_FIELDS}
    values = {name: value for name, value in values.items() if value}
    problems: list[str] = []
    chosen: dict[str, Any] = {"decision": "reject"}
    for name in ("rule", "site", "article", "q"):
        if name in values:
            chosen[name] = values[name]
    if "category" in values:
        if values["category"] in CATEGORIES:
            chosen["category"] = values["category"]
        else:
            problems.append(f"There is no category “{values.pop('category')}”.")
    if "review" in values:
        if values["review"] in REVIEW_CHOICES:
            chosen["review"] = values["review"]
        else:
            problems.append(f"There is no review status “{values.pop('review')}”.")
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
