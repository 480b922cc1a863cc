"""The issue's "done when", through the review pages: an approval overturned in the approved queue, and twenty rejects
upheld in bulk, each reach the site's webhook receiver as signed events within seconds."""

from __future__ import annotations

import time

from test_pages import csrf_token, log_ids, page, sign_in, submit
from test_webhooks import SECRET, Receiver, make_app, receiver, sender  # noqa: F401  (receiver is a fixture)

MISSED = "People like you should all be deported, go home"


def test_an_abusive_comment_found_in_the_approved_queue_reaches_the_site_as_a_signed_reject(
    app_config: dict[str, object],
    receiver: Receiver,  # noqa: F811
) -> None:
    app = make_app(app_config, receiver.url, WEBHOOK_SENDER=True, WEBHOOK_POLL_SECONDS=0.05)
    client = app.test_client()
    try:
        missed = submit(client, MISSED, site="news", comment_id="c-77")
        assert sign_in(client).status_code == 302
        assert missed in log_ids(page(client, "/review/log", status="approve"))
        token = csrf_token(client, f"/review/decisions/{missed}?status=approve")
        reviewed_at = time.monotonic()
        response = client.post(f"/review/decisions/{missed}/review?status=approve", data={"verdict": "overturn", "csrf_token": token})
        assert response.status_code == 302
        receiver.wait_for(1, seconds=10)
        waited = time.monotonic() - reviewed_at
    finally:
        sender(app).stop()
    [sent] = receiver.received
    assert sent["signed"]
    event = sent["json"]
    assert (event["event"], event["decision_id"], event["comment_id"], event["site"]) == ("decision.reviewed", missed, "c-77", "news")
    assert (event["outcome"], event["verdict"]) == ("reject", "overturn")
    print(f"\nwebhook received {waited:.2f} s after the verdict")


def test_twenty_rejects_upheld_at_once_send_twenty_signed_events(
    app_config: dict[str, object],
    receiver: Receiver,  # noqa: F811
) -> None:
    app = make_app(app_config, receiver.url, WEBHOOK_SENDER=True, WEBHOOK_POLL_SECONDS=0.05)
    client = app.test_client()
    try:
        ids = [submit(client, f"I will kill you, troll number {index}", site="news") for index in range(20)]
        assert sign_in(client).status_code == 302
        token = csrf_token(client, "/review/log")
        response = client.post("/review/log/review", data={"ids": ids, "verdict": "uphold", "note": "wave", "csrf_token": token})
        assert response.status_code == 302
        receiver.wait_for(20, seconds=20)
    finally:
        sender(app).stop()
    assert all(sent["signed"] for sent in receiver.received)
    events = [sent["json"] for sent in receiver.received]
    assert sorted(event["decision_id"] for event in events) == sorted(ids)
    assert {(event["outcome"], event["verdict"], event["note"]) for event in events} == {("reject", "uphold", "wave")}
