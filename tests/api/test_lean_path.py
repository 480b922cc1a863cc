"""POST /v1/comments answers by its lean path exactly as the documented view does, errors included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from testkit import bearer

from moderation import create_app
from moderation.api.comments import ENDPOINT, Comments

VALID = {
    "text": "A fair point about the bus timetable, though the weekend service is still thin.",
    "comment_id": "c-1",
    "site": "news",
    "author": {"id": "u1", "name": "Ann", "email": "ann@example.org", "ip": "192.0.2.7"},
    "article": {"id": "a1", "url": "https://news.example/a1", "title": "Buses"},
    "language": "en",
}
JSON = {"Content-Type": "application/json"}

# (body as sent, headers): each refused somewhere between the key and the schema, or answered.
CASES: list[tuple[bytes, dict[str, str]]] = [
    (json.dumps(VALID).encode(), {**JSON, **bearer("submit")}),
    (json.dumps({"text": "You are a waste of space and everyone knows it."}).encode(), {**JSON, **bearer("moderate")}),
    (json.dumps(VALID).encode(), JSON),
    (json.dumps(VALID).encode(), {**JSON, "Authorization": "Bearer not-a-key"}),
    (json.dumps(VALID).encode(), {**JSON, "Authorization": "Basic abc"}),
    (json.dumps(VALID).encode(), {"Content-Type": "text/plain", **bearer("submit")}),
    (b'{"text": "x", "text": "y"}', {**JSON, **bearer("submit")}),
    (b'{"text": ', {**JSON, **bearer("submit")}),
    (b"\xff\xfe", {**JSON, **bearer("submit")}),
    (b'["a list"]', {**JSON, **bearer("submit")}),
    (b"{}", {**JSON, **bearer("submit")}),
    (json.dumps({"text": "   "}).encode(), {**JSON, **bearer("submit")}),
    (json.dumps({"text": "ok", "unknown": 1}).encode(), {**JSON, **bearer("submit")}),
    (json.dumps({"text": "bad\u0000char"}).encode(), {**JSON, **bearer("submit")}),
    (json.dumps({"text": "a" * 20_001}).encode(), {**JSON, **bearer("submit")}),
    (json.dumps({"text": "ok", "author": {"email": "e" * 501}}).encode(), {**JSON, **bearer("submit")}),
    (json.dumps({"text": "ok", "article": "not an object"}).encode(), {**JSON, **bearer("submit")}),
    (json.dumps({"text": 5}).encode(), {**JSON, **bearer("submit")}),
]


def _answer(app: Flask, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    response = app.test_client().post("/v1/comments", data=body, headers=headers)
    answer = response.get_json()
    if isinstance(answer, dict):
        answer.pop("decision_id", None)  # new for every logged decision
    kept = {name: value for name, value in response.headers.items() if name.lower() != "content-length"}
    return response.status_code, kept, answer


@pytest.fixture
def documented(app_config: dict[str, object], tmp_path: Any) -> Flask:
    """The same app with POST /v1/comments answered by the flask-smorest view, as before the lean path."""
    app = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'documented.sqlite3'}"})
    app.view_functions[ENDPOINT] = Comments.as_view("Comments")
    return app


def test_the_lean_path_is_what_answers(app: Flask) -> None:
    assert app.view_functions[ENDPOINT].__name__ == "lean_post"


@pytest.mark.parametrize("case", range(len(CASES)))
def test_the_lean_path_answers_as_the_documented_view(app: Flask, documented: Flask, case: int) -> None:
    body, headers = CASES[case]
    assert _answer(app, body, headers) == _answer(documented, body, headers)


def test_the_lean_path_logs_the_decision(app: Flask) -> None:
    response = app.test_client().post("/v1/comments", json=VALID, headers=bearer("moderate"))
    assert response.status_code == 200
    decision_id = response.get_json()["decision_id"]
    logged = app.test_client().get(f"/v1/decisions/{decision_id}", headers=bearer("moderate"))
    assert logged.status_code == 200
    assert logged.get_json()["text"] == VALID["text"]


def test_other_methods_are_still_refused_before_the_key(app: Flask) -> None:
    response = app.test_client().get("/v1/comments")
    assert response.status_code == 405
    assert response.get_json()["code"] == 405
