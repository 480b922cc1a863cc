"""Every bad request under /v1alpha1/ gets Google's error shape with the right code, never a 500, and logs nothing."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text as sql
from test_perspective import ANALYZE, ERROR_RESPONSE, SUGGEST
from testkit import KEYS

GOOD = {"comment": {"text": "you idiot"}, "requestedAttributes": {"INSULT": {}}}
SUGGESTION = {"comment": {"text": "you idiot"}, "attributeScores": {"INSULT": {"summaryScore": {"value": 1}}}}


def count(app: Flask, table: str) -> int:
    with app.extensions["moderation.db"].connect() as connection:
        return int(connection.execute(sql(f"SELECT count(*) FROM {table}")).scalar_one())


def google_error(response: Any, code: int, status: str) -> dict[str, Any]:
    """The response is Google's error object with this code and status; return the error."""
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    jsonschema.validate(body, ERROR_RESPONSE)
    assert (body["error"]["code"], body["error"]["status"]) == (code, status)
    return dict(body["error"])


def send(client: FlaskClient, path: str, data: bytes | str, key: str = KEYS["submit"], content_type: str = "application/json") -> Any:
    return client.post(f"{path}?key={key}", data=data, content_type=content_type)


def with_fields(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


# --- keys -----------------------------------------------------------------------------------------------------


def test_a_missing_key_is_permission_denied(client: FlaskClient) -> None:
    error = google_error(client.post(ANALYZE, json=GOOD), 403, "PERMISSION_DENIED")
    assert "missing" in error["message"]


def test_a_bad_key_is_permission_denied(client: FlaskClient) -> None:
    google_error(client.post(f"{ANALYZE}?key=nope", json=GOOD), 403, "PERMISSION_DENIED")
    google_error(client.post(ANALYZE, json=GOOD, headers={"Authorization": "Bearer nope"}), 403, "PERMISSION_DENIED")


def test_suggestscore_needs_the_moderate_role(app: Flask, client: FlaskClient) -> None:
    error = google_error(client.post(f"{SUGGEST}?key={KEYS['submit']}", json=SUGGESTION), 403, "PERMISSION_DENIED")
    assert "moderate" in error["message"]
    assert count(app, "feedback") == 0
    assert client.post(f"{SUGGEST}?key={KEYS['moderate']}", json=SUGGESTION).status_code == 200


# --- bodies ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b'{"comment": }', b"\xff\xfe{}", b"[]", b'"text"', b"null", b"42", b'{"a": NaN}', b"[" * 100_000],
    ids=["empty", "truncated", "broken", "not-utf8", "array", "string", "null", "number", "nan", "deep"],
)
def test_bodies_that_are_not_a_json_object(app: Flask, client: FlaskClient, raw: bytes) -> None:
    google_error(send(client, ANALYZE, raw), 400, "INVALID_ARGUMENT")
    google_error(send(client, SUGGEST, raw, key=KEYS["moderate"]), 400, "INVALID_ARGUMENT")
    assert count(app, "decisions") == 0


def test_a_body_over_the_limit(app: Flask, client: FlaskClient) -> None:
    raw = b'{"comment": {"text": "' + b"a" * (1024 * 1024) + b'"}}'
    error = google_error(send(client, ANALYZE, raw), 400, "INVALID_ARGUMENT")
    assert "payload size exceeds the limit" in error["message"]
    assert count(app, "decisions") == 0


