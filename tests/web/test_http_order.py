"""The contract's order of HTTP errors: routing (404/405), then the key (401/403), then the body (415/400/413/422)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from testkit import bearer

SHAPE = {"code", "status", "message", "errors"}


def assert_error(response: Any, code: int) -> dict[str, Any]:
    """The one error shape with the given status."""
    assert response.status_code == code, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    assert set(body) == SHAPE and body["code"] == code
    return body


MALFORMED = {"data": b"{not json", "content_type": "text/plain"}


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [("PUT", "/v1/health", 405), ("POST", "/v1/health", 405), ("POST", "/v1/nowhere", 404), ("DELETE", "/v1/comments", 405)],
)
def test_routing_comes_before_the_body(client: FlaskClient, method: str, path: str, code: int) -> None:
    assert_error(client.open(path, method=method, **MALFORMED), code)


def test_routing_comes_before_the_key(client: FlaskClient) -> None:
    assert_error(client.put("/v1/comments", headers={"Authorization": "Bearer wrong"}, **MALFORMED), 405)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}])
@pytest.mark.parametrize(
    "body",
    [MALFORMED, {"data": b"{not json", "content_type": "application/json"}, {"json": {"text": "hi", "extra": 1}}],
)
def test_the_key_comes_before_the_body(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> None:
    assert_error(client.post("/v1/comments", headers=headers, **body), 401)


def test_a_weak_key_is_refused_before_the_body(client: FlaskClient) -> None:
    assert_error(client.post("/v1/rules/reload", headers=bearer("submit"), **MALFORMED), 403)


def test_an_oversized_body_is_refused_only_after_the_key(client: FlaskClient) -> None:
    big = b'{"text": "' + b"a" * (1024 * 1024) + b'"}'
    assert_error(client.post("/v1/comments", data=big, content_type="application/json"), 401)
    assert_error(client.post("/v1/comments", data=big, content_type="application/json", headers=bearer("submit")), 413)


def test_then_the_body_in_its_own_order(client: FlaskClient) -> None:
    headers = bearer("submit")
    assert_error(client.post("/v1/comments", headers=headers, **MALFORMED), 415)
    assert_error(client.post("/v1/comments", headers=headers, data=b"{", content_type="application/json"), 400)
    assert_error(client.post("/v1/comments", headers=headers, json={"text": ""}), 422)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b'{"text": "What a thoughtful article", "text": "Go f.u.c.k yourself"}', "text"),
        (b'{"text": "hi", "author": {"id": "a", "id": "b"}}', "id"),
        (b'{"comments": [{"text": "a"}, {"text": "b", "site": "x", "site": "y"}]}', "site"),
    ],
)
def test_duplicate_keys_get_400_naming_the_key(client: FlaskClient, raw: bytes, key: str) -> None:
    path = "/v1/comments/batch" if raw.startswith(b'{"comments"') else "/v1/comments"
    body = assert_error(client.post(path, data=raw, content_type="application/json", headers=bearer("submit")), 400)
    assert f"'{key}'" in body["message"]


def test_the_same_key_in_two_objects_is_no_duplicate(client: FlaskClient) -> None:
    raw = b'{"comments": [{"text": "first"}, {"text": "second"}]}'
    response = client.post("/v1/comments/batch", data=raw, content_type="application/json", headers=bearer("submit"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["results"]) == 2


def test_perspective_errors_keep_googles_shape(client: FlaskClient) -> None:
    response = client.post("/v1alpha1/comments:analyze", data=b'{"a": 1, "a": 2}', content_type="application/json")
    assert response.status_code in (400, 403)
    assert set(response.get_json()) == {"error"}
