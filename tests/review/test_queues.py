"""The queues, bulk review and the verdict's context in the review pages, through the Flask test client."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_pages import bearer, csrf_token, log_ids, page, sign_in, submit

from moderation.review.highlight import highlight
from moderation.storage import MAX_REVIEW_BATCH

THREAT = "I will kill you"
APPROVED_TEXT = "What a lovely article about the harbour"


@pytest.fixture
def moderator(client: FlaskClient) -> FlaskClient:
    assert sign_in(client).status_code == 302
    return client


@pytest.fixture
def mixed(client: FlaskClient) -> dict[str, str]:
    """Rejects and approvals, oldest first; one reject overturned, one approval overturned, one reject upheld."""
    made = {
        "threat": submit(client, THREAT, site="news", author={"id": "u1", "name": "Ann"}, article={"id": "a1", "title": "Budget"}),
        "calm": submit(client, APPROVED_TEXT, site="news", author={"id": "u1", "name": "Ann"}, article={"id": "a1"}),
        "slur": submit(client, "fuck this council", site="news", author={"id": "u2"}, article={"id": "a1"}),
        "spam": submit(client, "Lovely weather for a walk today", site="news", author={"id": "u1"}, article={"id": "a2"}),
        "idiot": submit(client, "you are a complete idiot", site="sport", author={"id": "u1"}),
    }
    bulk_api(client, [made["threat"]], "overturn")
    bulk_api(client, [made["spam"]], "overturn")  # the rules missed it: an approval overturned reads as rejected
    bulk_api(client, [made["slur"]], "uphold")
    return made


def bulk_api(client: FlaskClient, ids: list[str], verdict: str) -> dict[str, Any]:
    response = client.post("/v1/decisions/review", json={"ids": ids, "verdict": verdict}, headers=bearer("moderate"))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def queue_counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-queue="(\w+)"[^>]*>\w+ <b>([\d,+]+)</b>', html))


def status_of(client: FlaskClient, decision_id: str) -> tuple[str, str]:
    body = client.get(f"/v1/decisions/{decision_id}", headers=bearer("moderate")).get_json()
    return body["status"], body["review_status"]


# --- queues ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["idiot", "spam", "slur"]),  # the rejected queue: rejected as things stand, an overturned approval included
        ({"status": "reject"}, ["idiot", "spam", "slur"]),
        ({"status": "approve"}, ["calm", "threat"]),  # an overturned reject stands approved
        ({"review": "unreviewed"}, ["idiot", "calm"]),  # every outcome
        ({"review": "overturned"}, ["spam", "threat"]),
        ({"status": "any"}, ["idiot", "spam", "slur", "calm", "threat"]),
        ({"decision": "approve"}, ["spam", "calm"]),  # the rules' decision, whatever its review made of it
        ({"decision": "reject", "status": "approve"}, ["threat"]),
        ({"status": "reject", "review": "unreviewed"}, ["idiot"]),
    ],
)
def test_every_queue_lists_its_decisions_newest_first(
    moderator: FlaskClient, mixed: dict[str, str], params: dict[str, str], expected: list[str]
) -> None:
    assert log_ids(page(moderator, "/review/log", **params)) == [mixed[name] for name in expected]


def test_the_queue_tabs_count_and_mark_the_chosen_queue(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    html = page(moderator, "/review/log")
    assert queue_counts(html) == {"rejected": "3", "approved": "2", "unreviewed": "2", "overturned": "2", "all": "5"}
    assert re.search(r'data-queue="rejected" aria-current="page"', html)
    assert '<span class="result-count" id="result-count">3 matches</span>' in html
    approved = page(moderator, "/review/log", status="approve")
    assert re.search(r'data-queue="approved" aria-current="page"', approved)
    assert 'href="/review/log?status=approve" data-queue="approved"' in html
    assert 'href="/review/log?review=overturned" data-queue="overturned"' in html
    assert 'href="/review/log?status=any" data-queue="all"' in html


def test_the_tabs_keep_the_other_filters_and_count_under_them(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    html = page(moderator, "/review/log", site="news", review="overturned")
    assert re.search(r'data-queue="overturned" aria-current="page"', html)
    assert queue_counts(html) == {"rejected": "2", "approved": "2", "unreviewed": "1", "overturned": "2", "all": "4"}
    assert 'href="/review/log?site=news&amp;status=approve" data-queue="approved"' in html
    assert "2 matches" in html


def test_rows_say_where_each_comment_stands_now(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    html = page(moderator, "/review/log", status="any")
    row = re.search(rf'<tr class="review-overturned" data-id="{mixed["spam"]}">.*?</tr>', html, re.S)
    assert row and '<span class="outcome outcome-reject">rejected</span>' in row.group(0)
    row = re.search(rf'<tr class="review-overturned" data-id="{mixed["threat"]}">.*?</tr>', html, re.S)
    assert row and '<span class="outcome outcome-approve">approved</span>' in row.group(0)
    assert '<td data-label="Author" class="author">Ann</td>' in html


def test_an_approval_can_be_overturned_from_its_page(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    html = page(moderator, f"/review/decisions/{mixed['calm']}", status="approve")
    assert 'class="overturn to-reject">Overturn <small>reject it</small>' in html
    assert 'class="uphold to-approve">Uphold <small>keep approved</small>' in html
    token = csrf_token(moderator, f"/review/decisions/{mixed['calm']}")
    response = moderator.post(
        f"/review/decisions/{mixed['calm']}/review?status=approve", data={"verdict": "overturn", "note": "missed", "csrf_token": token}
    )
    assert response.status_code == 302
    assert status_of(moderator, mixed["calm"]) == ("reject", "overturned")
    assert "Overturned: the comment is now rejected." in page(moderator, response.headers["Location"])
    assert mixed["calm"] in log_ids(page(moderator, "/review/log"))  # now in the rejected queue


def test_the_filters_take_author_and_subcategory(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    assert log_ids(page(moderator, "/review/log", author="u1", status="any")) == [mixed[n] for n in ("idiot", "spam", "calm", "threat")]
    assert log_ids(page(moderator, "/review/log", author="u1")) == [mixed["idiot"], mixed["spam"]]
    abuse = submit(moderator, "we do not want more rapefugees", site="news")
    assert log_ids(page(moderator, "/review/log", subcategory="xenophobia")) == [abuse]
    html = page(moderator, "/review/log", subcategory="nonsense", status="maybe", decision="perhaps")
    assert "There is no subcategory “nonsense”." in html
    assert "There is no outcome “maybe”" in html
    assert "The rules decide approve or reject, not “perhaps”." in html
    assert 'id="f-author"' in html and 'id="f-subcategory"' in html


# --- bulk review in the pages ----------------------------------------------------------------------------


def bulk_form(client: FlaskClient, ids: list[str], verdict: str, note: str = "", query: str = "") -> Any:
    token = csrf_token(client, "/review/log")
    return client.post(f"/review/log/review{query}", data={"ids": ids, "verdict": verdict, "note": note, "csrf_token": token})


def test_bulk_uphold_from_the_queue_reviews_every_selected_row(moderator: FlaskClient) -> None:
    ids = [submit(moderator, f"I will kill you, number {index}", site="bulk") for index in range(20)]
    html = page(moderator, "/review/log", site="bulk")
    assert html.count('<input type="checkbox" name="ids" value="') == 20
    response = bulk_form(moderator, ids, "uphold", "All the same spam wave", "?site=bulk&review=unreviewed")
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/log?review=unreviewed&site=bulk"
    after = page(moderator, response.headers["Location"])
    assert "Upheld 20 comments." in after
    assert log_ids(after) == []
    for decision_id in (ids[0], ids[-1]):
        body = moderator.get(f"/v1/decisions/{decision_id}", headers=bearer("moderate")).get_json()
        stored = (body["review_status"], body["reviews"][0]["note"], body["reviewed_by"])
        assert stored == ("upheld", "All the same spam wave", "env-2-moderate")


def test_bulk_overturn_reports_ids_that_are_gone(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    response = bulk_form(moderator, [mixed["idiot"], "0123456789abcdef0123456789abcdef"], "overturn")
    html = page(moderator, response.headers["Location"])
    assert "Overturned 1 comment." in html and "1 could not be found" in html
    assert status_of(moderator, mixed["idiot"]) == ("approve", "overturned")


def test_bulk_review_without_a_selection_changes_nothing(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    response = bulk_form(moderator, [], "uphold", query="?status=approve")
    assert response.headers["Location"] == "/review/log?status=approve"
    assert "Select at least one comment first" in page(moderator, response.headers["Location"])
    assert status_of(moderator, mixed["idiot"]) == ("reject", "unreviewed")


def test_a_bad_bulk_review_is_refused(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    too_many = [f"{index:032x}" for index in range(MAX_REVIEW_BATCH + 1)]
    for ids, verdict, note in ((too_many, "uphold", ""), ([mixed["idiot"]], "delete", ""), ([mixed["idiot"]], "uphold", "x" * 2001)):
        response = bulk_form(moderator, ids, verdict, note)
        assert response.status_code == 400
        assert response.mimetype == "text/html"
    assert status_of(moderator, mixed["idiot"]) == ("reject", "unreviewed")


def test_bulk_review_needs_the_csrf_token_and_a_session(client: FlaskClient, mixed: dict[str, str]) -> None:
    assert client.post("/review/log/review", data={"ids": [mixed["idiot"]], "verdict": "overturn"}).status_code == 400
    token = csrf_token(client)
    response = client.post("/review/log/review", data={"ids": [mixed["idiot"]], "verdict": "overturn", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/review/sign-in")
    assert status_of(client, mixed["idiot"]) == ("reject", "unreviewed")


# --- after a verdict ---------------------------------------------------------------------------------------


def test_a_verdict_opens_the_next_comment_of_the_queue(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    form = {"verdict": "uphold", "csrf_token": csrf_token(moderator, f"/review/decisions/{mixed['idiot']}?review=unreviewed")}
    response = moderator.post(f"/review/decisions/{mixed['idiot']}/review?review=unreviewed", data=form)
    assert response.headers["Location"] == f"/review/decisions/{mixed['calm']}?review=unreviewed"
    response = moderator.post(f"/review/decisions/{mixed['calm']}/review?review=unreviewed", data=form)
    assert response.headers["Location"] == f"/review/decisions/{mixed['calm']}?review=unreviewed"  # the end: it stays
    assert "That was the last comment in this queue." in page(moderator, response.headers["Location"])


# --- context for a verdict -------------------------------------------------------------------------------


def test_the_decision_page_shows_the_authors_history_with_links(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    html = page(moderator, f"/review/decisions/{mixed['spam']}")
    history = re.search(r'<p class="author-history" id="author-history">(.*?)</p>', html, re.S)
    assert history
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", history.group(1))).strip()
    # u1 on news: threat (overturned to approve), calm, spam (overturned to reject); the sport comment is another site's u1
    assert text == "Author u1 (u1 on news): 3 decisions, 1 rejected, 2 overturned (this one included)"
    assert 'href="/review/log?status=any&amp;author=u1&amp;site=news">3 decisions</a>' in history.group(1)
    assert 'href="/review/log?author=u1&amp;site=news&amp;status=reject">1 rejected</a>' in history.group(1)
    linked = re.findall(r'href="(/review/log\?[^"]+)"', history.group(1))
    assert [len(log_ids(page(moderator, link.replace("&amp;", "&")))) for link in linked] == [3, 1, 2]


def test_the_decision_page_lists_the_other_decisions_on_the_article(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    html = page(moderator, f"/review/decisions/{mixed['calm']}")
    others = re.search(r'<ul class="article-others" id="article-others">(.*?)</ul>', html, re.S)
    assert others
    linked = re.findall(r'href="/review/decisions/([0-9a-f]{32})\?', others.group(1))
    assert linked == [mixed["slur"], mixed["threat"]]  # newest first, this one left out, a2 and the other site not listed
    assert '<span class="outcome outcome-approve">approved</span>' in others.group(1)  # the overturned threat
    assert "Ann" in others.group(1)
    assert 'href="/review/log?status=any&amp;article=a1&amp;site=news" id="article-log"' in html
    alone = page(moderator, f"/review/decisions/{mixed['spam']}")
    assert "No other comment on this article has been logged." in alone


def test_without_author_or_article_the_context_says_so(moderator: FlaskClient) -> None:
    decision_id = submit(moderator, THREAT)
    html = page(moderator, f"/review/decisions/{decision_id}")
    assert "The site sent no author id" in html
    assert "Other comments on this article" not in html


def test_the_review_buttons_come_right_after_the_text(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    html = page(moderator, f"/review/decisions/{mixed['idiot']}")
    order = [html.index(marker) for marker in ('id="comment-text"', 'class="review-box"', 'id="reasons-heading"', 'id="context-heading"')]
    assert order == sorted(order)


def test_the_rejected_queue_is_the_default_of_the_decision_pages_too(moderator: FlaskClient, mixed: dict[str, str]) -> None:
    html = page(moderator, f"/review/decisions/{mixed['spam']}")
    assert f'data-shortcut="next" href="/review/decisions/{mixed["slur"]}"' in html
    assert f'data-shortcut="previous" href="/review/decisions/{mixed["idiot"]}"' in html


def test_a_label_never_splits_a_word(app: Flask) -> None:
    text = "what the fucking hell"
    reasons = [{"rule": "profanity/swear-words", "category": "profanity", "mode": "enforce", "matches": [{"start": 9, "end": 13}]}]
    segments = highlight(text, reasons)
    assert [(segment.text, bool(segment.labels), [label.number for label in segment.ends]) for segment in segments] == [
        ("what the ", False, []),
        ("fuck", True, []),
        ("ing", False, [1]),
        (" hell", False, []),
    ]
    whole = highlight("fuck off", [{**reasons[0], "matches": [{"start": 0, "end": 4}]}])
    assert [(segment.text, [label.number for label in segment.ends]) for segment in whole] == [("fuck", [1]), (" off", [])]
