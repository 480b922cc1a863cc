"""Every bad input to the moderator API gets the contract's JSON error; a submit key cannot read the log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from logdata import assert_error, get, submit
from testkit import KEYS, bearer

from moderation import create_app

# Validation happens before the database is asked, so one app on SQLite serves the whole module.


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder: Path = tmp_path_factory.mktemp("log-errors")
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'log.sqlite3'}",
            "API_KEYS": ",".join(f"{role}:{key}" for role, key in KEYS.items()),
            "API_KEYS_FILE": str(folder / "api-keys"),
        }
    )
    yield application
    application.extensions["moderation.db"].dispose()


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def threat(client: FlaskClient) -> dict[str, Any]:
    return submit(client, "I will k1ll you")


@pytest.mark.parametrize(
    "path",
    ["/v1/decisions", "/v1/decisions/export", "/v1/stats", "/v1/decisions/00000000000000000000000000000000"],
)
def test_a_submit_key_cannot_read_the_log(client: FlaskClient, path: str) -> None:
    assert_error(get(client, path, role="submit"), 403)
    assert_error(client.get(path), 401)
    assert_error(client.get(path, headers={"Authorization": "Bearer wrong"}), 401)


def test_a_submit_key_cannot_review(client: FlaskClient, threat: dict[str, Any]) -> None:
    path = f"/v1/decisions/{threat['decision_id']}/review"
    assert_error(client.post(path, json={"verdict": "overturn"}, headers=bearer("submit")), 403)
    assert get(client, f"/v1/decisions/{threat['decision_id']}").get_json()["review_status"] == "unreviewed"


@pytest.mark.parametrize("decision_id", ["0" * 32, "nope", "Z" * 32, "0" * 33, "%00"])
def test_unknown_ids_are_404(client: FlaskClient, decision_id: str) -> None:
    assert_error(get(client, f"/v1/decisions/{decision_id}"), 404)
    response = client.post(f"/v1/decisions/{decision_id}/review", json={"verdict": "uphold"}, headers=bearer("moderate"))
    assert_error(response, 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"verdict": "delete"}, "verdict"),
        ({"verdict": None}, "verdict"),
        ({"verdict": 1}, "verdict"),
        ({}, "verdict"),
        ({"note": "no verdict"}, "verdict"),
        ({"verdict": "uphold", "note": 5}, "note"),
        ({"verdict": "uphold", "note": "x" * 2001}, "note"),
        ({"verdict": "uphold", "note": "bell \x07"}, "note"),
        ({"verdict": "uphold", "by": "someone"}, "by"),
    ],
)
def test_bad_reviews_are_422(client: FlaskClient, threat: dict[str, Any], body: dict[str, Any], field: str) -> None:
    response = client.post(f"/v1/decisions/{threat['decision_id']}/review", json=body, headers=bearer("moderate"))
    assert_error(response, 422, field)
    assert get(client, f"/v1/decisions/{threat['decision_id']}").get_json()["reviews"] == []


def test_review_bodies_that_are_not_json_objects(client: FlaskClient, threat: dict[str, Any]) -> None:
    path = f"/v1/decisions/{threat['decision_id']}/review"
    headers = {**bearer("moderate"), "Content-Type": "application/json"}
    assert_error(client.post(path, data="verdict=uphold", headers=headers), 400)
    assert_error(client.post(path, data='["uphold"]', headers=headers), 400)
    assert_error(client.post(path, data="verdict=uphold", headers=bearer("moderate")), 415)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({"status": "pending"}, "status"),
        ({"category": "spam"}, "category"),
        ({"subcategory": "fruit"}, "subcategory"),
        ({"review": "later"}, "review"),
        ({"since": "yesterday-ish"}, "since"),
        ({"until": "2026-13-45"}, "until"),
        ({"since": "2026-11-28", "until": "2026-11-01"}, "until"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJiZWZvcmUiOiAiMSJ9"}, "cursor"),
        ({"q": ""}, "q"),
        ({"q": "nul \x00"}, "q"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_filters_are_422(client: FlaskClient, params: dict[str, str], field: str) -> None:
    assert_error(get(client, "/v1/decisions", **params), 422, field)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"format": "xlsx"}, "format"), ({"include_pii": "perhaps"}, "include_pii"), ({"category": "spam"}, "category"), ({"x": "1"}, "x")],
)
def test_bad_export_arguments_are_422(client: FlaskClient, params: dict[str, str], field: str) -> None:
    assert_error(get(client, "/v1/decisions/export", **params), 422, field)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": "soon"}, "since"), ({"since": "1d", "until": "2d"}, "until"), ({"rule": "x"}, "rule")],
)
def test_bad_stats_arguments_are_422(client: FlaskClient, params: dict[str, str], field: str) -> None:
    assert_error(get(client, "/v1/stats", **params), 422, field)
