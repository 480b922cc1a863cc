"""Decided submissions for the storage tests, shaped as the comment API logs them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from flask.testing import FlaskClient
from testkit import bearer

from moderation.engine.model import Decision, Reason
from moderation.storage import Entry, Submission
from moderation.web.decision_log import log_decided

_SUBMISSION_FIELDS = {field.name for field in dataclasses.fields(Submission)}


def record(
    text_: str = "A comment",
    decision: str = "approve",
    reasons: list[Reason] | None = None,
    **fields: Any,
) -> Entry:
    """A submission and its decision as the comment API logs them; fields are the submission's, or the decision's policy."""
    reasons = reasons or []
    categories = sorted({r.category for r in reasons if r.mode == "enforce"}) if decision == "reject" else []
    submission = Submission(**{"source": "api", "text": text_, **{k: v for k, v in fields.items() if k in _SUBMISSION_FIELDS}})
    extra = {k: v for k, v in fields.items() if k not in _SUBMISSION_FIELDS}
    verdict = "reject" if decision == "reject" else "approve"
    return submission, Decision(verdict, tuple(categories), tuple(reasons), extra.pop("ruleset", "test"), **extra)


def reason(rule: str, category: str, mode: str = "enforce", subcategory: str | None = None) -> Reason:
    """A reason as the engine reports it."""
    return Reason(rule, category, subcategory, rule, "shadow" if mode == "shadow" else "enforce", 1.0, ())


def legacy_row(entry: Entry) -> dict[str, Any]:
    """An entry as the first decisions table held it (before migrations), for the migration tests."""
    submission, decision = entry
    return {
        "source": submission.source,
        "site": submission.site,
        "comment_id": submission.comment_id,
        "language": submission.language,
        "text": submission.text,
        "author": submission.author,
        "article": submission.article,
        "decision": decision.decision,
        "categories": list(decision.categories),
        "reasons": [reason.to_dict() for reason in decision.reasons],
        "ruleset": decision.ruleset,
    }


def log_decisions(entries: Sequence[Entry]) -> list[str]:
    """Log entries through the current app's log and privacy settings, as the API does (inside an app context)."""
    return log_decided(entries)


ERROR_KEYS = {"code", "status", "message", "errors"}


def submit(client: FlaskClient, text: str, **fields: Any) -> dict[str, Any]:
    """POST a comment with the submit key and return the decision."""
    response = client.post("/v1/comments", json={"text": text, **fields}, headers=bearer("submit"))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def get(client: FlaskClient, path: str, role: str = "moderate", **params: Any) -> Any:
    """GET with a role's key and query parameters."""
    return client.get(path, query_string=params, headers=bearer(role))


def assert_error(response: Any, code: int, field: str | None = None) -> dict[str, Any]:
    """The response is the contract's JSON error with this code (naming field, when given)."""
    assert response.status_code == code, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    if field is not None:
        assert field in body["errors"], body
    return body
