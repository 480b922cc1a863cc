"""Decision records for the storage tests, shaped as the comment API logs them."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from testkit import bearer


def record(
    text_: str = "A comment",
    decision: str = "approve",
    reasons: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A decision record as the comment API logs it."""
    reasons = reasons or []
    categories = sorted({r["category"] for r in reasons if r["mode"] == "enforce"}) if decision == "reject" else []
    return {
        "source": "api",
        "site": None,
        "comment_id": None,
        "language": None,
        "text": text_,
        "author": None,
        "article": None,
        "decision": decision,
        "categories": categories,
        "reasons": reasons,
        "ruleset": "test",
        **fields,
    }


def reason(rule: str, category: str, mode: str = "enforce", subcategory: str | None = None) -> dict[str, Any]:
    """A reason as the engine reports it."""
    return {"rule": rule, "category": category, "subcategory": subcategory, "message": rule, "mode": mode, "matches": []}


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
