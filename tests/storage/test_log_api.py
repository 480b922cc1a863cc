"""The moderator API: /v1/decisions (list, one, review, export) and /v1/stats, with every bad input."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from logdata import get, log_decisions, reason, record, submit
from testkit import KEYS, bearer

AUTHOR = {"id": "u1", "name": "Ann", "email": "ann@example.org", "ip": "192.0.2.1"}


@pytest.fixture
def threat(client: FlaskClient) -> dict[str, Any]:
    return submit(client, "I will k1ll you", site="news", author=AUTHOR, article={"id": "a1"})


def test_a_moderator_lists_opens_overturns_and_exports(client: FlaskClient, threat: dict[str, Any]) -> None:
    submit(client, "What a lovely article", site="news")
    listed = get(client, "/v1/decisions", decision="reject", category="threat", since="today")
    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert [item["id"] for item in items] == [threat["decision_id"]]
    assert listed.get_json()["next_cursor"] is None

    opened = get(client, f"/v1/decisions/{threat['decision_id']}").get_json()
    assert opened["text"] == "I will k1ll you"
    assert opened["reasons"] == threat["reasons"]
    assert opened["categories"] == ["threat"]
    assert opened["ruleset"] == threat["ruleset"]
    assert opened["reviews"] == []

    reviewed = client.post(
        f"/v1/decisions/{threat['decision_id']}/review",
        json={"verdict": "overturn", "note": "Song lyrics"},
        headers=bearer("moderate"),
    )
    assert reviewed.status_code == 200
    body = reviewed.get_json()
    assert (body["decision"], body["status"], body["review_status"]) == ("reject", "approve", "overturned")
    [entry] = body["reviews"]
    assert entry["verdict"] == "overturn"
    assert entry["note"] == "Song lyrics"
    assert entry["reviewer"] == "env-2-moderate"  # the key's name, never the key
    assert KEYS["moderate"] not in reviewed.get_data(as_text=True)

    exported = get(client, "/v1/decisions/export", decision="reject", since="7d")
    assert exported.status_code == 200
    assert exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [row["id"] for row in rows] == [threat["decision_id"]]
    assert rows[0]["status"] == "approve"
    assert rows[0]["text"] == "I will k1ll you"
    assert rows[0]["categories"] == "threat"


def test_review_twice_keeps_both_entries(client: FlaskClient, threat: dict[str, Any]) -> None:
    path = f"/v1/decisions/{threat['decision_id']}/review"
    client.post(path, json={"verdict": "overturn"}, headers=bearer("moderate"))
    body = client.post(path, json={"verdict": "uphold", "note": None}, headers=bearer("admin")).get_json()
    assert [(r["verdict"], r["reviewer_role"]) for r in body["reviews"]] == [("overturn", "moderate"), ("uphold", "admin")]
    assert body["status"] == "reject"
    assert body["review_count"] == 2


def test_pagination_through_the_api(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        logged = log_decisions([record(f"comment {i}") for i in range(12)])
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 5}
    for _ in range(10):
        body = get(client, "/v1/decisions", **params).get_json()
        seen.extend(item["id"] for item in body["items"])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == sorted(logged, reverse=True)


def test_filters_through_the_api(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        threat, plain = log_decisions(
            [
                record("You will die", "reject", [reason("threats/die", "threat")], site="s1", author={"id": "u9"}),
                record("Nice piece", site="s2", article={"id": "art", "url": "https://x.example/a"}),
            ]
        )

    def ids(**params: Any) -> list[str]:
        response = get(client, "/v1/decisions", **params)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids(rule="threats/die") == [threat]
    assert ids(site="s2") == [plain]
    assert ids(author="u9") == [threat]
    assert ids(article="https://x.example/a") == [plain]
    assert ids(q="nice") == [plain]
    assert ids(review="unreviewed", decision="reject") == [threat]
    assert ids(since="2000-01-01T00:00:00Z", until="1h") == []
    assert set(ids(since="1h")) == {threat, plain}


def test_export_leaves_out_email_and_ip_unless_asked(client: FlaskClient, threat: dict[str, Any]) -> None:
    plain_csv = get(client, "/v1/decisions/export").get_data(as_text=True)
    assert "author_email" not in plain_csv
    assert "sha256:" not in plain_csv
    rows = list(csv.DictReader(io.StringIO(plain_csv)))
    assert rows[0]["author_id"] == "u1"
    assert rows[0]["author_name"] == "Ann"

    with_pii = list(csv.DictReader(io.StringIO(get(client, "/v1/decisions/export", include_pii="true").get_data(as_text=True))))
    # Stored hashed by default: the export shows the hash, never the address.
    assert with_pii[0]["author_email"].startswith("sha256:")
    assert with_pii[0]["author_ip"].startswith("sha256:")

    jsonl = get(client, "/v1/decisions/export", format="jsonl")
    assert jsonl.mimetype == "application/x-ndjson"
    [line] = [json.loads(text) for text in jsonl.get_data(as_text=True).splitlines()]
    assert line["author"] == {"id": "u1", "name": "Ann"}
    assert line["reasons"] == threat["reasons"]
    assert line["text"] == "I will k1ll you"
    [line] = [
        json.loads(text)
        for text in get(client, "/v1/decisions/export", format="jsonl", include_pii="1").get_data(as_text=True).splitlines()
    ]
    assert set(line["author"]) == {"id", "name", "email", "ip"}


def test_the_log_never_keeps_plain_email_by_default(client: FlaskClient, threat: dict[str, Any]) -> None:
    body = get(client, f"/v1/decisions/{threat['decision_id']}").get_data(as_text=True)
    assert "ann@example.org" not in body
    assert "192.0.2.1" not in body


def test_export_is_streamed_and_complete(app: Flask, client: FlaskClient) -> None:
    tricky = 'Quote "this", then a comma,\nand a new line; 💬'
    with app.app_context():
        log_decisions([record(tricky if i == 0 else f"row {i}", "reject" if i % 2 else "approve") for i in range(1500)])
    response = get(client, "/v1/decisions/export")
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1500
    assert rows[-1]["text"] == tricky
    assert len(list(csv.DictReader(io.StringIO(get(client, "/v1/decisions/export", decision="reject").get_data(as_text=True))))) == 750
    lines = get(client, "/v1/decisions/export", format="jsonl").get_data(as_text=True).splitlines()
    assert len(lines) == 1500
    assert json.loads(lines[-1])["text"] == tricky


def test_an_empty_export_has_the_header_only(client: FlaskClient) -> None:
    body = get(client, "/v1/decisions/export").get_data(as_text=True)
    assert body.splitlines()[0].startswith("id,created_at,decision,status")
    assert len(body.splitlines()) == 1
    assert get(client, "/v1/decisions/export", format="jsonl").get_data(as_text=True) == ""


def test_stats(client: FlaskClient, threat: dict[str, Any]) -> None:
    submit(client, "Nice piece")
    client.post(f"/v1/decisions/{threat['decision_id']}/review", json={"verdict": "overturn"}, headers=bearer("moderate"))
    response = get(client, "/v1/stats")
    assert response.status_code == 200
    body = response.get_json()
    assert body["totals"] == {"decisions": 2, "rejects": 1, "reviews": 1, "overturns": 1, "overturn_rate": 1.0}
    [category] = body["categories"]
    assert category["category"] == "threat"
    assert category["overturn_rate"] == 1.0
    rule = next(row for row in body["rules"] if row["rule"] == threat["reasons"][0]["rule"])
    assert rule["hits"] == 1
    assert rule["last_hit"].endswith("+00:00")
    assert get(client, "/v1/stats", site="elsewhere").get_json()["totals"]["decisions"] == 0
    assert get(client, "/v1/stats", since="2000-01-01", until="2000-01-02").get_json()["rules"] == []


def test_openapi_documents_the_log_api(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    for path in ("/v1/decisions", "/v1/decisions/{decision_id}", "/v1/decisions/{decision_id}/review", "/v1/decisions/export", "/v1/stats"):
        assert path in spec["paths"], path
    assert spec["paths"]["/v1/decisions"]["get"]["security"] == [{"bearerAuth": []}]
    assert "ReviewSchema" in str(spec["components"]) or "Review" in str(spec["components"])


def test_export_reads_the_log_in_batches_while_it_streams(app: Flask, client: FlaskClient) -> None:
    """The export asks the driver for a streaming cursor and sends rows before it has read them all."""
    from sqlalchemy import event

    with app.app_context():
        log_decisions([record(f"row {i}") for i in range(1000)])
    engine = app.extensions["moderation.db"]
    options: list[dict[str, Any]] = []

    def capture(connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if "FROM decisions" in statement:
            options.append(dict(context.execution_options))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        response = client.get("/v1/decisions/export", headers=bearer("moderate"), buffered=False)
        chunks = iter(response.response)
        first = next(chunks)
        assert 1 < first.count(b"\r\n") < 1000
        rest = b"".join(chunks)
        response.close()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert (first + rest).count(b"\r\n") == 1001
    assert options and options[0].get("yield_per")
    assert options[0].get("stream_results")
