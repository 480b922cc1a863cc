"""POST /v1/decisions/review: one verdict and note for many decisions, unknown ids reported, at most 500."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from testkit import bearer

from moderation.storage import MAX_REVIEW_BATCH, decision_reviews

UNKNOWN = "0123456789abcdef0123456789abcdef"


def submit(client: FlaskClient, text: str, **fields: Any) -> str:
    response = client.post("/v1/comments", json={"text": text, **fields}, headers=bearer("submit"))
    assert response.status_code == 200, response.get_json()
    decision_id: str = response.get_json()["decision_id"]
    return decision_id


def bulk(client: FlaskClient, body: Any, role: str = "moderate") -> Any:
    return client.post("/v1/decisions/review", json=body, headers=bearer(role))


def detail(client: FlaskClient, decision_id: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/v1/decisions/{decision_id}", headers=bearer("moderate")).get_json()
    return body


def review_rows(app: Flask) -> int:
    from sqlalchemy import func, select

    with app.extensions["moderation.db"].connect() as connection:
        return int(connection.execute(select(func.count()).select_from(decision_reviews)).scalar_one())


@pytest.fixture
def rejects(client: FlaskClient) -> list[str]:
    return [submit(client, f"I will kill you, number {index}", site="news") for index in range(3)]


def test_overturning_many_answers_one_result_per_id_in_order(client: FlaskClient, rejects: list[str]) -> None:
    approved = submit(client, "What a lovely article about the harbour", site="news")
    ids = [rejects[2], UNKNOWN, approved, rejects[0], "not-an-id"]
    response = bulk(client, {"ids": ids, "verdict": "overturn", "note": "Quoting a film"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [result["id"] for result in body["results"]] == ids
    assert (body["reviewed"], body["unknown"]) == (3, 2)
    by_id = {result["id"]: result for result in body["results"]}
    expected = {"id": rejects[2], "reviewed": True, "decision": "reject", "status": "approve", "review_status": "overturned"}
    assert by_id[rejects[2]] == expected
    assert by_id[approved]["status"] == "reject"  # an approval overturned reads as rejected
    for missing in (UNKNOWN, "not-an-id"):
        assert by_id[missing]["reviewed"] is False
        assert by_id[missing]["error"] == "No decision with this id."
        assert "status" not in by_id[missing]
    stored = detail(client, rejects[2])
    assert (stored["status"], stored["review_status"], stored["reviewed_by"]) == ("approve", "overturned", "env-2-moderate")
    assert [(r["verdict"], r["note"], r["status_before"], r["status_after"]) for r in stored["reviews"]] == [
        ("overturn", "Quoting a film", "reject", "approve")
    ]
    assert detail(client, rejects[1])["review_status"] == "unreviewed"  # not in the list, not touched


def test_upholding_keeps_each_decision_and_adds_to_its_trail(client: FlaskClient, rejects: list[str]) -> None:
    bulk(client, {"ids": rejects[:1], "verdict": "overturn"})
    body = bulk(client, {"ids": rejects, "verdict": "uphold"}).get_json()
    assert [result["status"] for result in body["results"]] == ["reject"] * 3
    trail = detail(client, rejects[0])["reviews"]
    assert [(r["verdict"], r["status_before"], r["status_after"]) for r in trail] == [
        ("overturn", "reject", "approve"),
        ("uphold", "approve", "reject"),
    ]
    assert detail(client, rejects[0])["review_count"] == 2


def test_an_id_sent_twice_is_reviewed_once(app: Flask, client: FlaskClient, rejects: list[str]) -> None:
    body = bulk(client, {"ids": [rejects[0], rejects[0], rejects[1]], "verdict": "uphold"}).get_json()
    assert [result["id"] for result in body["results"]] == [rejects[0], rejects[1]]
    assert review_rows(app) == 2
    assert detail(client, rejects[0])["review_count"] == 1


def test_only_unknown_ids_is_still_an_answer(app: Flask, client: FlaskClient) -> None:
    response = bulk(client, {"ids": [UNKNOWN], "verdict": "uphold"})
    assert response.status_code == 200
    assert response.get_json() == {
        "results": [{"id": UNKNOWN, "reviewed": False, "error": "No decision with this id."}],
        "reviewed": 0,
        "unknown": 1,
    }
    assert review_rows(app) == 0


def test_the_limit_is_500_ids(app: Flask, client: FlaskClient, rejects: list[str]) -> None:
    padding = [f"{index:032x}" for index in range(MAX_REVIEW_BATCH - 1)]
    at_limit = bulk(client, {"ids": [*padding, rejects[0]], "verdict": "uphold"})
    assert at_limit.status_code == 200
    assert at_limit.get_json()["reviewed"] == 1
    over = bulk(client, {"ids": [*padding, rejects[0], rejects[1]], "verdict": "overturn"})
    assert over.status_code == 422
    body = over.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and "ids" in body["errors"]
    assert detail(client, rejects[1])["review_status"] == "unreviewed"  # nothing half-written
    assert review_rows(app) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": [], "verdict": "uphold"}, "ids"),
        ({"verdict": "uphold"}, "ids"),
        ({"ids": "abc", "verdict": "uphold"}, "ids"),
        ({"ids": [42], "verdict": "uphold"}, "ids"),
        ({"ids": ["x" * 101], "verdict": "uphold"}, "ids"),
        ({"ids": ["a\x00b"], "verdict": "uphold"}, "ids"),
        ({"ids": [UNKNOWN], "verdict": "delete"}, "verdict"),
        ({"ids": [UNKNOWN]}, "verdict"),
        ({"ids": [UNKNOWN], "verdict": "uphold", "note": "n" * 2001}, "note"),
        ({"ids": [UNKNOWN], "verdict": "uphold", "extra": 1}, "extra"),
    ],
)
def test_bad_bodies_are_a_422_in_the_error_shape(client: FlaskClient, body: dict[str, Any], field: str) -> None:
    response = bulk(client, body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_bulk_review_needs_a_moderate_key(client: FlaskClient, rejects: list[str]) -> None:
    assert client.post("/v1/decisions/review", json={"ids": rejects, "verdict": "uphold"}).status_code == 401
    assert bulk(client, {"ids": rejects, "verdict": "uphold"}, role="submit").status_code == 403
    assert bulk(client, {"ids": rejects, "verdict": "uphold"}, role="admin").status_code == 200
    assert detail(client, rejects[0])["reviewed_by"] == "env-3-admin"


def test_a_single_review_still_works_beside_the_bulk_one(client: FlaskClient, rejects: list[str]) -> None:
    response = client.post(f"/v1/decisions/{rejects[0]}/review", json={"verdict": "overturn"}, headers=bearer("moderate"))
    assert response.status_code == 200
    assert response.get_json()["status"] == "approve"
    assert client.get("/v1/decisions/review", headers=bearer("moderate")).status_code == 404  # an id, not a route


def test_openapi_documents_the_bulk_review(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/v1/decisions/review"]["post"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert "200" in operation["responses"] and "422" in operation["responses"]
    schemas = spec["components"]["schemas"]
    body = schemas["BulkReview"]
    assert body["properties"]["ids"]["maxItems"] == MAX_REVIEW_BATCH
    assert set(body["required"]) == {"ids", "verdict"}
    assert {"results", "reviewed", "unknown"} <= set(schemas["BulkReviewAnswer"]["properties"])
