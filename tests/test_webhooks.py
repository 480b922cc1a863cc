"""Webhooks end to end: a review is queued with it, signed, posted to a receiver on loopback, retried, kept over restarts."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from moderation import create_app
from moderation.storage import queries as storage_queries
from moderation.storage import review_decision
from moderation.storage.tables import decisions, webhook_deliveries
from moderation.webhooks import WebhookSender, retry_delay, sender_for, signature

SECRET = "receiver-shared-secret"
APPROVED = "Thanks for a careful and well sourced article."
REJECTED = "I will kill you"


@dataclass
class Receiver:
    """A site's webhook endpoint on loopback: records each request and answers the statuses queued for it."""

    server: ThreadingHTTPServer
    answers: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hooks/moderation"

    def wait_for(self, count: int, seconds: float = 10.0) -> None:
        """Wait until `count` requests came (bounded: a broken sender fails the test instead of hanging it)."""
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.received) >= count, f"received {len(self.received)} of {count} webhooks"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            found.received.append(
                {
                    "body": body,
                    "json": json.loads(body),
                    "headers": dict(self.headers),
                    "signed": hmac.compare_digest(self.headers.get("X-Moderation-Signature", ""), expected),
                }
            )
            status = found.answers.pop(0) if found.answers else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    found.server.RequestHandlerClass = Handler
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def closed_port_url() -> str:
    """A loopback URL where nothing listens: a receiver that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


def auth(app: Flask, role: str) -> dict[str, str]:
    """The Authorization header of the test key with this role (from the app's own key configuration)."""
    pairs = dict(item.split(":", 1) for item in str(app.config["API_KEYS"]).split(","))
    return {"Authorization": f"Bearer {pairs[role]}"}


def make_app(app_config: dict[str, object], url: str, **extra: object) -> Flask:
    """The app with webhooks to url; the sender thread stays off unless asked, so tests drive it step by step."""
    return create_app({**app_config, "WEBHOOK_URL": url, "WEBHOOK_SECRET": SECRET, "WEBHOOK_SENDER": False, **extra})


def submit(client: FlaskClient, app: Flask, text: str, **fields: Any) -> str:
    response = client.post("/v1/comments", json={"text": text, **fields}, headers=auth(app, "submit"))
    assert response.status_code == 200, response.get_json()
    decision_id: str = response.get_json()["decision_id"]
    return decision_id


def review(client: FlaskClient, app: Flask, decision_id: str, verdict: str, note: str | None = None) -> None:
    body = {"verdict": verdict, **({"note": note} if note else {})}
    response = client.post(f"/v1/decisions/{decision_id}/review", json=body, headers=auth(app, "moderate"))
    assert response.status_code == 200, response.get_json()


def sender(app: Flask) -> WebhookSender:
    found = sender_for(app)
    assert found is not None
    return found


def outbox(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["moderation.db"].connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(webhook_deliveries).order_by(webhook_deliveries.c.id))]


