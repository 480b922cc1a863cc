"""The review pages through the Flask test client: sessions, every page, filters, reviews, escaping, CSRF and headers."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from testkit import KEYS, bearer

from moderation import create_app
from moderation.engine import RuleError, RuleSetError
from moderation.review.log import PAGE_SIZE
from moderation.rulebook import LoadFailure, get_rulebook

THREAT = "I will kill you"
PROFANITY = "fuck this"
ATTACK = "you are a complete idiot"
HOSTILE = (
    'fuck this <script>alert("owned")</script> <img src=x onerror=alert(2)> '
    '<a href="javascript:alert(3)">click me</a> </textarea><b>bold</b>'
)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


def submit(client: FlaskClient, text: str, **fields: Any) -> str:
    """Post a comment through the API with the submit key; return its decision id."""
    response = client.post("/v1/comments", json={"text": text, **fields}, headers=bearer("submit"))
    assert response.status_code == 200, response.get_json()
    decision_id: str = response.get_json()["decision_id"]
    return decision_id


def csrf_token(client: FlaskClient, path: str = "/review/sign-in") -> str:
    """The CSRF token from a page's form."""
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: FlaskClient, role: str = "moderate", next_page: str = "") -> Any:
    """Sign in through the form as a real browser would."""
    return client.post("/review/sign-in", data={"key": KEYS[role], "next": next_page, "csrf_token": csrf_token(client)})


def page(client: FlaskClient, path: str, **params: Any) -> str:
    """GET a page that must answer 200 and return its HTML."""
    response = client.get(path, query_string=params or None)
    assert response.status_code == 200, (path, response.status_code, response.headers.get("Location"))
    return response.get_data(as_text=True)


def review(client: FlaskClient, decision_id: str, verdict: str, note: str = "") -> Any:
    """Press Uphold or Overturn on a decision page."""
    token = csrf_token(client, f"/review/decisions/{decision_id}")
    return client.post(f"/review/decisions/{decision_id}/review", data={"verdict": verdict, "note": note, "csrf_token": token})


def log_ids(html: str) -> list[str]:
    """Decision ids in the order the log lists them."""
    return re.findall(r'<td data-label="Comment" class="excerpt"><a href="/review/decisions/([0-9a-f]{32})', html)


@pytest.fixture
def moderator(client: FlaskClient) -> FlaskClient:
    """A client signed in with the moderate key."""
    assert sign_in(client).status_code == 302
    return client


@pytest.fixture
def seeded(client: FlaskClient) -> dict[str, str]:
    """Three rejects and one approval, oldest first."""
    return {
        "threat": submit(client, THREAT, site="news", article={"id": "a1", "url": "https://news.example/a1", "title": "Budget"}),
        "profanity": submit(client, PROFANITY, site="sport", article={"id": "a2"}),
        "attack": submit(client, ATTACK, site="news", author={"id": "u7", "name": "Ann"}),
        "approved": submit(client, "What a lovely article about the harbour", site="news"),
    }


# --- sessions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/review/log", "/review/rules", "/review/decisions/0123456789abcdef0123456789abcdef"])
def test_without_a_session_every_page_sends_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/review/sign-in?next=")