def test_any_content_type_is_read_as_json(client: FlaskClient) -> None:
    assert send(client, ANALYZE, json.dumps(GOOD), content_type="text/plain;charset=UTF-8").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"requestedAttributes": {"INSULT": {}}}, "comment"),
        (with_fields(comment="you idiot"), "comment"),
        (with_fields(comment={}), "comment.text"),
        (with_fields(comment={"text": ""}), "comment.text"),
        (with_fields(comment={"text": "   \n"}), "comment.text"),
        (with_fields(comment={"text": 42}), "comment.text"),
        (with_fields(comment={"text": "a" * 20_001}), "comment.text"),
        (with_fields(comment={"text": "bad \x00 byte"}), "comment.text"),
        (with_fields(comment={"text": "x", "type": "MARKDOWN"}), "comment.type"),
        ({"comment": {"text": "x"}}, "requestedAttributes"),
        (with_fields(requestedAttributes={}), "requestedAttributes"),
        (with_fields(requestedAttributes=["INSULT"]), "requestedAttributes"),
        (with_fields(requestedAttributes={"RUDENESS": {}}), "requestedAttributes.RUDENESS"),
        (with_fields(requestedAttributes={"INSULT": {"scoreThreshold": 2}}), "requestedAttributes.INSULT.scoreThreshold"),
        (with_fields(requestedAttributes={"INSULT": {"scoreThreshold": "high"}}), "requestedAttributes.INSULT.scoreThreshold"),
        (with_fields(requestedAttributes={"INSULT": {"scoreType": "RAW"}}), "requestedAttributes.INSULT.scoreType"),
        (with_fields(requestedAttributes={"INSULT": {"colour": "red"}}), "requestedAttributes.INSULT.colour"),
        (with_fields(doNotStore="yes"), "doNotStore"),
        (with_fields(spanAnnotations=1), "spanAnnotations"),
        (with_fields(dropUnsupportedAttributes="true"), "dropUnsupportedAttributes"),
        (with_fields(languages="en"), "languages"),
        (with_fields(languages=["en"] * 11), "languages"),
        (with_fields(languages=[""]), "languages.0"),
        (with_fields(clientToken="t" * 201), "clientToken"),
        (with_fields(clientToken=7), "clientToken"),
        (with_fields(communityId=["site"]), "communityId"),
        (with_fields(context={"entries": "none"}), "context.entries"),
        (with_fields(context={"entries": [{"text": "x"}] * 21}), "context.entries"),
        (with_fields(colour="red"), "colour"),
    ],
)
def test_invalid_analyze_requests_name_the_field(app: Flask, client: FlaskClient, body: dict[str, Any], field: str) -> None:
    error = google_error(client.post(f"{ANALYZE}?key={KEYS['submit']}", json=body), 400, "INVALID_ARGUMENT")
    [details] = error["details"]
    assert details["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert field in [violation["field"] for violation in details["fieldViolations"]]
    assert field in error["message"]
    assert count(app, "decisions") == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"comment": {"text": "x"}}, "attributeScores"),
        ({**SUGGESTION, "attributeScores": {}}, "attributeScores"),
        ({**SUGGESTION, "attributeScores": {"INSULT": {}}}, "attributeScores.INSULT.summaryScore"),
        ({**SUGGESTION, "attributeScores": {"INSULT": {"summaryScore": {"value": 1.5}}}}, "attributeScores.INSULT.summaryScore.value"),
        ({**SUGGESTION, "attributeScores": {"INSULT": {"summaryScore": {"value": None}}}}, "attributeScores.INSULT.summaryScore.value"),
        ({**SUGGESTION, "attributeScores": {"RUDENESS": {"summaryScore": {"value": 1}}}}, "attributeScores.RUDENESS"),
        ({"attributeScores": SUGGESTION["attributeScores"]}, "comment"),
        ({**SUGGESTION, "doNotStore": True}, "doNotStore"),
    ],
)
def test_invalid_suggestions_name_the_field(app: Flask, client: FlaskClient, body: dict[str, Any], field: str) -> None:
    error = google_error(client.post(f"{SUGGEST}?key={KEYS['moderate']}", json=body), 400, "INVALID_ARGUMENT")
    assert field in [violation["field"] for violation in error["details"][0]["fieldViolations"]]
    assert count(app, "feedback") == 0


# --- attributes and languages the rules cannot score ------------------------------------------------------------


def test_an_unsupported_attribute_is_refused(app: Flask, client: FlaskClient) -> None:
    body = with_fields(requestedAttributes={"INSULT": {}, "FLIRTATION": {}})
    error = google_error(client.post(f"{ANALYZE}?key={KEYS['submit']}", json=body), 400, "INVALID_ARGUMENT")
    assert "FLIRTATION" in error["message"]
    assert count(app, "decisions") == 0


def test_a_requested_language_the_rules_do_not_cover_is_refused(app: Flask, client: FlaskClient) -> None:
    error = google_error(client.post(f"{ANALYZE}?key={KEYS['submit']}", json=with_fields(languages=["ru"])), 400, "INVALID_ARGUMENT")
    assert "does not support request languages: ru" in error["message"]
    assert count(app, "decisions") == 0


def test_a_detected_language_the_rules_do_not_cover_is_refused(client: FlaskClient) -> None:
    body = with_fields(comment={"text": "Пожалуйста, пишите больше новостей о городе."})
    error = google_error(client.post(f"{ANALYZE}?key={KEYS['submit']}", json=body), 400, "INVALID_ARGUMENT")
    assert error["message"].endswith("languages: ru.")


# --- paths, methods and failures ------------------------------------------------------------------------------


def test_other_methods_and_paths(client: FlaskClient) -> None:
    response = client.get(f"{ANALYZE}?key={KEYS['submit']}")
    google_error(response, 405, "UNIMPLEMENTED")
    assert response.headers["Allow"] == "POST"
    google_error(client.delete(SUGGEST), 405, "UNIMPLEMENTED")
    google_error(client.post("/v1alpha1/comments:classify", json=GOOD), 404, "NOT_FOUND")
    google_error(client.get("/v1alpha1/"), 404, "NOT_FOUND")


def test_the_v1_api_keeps_its_own_error_shape(client: FlaskClient) -> None:
    body = client.post("/v1/comments", json={}, headers={"Authorization": f"Bearer {KEYS['submit']}"}).get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert set(client.get("/v1/nothing").get_json()) == {"code", "status", "message", "errors"}


def test_a_failure_inside_is_google_internal_without_details(app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database on fire: secret details")

    monkeypatch.setattr("moderation.integrations.perspective_api.log_decided", broken)
    error = google_error(client.post(f"{ANALYZE}?key={KEYS['submit']}", json=GOOD), 500, "INTERNAL")
    assert "secret" not in error["message"]