def deliveries(client: FlaskClient, app: Flask, **params: Any) -> Any:
    response = client.get("/v1/webhooks/deliveries", query_string=params, headers=auth(app, "admin"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_overturned_approve_reaches_the_site_as_a_signed_reject(app_config: dict[str, object], receiver: Receiver) -> None:
    app = make_app(app_config, receiver.url)
    client = app.test_client()
    decision_id = submit(client, app, APPROVED, comment_id="c-17", site="news")
    review(client, app, decision_id, "overturn", "abuse the rules missed")
    assert sender(app).run_once() == 1
    assert len(receiver.received) == 1
    sent = receiver.received[0]
    assert sent["signed"]
    assert sent["headers"]["X-Moderation-Signature"] == signature(SECRET, sent["body"])
    assert sent["headers"]["Content-Type"] == "application/json"
    event = sent["json"]
    assert list(event) == ["event", "decision_id", "comment_id", "site", "outcome", "verdict", "note", "reviewed_at"]
    assert event["event"] == "decision.reviewed"
    assert (event["decision_id"], event["comment_id"], event["site"]) == (decision_id, "c-17", "news")
    assert (event["outcome"], event["verdict"], event["note"]) == ("reject", "overturn", "abuse the rules missed")
    stored = client.get(f"/v1/decisions/{decision_id}", headers=auth(app, "moderate")).get_json()
    assert datetime.fromisoformat(event["reviewed_at"]) == datetime.fromisoformat(stored["reviewed_at"])
    [listed] = deliveries(client, app)["items"]
    assert (listed["status"], listed["attempts"], listed["last_status"]) == ("delivered", 1, 204)
    assert listed["payload"] == event
    assert sent["headers"]["X-Moderation-Delivery"] == str(listed["id"])
    assert sender(app).run_once() == 0  # sent once, not again


def test_an_upheld_reject_says_reject_and_a_wrong_secret_fails_the_check(app_config: dict[str, object], receiver: Receiver) -> None:
    app = make_app(app_config, receiver.url, WEBHOOK_SECRET="not-the-receivers-secret")
    client = app.test_client()
    review(client, app, submit(client, app, REJECTED), "uphold")
    sender(app).run_once()
    assert receiver.received[0]["json"]["outcome"] == "reject"
    assert receiver.received[0]["json"]["verdict"] == "uphold"
    assert not receiver.received[0]["signed"]


def test_a_receiver_answering_500_gets_the_same_delivery_again_later(app_config: dict[str, object], receiver: Receiver) -> None:
    app = make_app(app_config, receiver.url)
    client = app.test_client()
    review(client, app, submit(client, app, REJECTED), "overturn")
    receiver.answers = [500]
    before = datetime.now(UTC)
    assert sender(app).run_once() == 1
    [row] = outbox(app)
    assert (row["status"], row["attempts"], row["last_status"]) == ("pending", 1, 500)
    waits = (row["next_attempt_at"].replace(tzinfo=UTC) - before).total_seconds()
    assert retry_delay(1) * 0.8 < waits < retry_delay(1) * 1.3  # backs off, instead of hammering the receiver
    assert sender(app).run_once() == 0  # not due yet
    assert sender(app).run_once(now=datetime.now(UTC) + timedelta(seconds=30)) == 1
    assert len(receiver.received) == 2
    assert receiver.received[0]["body"] == receiver.received[1]["body"]  # the same bytes, the same signature
    assert receiver.received[0]["headers"]["X-Moderation-Delivery"] == receiver.received[1]["headers"]["X-Moderation-Delivery"]
    [row] = outbox(app)
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 2, None)


def test_the_retry_delay_doubles_up_to_an_hour() -> None:
    assert 9 <= retry_delay(1) <= 11
    assert 18 <= retry_delay(2) <= 22
    assert 36 <= retry_delay(3) <= 44
    assert 3240 <= retry_delay(30) <= 3960


def test_a_receiver_that_is_down_loses_nothing_and_gets_it_after_a_restart(app_config: dict[str, object], receiver: Receiver) -> None:
    first = make_app(app_config, closed_port_url())
    client = first.test_client()
    decision_id = submit(client, first, APPROVED)
    review(client, first, decision_id, "overturn")
    assert sender(first).run_once() == 1
    [row] = outbox(first)
    assert (row["status"], row["attempts"], row["last_status"]) == ("pending", 1, None)
    assert row["last_error"].startswith("unreachable")
    first.extensions["moderation.db"].dispose()  # the process goes away

    # A new process on the same database, its receiver back (at a new address); its own sender thread runs.
    second = make_app(app_config, receiver.url, WEBHOOK_SENDER=True, WEBHOOK_POLL_SECONDS=0.05)
    with second.extensions["moderation.db"].begin() as connection:  # the retry is due by now
        connection.execute(update(webhook_deliveries).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
    try:
        assert second.test_client().get("/v1/health").status_code == 200  # any request starts the sender
        receiver.wait_for(1)
    finally:
        sender(second).stop()
    assert receiver.received[0]["json"]["decision_id"] == decision_id
    assert receiver.received[0]["signed"]
    [row] = outbox(second)
    assert (row["status"], row["attempts"]) == ("delivered", 2)
    assert len(receiver.received) == 1


def test_the_sender_thread_delivers_within_seconds_of_a_review(app_config: dict[str, object], receiver: Receiver) -> None:
    app = make_app(app_config, receiver.url, WEBHOOK_SENDER=True, WEBHOOK_POLL_SECONDS=0.05)
    client = app.test_client()
    try:
        review(client, app, submit(client, app, APPROVED), "overturn")
        receiver.wait_for(1)
    finally:
        sender(app).stop()
    assert receiver.received[0]["json"]["outcome"] == "reject"


def test_a_delivery_is_given_up_after_the_retry_window(app_config: dict[str, object]) -> None:
    app = make_app(app_config, closed_port_url())
    client = app.test_client()
    review(client, app, submit(client, app, REJECTED), "overturn")
    with app.extensions["moderation.db"].begin() as connection:
        connection.execute(update(webhook_deliveries).values(created_at=datetime.now(UTC) - timedelta(hours=25)))
    sender(app).run_once()
    [row] = outbox(app)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert sender(app).run_once(now=datetime.now(UTC) + timedelta(days=2)) == 0
    assert [item["status"] for item in deliveries(client, app, status="failed")["items"]] == ["failed"]
    assert deliveries(client, app, status="pending")["items"] == []


def test_the_event_is_written_in_the_reviews_transaction(app_config: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(app_config, closed_port_url())
    client = app.test_client()
    decision_id = submit(client, app, REJECTED)

    def broken(*args: Any) -> None:
        raise RuntimeError("the outbox insert failed")

    monkeypatch.setattr(storage_queries, "enqueue_review_events", broken)
    with pytest.raises(RuntimeError), app.app_context():
        review_decision(decision_id, "overturn", reviewer="m", reviewer_role="moderate")
    with app.extensions["moderation.db"].connect() as connection:
        row = connection.execute(select(decisions.c.review_count, decisions.c.status).where(decisions.c.id == decision_id)).one()
    assert (row.review_count, row.status) == (0, "reject")  # no review without its event


def test_without_a_webhook_url_nothing_is_queued(app: Flask, client: FlaskClient) -> None:
    review(client, app, submit(client, app, REJECTED), "overturn")
    assert outbox(app) == []
    assert sender_for(app) is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"WEBHOOK_URL": "http://127.0.0.1:9/x", "WEBHOOK_SECRET": ""}, "MODERATION_WEBHOOK_SECRET"),
        ({"WEBHOOK_URL": "ftp://example.org/x", "WEBHOOK_SECRET": "s"}, "http or https"),
        ({"WEBHOOK_URL": "http://127.0.0.1:9/x", "WEBHOOK_SECRET": "s", "WEBHOOK_TIMEOUT_SECONDS": "soon"}, "numbers"),
    ],
)
def test_bad_webhook_settings_stop_the_start(app_config: dict[str, object], settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_app({**app_config, **settings})


def test_the_deliveries_list_is_for_admins_and_pages(app_config: dict[str, object], receiver: Receiver) -> None:
    app = make_app(app_config, receiver.url)
    client = app.test_client()
    ids = [submit(client, app, REJECTED) for _ in range(3)]
    for decision_id in ids:
        review(client, app, decision_id, "uphold")
    assert client.get("/v1/webhooks/deliveries", headers=auth(app, "moderate")).status_code == 403
    assert client.get("/v1/webhooks/deliveries").status_code == 401
    first = deliveries(client, app, limit=2)
    assert [item["decision_id"] for item in first["items"]] == ids[:0:-1]  # newest first
    second = deliveries(client, app, limit=2, cursor=first["next_cursor"])
    assert [item["decision_id"] for item in second["items"]] == ids[:1]
    assert second["next_cursor"] is None
    assert all(item["status"] == "pending" and item["attempts"] == 0 for item in first["items"] + second["items"])
    for bad in ({"cursor": "nope"}, {"limit": 0}, {"status": "lost"}, {"colour": "red"}):
        response = client.get("/v1/webhooks/deliveries", query_string=bad, headers=auth(app, "admin"))
        assert response.status_code == 422, bad
        assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_the_rules_page_shows_the_latest_deliveries(app_config: dict[str, object], receiver: Receiver) -> None:
    import re

    app = make_app(app_config, receiver.url)
    client = app.test_client()
    decision_id = submit(client, app, APPROVED)
    review(client, app, decision_id, "overturn")
    receiver.answers = [503]
    sender(app).run_once()
    token_page = client.get("/review/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page)
    assert token
    key = auth(app, "moderate")["Authorization"].removeprefix("Bearer ")
    assert client.post("/review/sign-in", data={"key": key, "csrf_token": token.group(1)}).status_code == 302
    html = client.get("/review/rules").get_data(as_text=True)
    assert "Webhook deliveries" in html
    assert "1 pending, 0 delivered, 0 given up." in html
    assert decision_id[:12] in html
    assert "HTTP 503" in html
    assert "/hooks/moderation" not in html  # only the host: a URL may carry a token


def test_a_bulk_review_sends_one_event_per_reviewed_decision(app_config: dict[str, object], receiver: Receiver) -> None:
    app = make_app(app_config, receiver.url)
    client = app.test_client()
    rejected = [submit(client, app, REJECTED, comment_id=f"c{index}") for index in range(3)]
    body = {"ids": [*rejected, "0" * 32], "verdict": "overturn", "note": "all fine after all"}
    response = client.post("/v1/decisions/review", json=body, headers=auth(app, "moderate"))
    assert response.status_code == 200, response.get_json()
    while sender(app).run_once():
        pass
    events = {sent["json"]["decision_id"]: sent["json"] for sent in receiver.received if sent["signed"]}
    assert sorted(events) == sorted(rejected)  # the unknown id sends nothing
    assert {event["outcome"] for event in events.values()} == {"approve"}
    assert {event["note"] for event in events.values()} == {"all fine after all"}
    assert sorted(event["comment_id"] for event in events.values()) == ["c0", "c1", "c2"]
    assert len(receiver.received) == 3