def test_a_form_posted_after_the_session_ended_returns_to_the_log(client: FlaskClient, seeded: dict[str, str]) -> None:
    token = csrf_token(client)
    response = client.post(f"/review/decisions/{seeded['threat']}/review", data={"verdict": "overturn", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/sign-in?next=/review/log"
    assert client.get(f"/v1/decisions/{seeded['threat']}", headers=bearer("moderate")).get_json()["review_status"] == "unreviewed"


def test_the_root_leads_to_the_log_and_the_sign_in_page_is_a_form(client: FlaskClient) -> None:
    assert client.get("/review/").headers["Location"] == "/review/log"
    html = page(client, "/review/sign-in")
    assert 'type="password"' in html and 'name="csrf_token"' in html


def test_a_moderate_key_signs_in_and_returns_to_the_page_asked_for(client: FlaskClient, seeded: dict[str, str]) -> None:
    asked = client.get("/review/log?category=threat")
    target = asked.headers["Location"]
    token = csrf_token(client, target)
    response = client.post(target, data={"key": KEYS["moderate"], "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/log?category=threat"
    html = page(client, "/review/log", category="threat")
    assert log_ids(html) == [seeded["threat"]]
    assert "env-2-moderate" in html  # the key's name is shown, the key never
    assert KEYS["moderate"] not in html


def test_an_admin_key_may_sign_in_too(client: FlaskClient) -> None:
    assert sign_in(client, "admin").status_code == 302
    page(client, "/review/log")


def test_a_submit_key_is_refused(client: FlaskClient) -> None:
    response = sign_in(client, "submit")
    assert response.status_code == 403
    assert "This is a submit key; the review pages need a moderate or admin key." in response.get_data(as_text=True)
    assert client.get("/review/log").status_code == 302


def test_an_unknown_or_empty_key_is_refused(client: FlaskClient) -> None:
    for key in ("not-a-key", "", "x" * 600):
        response = client.post("/review/sign-in", data={"key": key, "csrf_token": csrf_token(client)})
        assert response.status_code == 401
        assert "not known" in response.get_data(as_text=True)
    assert client.get("/review/log").status_code == 302


def test_sign_in_never_redirects_to_another_site(app: Flask) -> None:
    for target in ("https://evil.example/", "//evil.example/review/", "/v1/decisions", "/review/\\evil"):
        response = sign_in(app.test_client(), next_page=target)
        assert response.headers["Location"] == "/review/log", target


def test_the_session_cookie_is_http_only_same_site_and_confined_to_the_pages(client: FlaskClient) -> None:
    cookie = sign_in(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/review" in cookie
    assert "Secure" not in cookie  # plain HTTP here: a Secure cookie would never come back


def test_the_session_cookie_is_secure_over_https(app: Flask) -> None:
    client = app.test_client()
    token_page = client.get("/review/sign-in", base_url="https://localhost")
    token = TOKEN.search(token_page.get_data(as_text=True))
    assert token
    response = client.post(
        "/review/sign-in",
        data={"key": KEYS["moderate"], "csrf_token": token.group(1)},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/review/sign-in"},
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_sign_out_ends_the_session(moderator: FlaskClient) -> None:
    token = csrf_token(moderator, "/review/log")
    response = moderator.post("/review/sign-out", data={"csrf_token": token})
    assert response.headers["Location"] == "/review/sign-in"
    assert "You are signed out." in page(moderator, "/review/sign-in")
    assert moderator.get("/review/log").status_code == 302


def test_a_session_ends_when_its_key_is_removed(app: Flask, moderator: FlaskClient) -> None:
    page(moderator, "/review/log")
    keyring = app.extensions["moderation.keys"]
    keyring.keys = [key for key in keyring.keys if key.role != "moderate"]
    assert moderator.get("/review/log").status_code == 302


def test_a_session_expires(app: Flask, moderator: FlaskClient) -> None:
    with moderator.session_transaction("/review/") as session:
        session["signed_in_at"] -= 13 * 3600
    assert moderator.get("/review/log").status_code == 302


def test_a_forged_session_naming_a_key_is_refused(app: Flask, client: FlaskClient) -> None:
    with client.session_transaction("/review/") as session:
        session["moderator"] = "env-3-admin"
        session["signed_in_at"] = int(datetime.now(UTC).timestamp())
    assert client.get("/review/log").status_code == 302


# --- the reject log --------------------------------------------------------------------------------------


def test_the_log_lists_rejects_newest_first_with_their_rows(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    html = page(moderator, "/review/log")
    assert log_ids(html) == [seeded["attack"], seeded["profanity"], seeded["threat"]]
    assert "lovely article" not in html
    assert "threats/kill-you" in html
    assert 'class="cat cat-personal_attack"' in html
    assert "unreviewed" in html
    assert datetime.now(UTC).strftime("%Y-%m-%d") in html
    counts = dict(re.findall(r'href="/review/log\?category=(\w+)">\w+ <b>(\d+)</b>', html))
    assert counts == {"profanity": "1", "vulgarity": "0", "threat": "1", "personal_attack": "1", "abuse": "0", "promotion": "0"}


TODAY = "<today>"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "threat"}, ["threat"]),
        ({"rule": "profanity/swear-words"}, ["profanity"]),
        ({"site": "sport"}, ["profanity"]),
        ({"article": "a1"}, ["threat"]),
        ({"article": "https://news.example/a1"}, ["threat"]),
        ({"q": "IDIOT"}, ["attack"]),
        ({"review": "unreviewed"}, ["approved", "attack", "profanity", "threat"]),
        ({"review": "overturned"}, []),
        ({"since": "today"}, ["attack", "profanity", "threat"]),
        ({"since": "2000-01-01", "until": "2000-01-02"}, []),
        ({"until": TODAY}, ["attack", "profanity", "threat"]),
        ({"site": "news", "category": "personal_attack"}, ["attack"]),
    ],
)
def test_the_log_filters(moderator: FlaskClient, seeded: dict[str, str], params: dict[str, str], expected: list[str]) -> None:
    # Today's date is read when the test runs, not when it is collected: a run may cross midnight.
    params = {name: datetime.now(UTC).date().isoformat() if value == TODAY else value for name, value in params.items()}
    html = page(moderator, "/review/log", **params)
    assert log_ids(html) == [seeded[name] for name in expected]
    if not expected:
        assert "No comments match these filters." in html


def test_bad_filter_values_are_named_and_left_out(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    html = page(moderator, "/review/log", category="nonsense", review="maybe", since="last tuesday", cursor="garbage")
    assert "There is no category “nonsense”." in html
    assert "There is no review status “maybe”." in html
    assert "“last tuesday” is not a date or time" in html
    assert "That page link is not valid any more" in html
    assert len(log_ids(html)) == 3
    html = page(moderator, "/review/log", since="2026-11-28", until="2026-11-01")
    assert "“From” must be before “to”" in html


def test_the_log_pages_through_many_rejects(app: Flask, moderator: FlaskClient) -> None:
    submitted = [submit(moderator, f"I will kill you number {index}", site="bulk") for index in range(PAGE_SIZE + 5)]
    first = page(moderator, "/review/log", site="bulk")
    assert log_ids(first) == submitted[::-1][:PAGE_SIZE]
    older = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert older and "site=bulk" in older.group(1)
    second = page(moderator, older.group(1).replace("&amp;", "&"))
    assert log_ids(second) == submitted[::-1][PAGE_SIZE:]
    assert 'rel="next"' not in second
    assert "← Newest" in second


# --- the decision page -----------------------------------------------------------------------------------


def test_the_decision_page_shows_the_text_matches_reasons_and_fields(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    html = page(moderator, f"/review/decisions/{seeded['threat']}")
    assert '<mark class="hit cat-threat" title="[1] threats/kill-you (threat)">I will kill you</mark>' in html
    assert '1<span class="tag-detail"> threat · threats/kill-you</span>' in html
    rule = get_rulebook_message(moderator, "threats/kill-you")
    assert rule in html
    assert "Budget" in html and "a1" in html
    assert '<a href="https://news.example/a1" rel="noopener noreferrer nofollow" target="_blank">' in html
    ruleset = moderator.get(f"/v1/decisions/{seeded['threat']}", headers=bearer("moderate")).get_json()["ruleset"]
    assert f"Ruleset <code>{ruleset}</code>" in html
    assert "Not reviewed yet." in html
    for shortcut in ('data-shortcut="uphold"', 'data-shortcut="overturn"', 'data-shortcut="previous"', "<kbd>j</kbd> next"):
        assert shortcut in html


def get_rulebook_message(client: FlaskClient, rule_id: str) -> str:
    """A live rule's moderator-facing message."""
    assert client.application
    with client.application.app_context():
        return next(rule.message for rule in get_rulebook().current.rules if rule.id == rule_id)


def test_overlapping_matches_are_each_labelled(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    html = page(moderator, f"/review/decisions/{seeded['attack']}")
    text = re.search(r'<div class="comment" id="comment-text">(.*?)</div>', html, re.S)
    assert text
    plain = re.sub(r"<sup[^>]*>.*?</sup>", "", text.group(1))
    assert re.sub(r"<[^>]+>", "", plain) == ATTACK  # the text, whole and unchanged, around the highlights
    assert text.group(1).count("<sup") == len(re.findall(r'<span class="match"><b>\d+</b>', html))
    assert "Ann" in html and "u7" in html


def test_next_and_previous_follow_the_log_under_its_filters(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    html = page(moderator, f"/review/decisions/{seeded['profanity']}")
    assert f'data-shortcut="next" href="/review/decisions/{seeded["threat"]}"' in html
    assert f'data-shortcut="previous" href="/review/decisions/{seeded["attack"]}"' in html
    html = page(moderator, f"/review/decisions/{seeded['attack']}", site="news")
    assert f'data-shortcut="next" href="/review/decisions/{seeded["threat"]}?site=news"' in html
    assert 'data-shortcut="previous"' not in html


def test_an_unknown_decision_is_an_html_404(moderator: FlaskClient) -> None:
    for path in ("/review/decisions/0123456789abcdef0123456789abcdef", "/review/decisions/nope", "/review/no-such-page"):
        response = moderator.get(path)
        assert response.status_code == 404
        assert response.mimetype == "text/html"
    assert moderator.get("/v1/decisions/nope", headers=bearer("moderate")).mimetype == "application/json"


# --- reviews ---------------------------------------------------------------------------------------------


def test_overturning_marks_the_decision_and_changes_the_log(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    response = review(moderator, seeded["threat"], "overturn", "Song lyrics, quoted")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/review/decisions/{seeded['threat']}"
    html = page(moderator, response.headers["Location"])
    assert "Overturned: the comment is now approved." in html
    assert '<span class="status status-overturned" id="review-status">overturned</span>' in html
    assert '<strong class="decision-approve" id="current-status">approve</strong>' in html
    assert "Song lyrics, quoted" in html and "env-2-moderate" in html
    assert log_ids(page(moderator, "/review/log", review="overturned")) == [seeded["threat"]]
    assert seeded["threat"] not in log_ids(page(moderator, "/review/log", review="unreviewed"))
    api = moderator.get(f"/v1/decisions/{seeded['threat']}", headers=bearer("moderate")).get_json()
    assert (api["decision"], api["status"], api["reviews"][0]["note"]) == ("reject", "approve", "Song lyrics, quoted")


def test_upholding_then_overturning_keeps_both_in_the_history(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    review(moderator, seeded["profanity"], "uphold")
    review(moderator, seeded["profanity"], "overturn", "second look")
    html = page(moderator, f"/review/decisions/{seeded['profanity']}")
    assert html.count("<li><time") == 2
    assert "reject → reject" in html and "reject → approve" in html
    assert log_ids(page(moderator, "/review/log", review="upheld")) == []


def test_a_review_opens_the_next_comment_of_the_queue_with_its_filters(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    token = csrf_token(moderator, f"/review/decisions/{seeded['attack']}?site=news")
    response = moderator.post(
        f"/review/decisions/{seeded['attack']}/review?site=news&review=unreviewed", data={"verdict": "uphold", "csrf_token": token}
    )
    assert response.headers["Location"] == f"/review/decisions/{seeded['threat']}?review=unreviewed&site=news"
    html = page(moderator, response.headers["Location"])
    assert "Upheld: the comment stays rejected." in html
    assert f'<a href="/review/decisions/{seeded["attack"]}" id="just-reviewed">' in html


@pytest.mark.parametrize(("verdict", "note"), [("delete", ""), ("", ""), ("overturn", "x" * 2001)])
def test_a_bad_review_is_refused(moderator: FlaskClient, seeded: dict[str, str], verdict: str, note: str) -> None:
    response = review(moderator, seeded["threat"], verdict, note)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "unreviewed" in page(moderator, f"/review/decisions/{seeded['threat']}")


def test_reviewing_an_unknown_decision_is_a_404(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    token = csrf_token(moderator, "/review/log")
    response = moderator.post("/review/decisions/0123456789abcdef0123456789abcdef/review", data={"verdict": "uphold", "csrf_token": token})
    assert response.status_code == 404


# --- CSRF ------------------------------------------------------------------------------------------------


def test_a_review_without_the_csrf_token_is_refused(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    for data in ({"verdict": "overturn"}, {"verdict": "overturn", "csrf_token": "forged"}):
        response = moderator.post(f"/review/decisions/{seeded['threat']}/review", data=data)
        assert response.status_code == 400
        assert "Form refused" in response.get_data(as_text=True)
    api = moderator.get(f"/v1/decisions/{seeded['threat']}", headers=bearer("moderate")).get_json()
    assert api["review_status"] == "unreviewed"


def test_sign_in_and_sign_out_need_the_csrf_token(moderator: FlaskClient, client: FlaskClient) -> None:
    assert moderator.post("/review/sign-out").status_code == 400
    page(moderator, "/review/log")  # still signed in
    other = moderator.application.test_client()
    assert other.post("/review/sign-in", data={"key": KEYS["moderate"]}).status_code == 400


def test_the_json_api_needs_no_csrf_token(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    response = moderator.post(f"/v1/decisions/{seeded['threat']}/review", json={"verdict": "uphold"}, headers=bearer("moderate"))
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers


# --- escaping and headers --------------------------------------------------------------------------------


def test_a_hostile_comment_renders_as_text_everywhere(moderator: FlaskClient) -> None:
    decision_id = submit(
        moderator,
        HOSTILE,
        site="<i>site</i>",
        author={"id": "u1", "name": '<img src=x onerror="alert(4)">'},
        article={"url": "javascript:alert(5)", "title": "<script>alert(6)</script>"},
    )
    review(moderator, decision_id, "uphold", "<script>alert(7)</script>")
    for html in (page(moderator, "/review/log"), page(moderator, f"/review/decisions/{decision_id}")):
        assert INLINE_SCRIPT.search(html) is None
        assert "<img" not in html and "<i>" not in html and "<b>bold</b>" not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in html
    html = page(moderator, f"/review/decisions/{decision_id}")
    assert "&lt;img src=x onerror=&#34;alert(4)&#34;&gt;" in html
    assert "javascript:alert(5)" in html  # shown as text, not a link
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in html
    assert "&lt;/textarea&gt;&lt;b&gt;bold&lt;/b&gt;" in html


def test_a_hostile_rule_filter_is_escaped(moderator: FlaskClient) -> None:
    html = page(moderator, "/review/log", rule='"><script>alert(1)</script>', q="<img src=x>")
    assert INLINE_SCRIPT.search(html) is None and "<img" not in html


@pytest.mark.parametrize("path", ["/review/log", "/review/rules", "/review/sign-in", "/review/no-such-page"])
def test_every_page_forbids_inline_script_and_framing(moderator: FlaskClient, seeded: dict[str, str], path: str) -> None:
    response = moderator.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert INLINE_SCRIPT.search(response.get_data(as_text=True)) is None


def test_the_decision_page_has_the_headers_too(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    response = moderator.get(f"/review/decisions/{seeded['threat']}")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert '<script src="/review/static/review/review.js" defer></script>' in response.get_data(as_text=True)


def test_static_files_are_served_and_cacheable(client: FlaskClient) -> None:
    for name, mimetype in (("review.js", "text/javascript"), ("review.css", "text/css")):
        response = client.get(f"/review/static/review/{name}")
        assert response.status_code == 200
        assert response.mimetype == mimetype
        assert "no-store" not in response.headers.get("Cache-Control", "")
        response.close()


# --- the rules page --------------------------------------------------------------------------------------


def test_the_rules_page_lists_rules_with_hits_and_overturn_rate(moderator: FlaskClient, seeded: dict[str, str]) -> None:
    review(moderator, seeded["threat"], "overturn")
    html = page(moderator, "/review/rules")
    assert "The last load succeeded." in html
    for category in ("profanity", "vulgarity", "threat", "personal_attack", "abuse", "promotion"):
        assert f'<h2 id="cat-{category}">' in html
    row = re.search(r"<code>threats/kill-you</code>.*?</tr>", html, re.S)
    assert row
    assert "enforce" in row.group(0)
    assert '<td data-label="Hits">1' in row.group(0)
    assert "100% <span" in row.group(0)
    assert "Last load refused" not in html
    assert "no reviews" in page(moderator, "/review/rules", period="24h")
    page(moderator, "/review/rules", period="forever")


def test_the_rules_page_shows_the_last_load_error(app: Flask, moderator: FlaskClient) -> None:
    with app.app_context():
        problem = RuleError("unknown lexicon {villain}", file="threats.yml", line=12, rule="threats/kill-you")
        get_rulebook().failure = LoadFailure(RuleSetError([problem]), datetime.now(UTC) - timedelta(minutes=5))
    html = page(moderator, "/review/rules")
    assert "Last load refused" in html
    assert "<code>threats.yml:12</code> [threats/kill-you]: unknown lexicon {villain}" in html


# --- the secret key --------------------------------------------------------------------------------------


def test_the_secret_key_is_made_once_in_the_instance_folder_with_mode_600(
    app_config: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MODERATION_SECRET_KEY", raising=False)
    monkeypatch.setenv("MODERATION_INSTANCE_PATH", str(tmp_path / "instance"))
    first = create_app(app_config)
    secret_file = tmp_path / "instance" / "secret-key"
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert first.config["SECRET_KEY"] == secret_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 40
    assert create_app(app_config).config["SECRET_KEY"] == first.config["SECRET_KEY"]
    monkeypatch.setenv("MODERATION_SECRET_KEY", "from-the-environment")
    assert create_app(app_config).config["SECRET_KEY"] == "from-the-environment"
