"""POST /v1/integrations/coral: Coral's signature, its request fields, HTML bodies, bad input and the response contract."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text as sql
from testkit import KEYS, bearer

from moderation import create_app
from moderation.engine import Decision, Match, Reason
from moderation.integrations.coral import answer, html_to_text

Log = Callable[[], list[dict[str, Any]]]

URL = "/v1/integrations/coral"
SECRET = "empsec_" + "3f9a" * 8
OLD_SECRET = "empsec_" + "71c0" * 8
OTHER_SECRET = "empsec_" + "0d0d" * 8
ERROR_KEYS = {"code", "status", "message", "errors"}

NON_EMPTY = {"type": "string", "minLength": 1}
# What Coral accepts back, written from the protocol's facts (not from the service's code): every key optional,
# no nulls, enums as listed, non-empty text, and no empty `tags` array. Coral ignores unknown keys; this schema
# refuses them, so that the service is held to sending only what Coral reads.
CORAL_RESPONSE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "status": {"enum": ["NONE", "APPROVED", "REJECTED", "PREMOD", "SYSTEM_WITHHELD"]},
        "tags": {"type": "array", "minItems": 1, "items": {"enum": ["FEATURED", "STAFF"]}},
        "actions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["actionType", "reason"],
                "properties": {
                    "actionType": {"const": "FLAG"},
                    "reason": {"enum": ["COMMENT_DETECTED_TOXIC", "COMMENT_DETECTED_SPAM"]},
                },
            },
        },
        "moderationAction": {
            "type": "object",
            "additionalProperties": False,
            "required": ["status"],
            "properties": {
                "status": {"enum": ["NONE", "APPROVED", "REJECTED", "PREMOD", "SYSTEM_WITHHELD"]},
                "rejectionReason": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["code"],
                    "properties": {
                        "code": {
                            "enum": [
                                "OFFENSIVE",
                                "ABUSIVE",
                                "SPAM",
                                "BANNED_WORD",
                                "AD",
                                "ILLEGAL_CONTENT",
                                "HARASSMENT_BULLYING",
                                "MISINFORMATION",
                                "HATE_SPEECH",
                                "IRRELEVANT_CONTENT",
                                "OTHER",
                            ]
                        },
                        "detailedExplanation": NON_EMPTY,
                    },
                },
            },
        },
    },
}
jsonschema.Draft202012Validator.check_schema(CORAL_RESPONSE)
VALIDATOR = jsonschema.Draft202012Validator(CORAL_RESPONSE)

# Clear-cut texts the default rules reject, with the category and the Coral code they must map to.
REJECTED = [
    ("I will kill you", "threat", "ABUSIVE", "COMMENT_DETECTED_TOXIC"),
    ("you are a complete idiot", "personal_attack", "HARASSMENT_BULLYING", "COMMENT_DETECTED_TOXIC"),
    ("fuck this", "profanity", "OFFENSIVE", "COMMENT_DETECTED_TOXIC"),
    ("suck my dick", "vulgarity", "OFFENSIVE", "COMMENT_DETECTED_TOXIC"),
    ("immigrants are vermin", "abuse", "HATE_SPEECH", "COMMENT_DETECTED_TOXIC"),
    ("buy cheap watches at best-watch-deals.com and cheap-bags.net", "promotion", "AD", "COMMENT_DETECTED_SPAM"),
]
CLEAN = "Thanks for this article, the council vote explains a lot."
ROLES = ["COMMENTER", "MEMBER", "STAFF", "MODERATOR", "ADMIN"]


SHADOW_RULES = """\
category: threat
rules:
  - id: kill-you
    message: Threat to kill
    mode: shadow
    templates: ["i will kill you"]
    examples: {reject: ["I will kill you"], approve: ["hello"]}
"""


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app with the default rules for the whole module: loading the rules is the slow part of a test."""
    folder = tmp_path_factory.mktemp("coral")
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'log.sqlite3'}",
            "API_KEYS": ",".join(f"{role}:{key}" for role, key in KEYS.items()),
            "API_KEYS_FILE": str(folder / "api-keys"),
            "CORAL_SECRETS": SECRET,
        }
    )
    yield application
    application.extensions["moderation.db"].dispose()


@pytest.fixture
def app(shared_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The shared app; a test changes Coral settings with set_config, undone after it."""
    for key in ("CORAL_SECRETS", "CORAL_APPROVE", "CORAL_FORMAT"):
        monkeypatch.setitem(shared_app.config, key, shared_app.config[key])
    return shared_app


def read_rows(app: Flask, after: int = 0) -> list[dict[str, Any]]:
    """Logged decisions after a rowid, oldest first (raw SQL on SQLite's rowid: the storage module may move)."""
    query = sql(
        "SELECT source, site, comment_id, text, author, article, decision, categories, reasons FROM decisions"
        " WHERE rowid > :after ORDER BY rowid"
    )
    with app.extensions["moderation.db"].connect() as connection:
        found = [dict(row._mapping) for row in connection.execute(query, {"after": after})]
    for row in found:
        for key in ("author", "article", "categories", "reasons"):
            if isinstance(row[key], str):
                row[key] = json.loads(row[key])
    return found


@pytest.fixture
def log(app: Flask) -> Log:
    """The decisions this test logged on the shared app."""
    with app.extensions["moderation.db"].connect() as connection:
        mark = int(connection.execute(sql("SELECT coalesce(max(rowid), 0) FROM decisions")).scalar_one())
    return lambda: read_rows(app, mark)


@pytest.fixture
def app_config(app_config: dict[str, object], tmp_path: Path) -> dict[str, object]:
    """For the tests that build their own app: Coral enabled, and a one-rule directory that loads fast."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "threats.yml").write_text(SHADOW_RULES, encoding="utf-8")
    return {**app_config, "CORAL_SECRETS": SECRET, "RULES_DIR": str(rules)}


def coral_body(text: str = CLEAN, action: str = "NEW", parent: str | None = None, role: str = "COMMENTER") -> dict[str, Any]:
    """A request body with every field Coral sends."""
    return {
        "action": action,
        "comment": {"body": text, "parentID": parent},
        "author": {"id": "user-8d1c", "role": role},
        "story": {"id": "story-42", "url": "https://news.example.com/2026/11/council-vote"},
        "site": {"id": "site-news"},
        "tenantID": "tenant-1",
        "tenantDomain": "talk.news.example.com",
    }


def pretty(body: Any) -> bytes:
    """The body as Coral serialises it: pretty-printed JSON."""
    return json.dumps(body, indent=2).encode("utf-8")


def signature(raw: bytes, secret: str = SECRET) -> str:
    """One header entry, computed independently of the service's helper."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def assert_no_nulls_or_empty(value: Any, where: str = "$") -> None:
    """Coral refuses null anywhere, and empty strings or arrays in its answer."""
    assert value is not None, f"null at {where}"
    assert value != "" and value != [], f"empty value at {where}"
    if isinstance(value, dict):
        for key, item in value.items():
            assert_no_nulls_or_empty(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_no_nulls_or_empty(item, f"{where}[{index}]")


def check_contract(response: Any) -> None:
    """Every answer is one Coral accepts (200 with a valid body, or an empty 204) or the project's JSON error."""
    if response.status_code == 204:
        assert response.get_data() == b""
    elif response.status_code == 200:
        assert response.mimetype == "application/json"
        body = json.loads(response.get_data(as_text=True))
        VALIDATOR.validate(body)
        assert_no_nulls_or_empty(body)
    else:
        assert 400 <= response.status_code < 500, response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        body = response.get_json()
        assert set(body) == ERROR_KEYS and body["code"] == response.status_code and body["message"]


def send(client: FlaskClient, raw: bytes, header: str | None = None, content_type: str = "application/json") -> Any:
    """POST raw bytes with the given signature header; every answer is checked against the contract."""
    headers = {} if header is None else {"X-Coral-Signature": header}
    response = client.post(URL, data=raw, content_type=content_type, headers=headers)
    check_contract(response)
    return response


def post(client: FlaskClient, body: Any, secret: str = SECRET) -> Any:
    """POST a body exactly as Coral does: pretty-printed and signed over those bytes."""
    raw = pretty(body)
    return send(client, raw, signature(raw, secret))


def set_config(app: Flask, **settings: str) -> None:
    """Change Coral settings of the shared app for one test (the app fixture restores them)."""
    app.config.update(settings)


# --- signatures -------------------------------------------------------------------------------------------


def test_signed_as_coral_signs_is_answered(client: FlaskClient, log: Log) -> None:
    response = post(client, coral_body())
    assert response.status_code == 200
    assert response.get_json() == {"status": "APPROVED"}
    assert len(log()) == 1


@pytest.mark.parametrize(
    "header",
    [
        signature(b"{}"),  # a signature of another body
        "sha256=" + "0" * 64,
        "sha256=",
        "sha1=" + "0" * 40,
        "garbage",
        "",
        ",,,",
        "sha256=zz" + "0" * 62,
        "sha256=" + "ä" * 64,
    ],
)
def test_bad_signature_gets_401_and_nothing_is_evaluated(client: FlaskClient, log: Log, header: str) -> None:
    raw = pretty(coral_body("I will kill you"))
    response = send(client, raw, header)
    assert response.status_code == 401
    assert "X-Coral-Signature" in response.get_json()["message"]
    assert log() == []


def test_missing_header_gets_401(client: FlaskClient, log: Log) -> None:
    response = send(client, pretty(coral_body()))
    assert response.status_code == 401
    assert log() == []


def test_signed_with_an_unknown_secret_gets_401(client: FlaskClient, log: Log) -> None:
    assert post(client, coral_body(), OTHER_SECRET).status_code == 401
    assert log() == []


def test_secret_without_its_prefix_does_not_sign(client: FlaskClient) -> None:
    # Coral keys the HMAC with the whole secret, "empsec_" included.
    assert post(client, coral_body(), SECRET.removeprefix("empsec_")).status_code == 401


def test_reserialised_body_fails(client: FlaskClient, log: Log) -> None:
    body = coral_body()
    raw = pretty(body)
    compact = json.dumps(body).encode("utf-8")
    assert send(client, compact, signature(raw)).status_code == 401
    assert send(client, raw, signature(compact)).status_code == 401
    assert send(client, raw + b"\n", signature(raw)).status_code == 401
    assert log() == []


@pytest.mark.parametrize("order", ["old-first", "new-first"])
def test_rotated_pair_in_header_is_genuine_when_one_matches(client: FlaskClient, order: str) -> None:
    raw = pretty(coral_body())
    pair = [signature(raw, OLD_SECRET), signature(raw, SECRET)]
    header = ",".join(pair if order == "old-first" else pair[::-1])
    assert send(client, raw, header).status_code == 200
    assert send(client, raw, " , ".join(pair)).status_code == 200


def test_rotated_pair_with_no_match_gets_401(client: FlaskClient) -> None:
    raw = pretty(coral_body())
    assert send(client, raw, f"{signature(raw, OLD_SECRET)},{signature(raw, OTHER_SECRET)}").status_code == 401


def test_several_secrets_configured(app: Flask, client: FlaskClient) -> None:
    set_config(app, CORAL_SECRETS=f" {OLD_SECRET} , {SECRET},")
    assert post(client, coral_body(), OLD_SECRET).status_code == 200
    assert post(client, coral_body(), SECRET).status_code == 200
    assert post(client, coral_body(), OTHER_SECRET).status_code == 401


def test_api_key_is_not_a_coral_signature(client: FlaskClient) -> None:
    response = client.post(
        URL, data=pretty(coral_body()), content_type="application/json", headers={"Authorization": "Bearer submit-key-123"}
    )
    check_contract(response)
    assert response.status_code == 401


def test_unsigned_malformed_body_gets_401_before_validation(client: FlaskClient) -> None:
    response = send(client, pretty({"action": "DELETE"}))
    assert response.status_code == 401
    assert response.get_json()["errors"] == {}


@pytest.mark.parametrize("secrets", ["", " , "])
def test_not_configured_answers_404_with_a_clear_message(app: Flask, client: FlaskClient, log: Log, secrets: str) -> None:
    set_config(app, CORAL_SECRETS=secrets)
    response = post(client, coral_body())
    assert response.status_code == 404
    assert "MODERATION_CORAL_SECRETS" in response.get_json()["message"]
    assert log() == []


def test_secrets_come_from_the_environment(app_config: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = {key: value for key, value in app_config.items() if key != "CORAL_SECRETS"}
    monkeypatch.setenv("MODERATION_CORAL_SECRETS", f"{OLD_SECRET},{SECRET}")
    client = create_app(settings).test_client()
    assert post(client, coral_body(), OLD_SECRET).status_code == 200
    assert post(client, coral_body(), OTHER_SECRET).status_code == 401


# --- fields and decisions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "parent", "role"), list(itertools.product(["NEW", "EDIT"], [None, "comment-7f3e"], ROLES)))
def test_every_field_combination_is_decided_and_logged(client: FlaskClient, log: Log, action: str, parent: str | None, role: str) -> None:
    for text in (CLEAN, "I will kill you"):
        response = post(client, coral_body(text, action, parent, role))
        assert response.status_code == 200
    approved, rejected = log()
    assert approved["decision"] == "approve" and rejected["decision"] == "reject"
    for row, text in ((approved, CLEAN), (rejected, "I will kill you")):
        assert row["source"] == "coral"
        assert row["text"] == text
        assert row["site"] == "site-news"
        assert row["author"]["id"] == "user-8d1c"
        assert row["article"] == {"id": "story-42", "url": "https://news.example.com/2026/11/council-vote"}
        expected = f"action={action} role={role}" + (f" parentID={parent}" if parent else "")
        assert row["comment_id"] == expected


@pytest.mark.parametrize(("text", "category", "code", "flag"), REJECTED)
def test_each_category_is_rejected_with_its_mapped_code_on_new(
    client: FlaskClient, log: Log, text: str, category: str, code: str, flag: str
) -> None:
    response = post(client, coral_body(text, "NEW"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "REJECTED"
    assert body["moderationAction"]["status"] == "REJECTED"
    reason = body["moderationAction"]["rejectionReason"]
    assert reason["code"] == code
    (row,) = log()
    assert category in row["categories"]
    messages = {logged["message"] for logged in row["reasons"] if logged["mode"] == "enforce"}
    assert all(part in messages for part in reason["detailedExplanation"].split("; "))
    assert body["actions"] == [{"actionType": "FLAG", "reason": flag}]


@pytest.mark.parametrize(("text", "category", "code", "flag"), REJECTED)
def test_each_category_on_edit_answers_only_the_status(client: FlaskClient, text: str, category: str, code: str, flag: str) -> None:
    response = post(client, coral_body(text, "EDIT", parent="comment-1"))
    assert response.status_code == 200
    assert response.get_json() == {"status": "REJECTED"}


def test_several_categories_name_the_most_serious(client: FlaskClient) -> None:
    body = post(client, coral_body("fuck this, I will kill you")).get_json()
    assert body["moderationAction"]["rejectionReason"]["code"] == "ABUSIVE"
    assert body["actions"][0]["reason"] == "COMMENT_DETECTED_TOXIC"


def test_missing_optional_fields_are_still_moderated(client: FlaskClient, log: Log) -> None:
    response = post(client, {"action": "NEW", "comment": {"body": "I will kill you"}})
    assert response.status_code == 200
    assert response.get_json()["status"] == "REJECTED"
    (row,) = log()
    assert row["site"] is None and row["author"] is None and row["article"] is None
    assert row["comment_id"] == "action=NEW"


def test_unknown_keys_are_ignored_at_every_level(client: FlaskClient) -> None:
    body = coral_body("I will kill you")
    body["newTopLevel"] = {"anything": [1, 2]}
    body["comment"]["revision"] = {"id": "r1"}
    body["author"]["badges"] = ["x"]
    body["story"]["title"] = "Council vote"
    body["site"]["name"] = "News"
    response = post(client, body)
    assert response.status_code == 200
    assert response.get_json()["status"] == "REJECTED"


def test_empty_body_is_approved(client: FlaskClient) -> None:
    response = post(client, coral_body(""))
    assert response.status_code == 200
    assert response.get_json() == {"status": "APPROVED"}


def test_no_opinion_option_answers_204_on_approve(app: Flask, client: FlaskClient, log: Log) -> None:
    set_config(app, CORAL_APPROVE="no-opinion")
    response = post(client, coral_body())
    assert response.status_code == 204
    assert response.get_data() == b""
    assert post(client, coral_body("I will kill you")).get_json()["status"] == "REJECTED"
    assert [row["decision"] for row in log()] == ["approve", "reject"]


@pytest.mark.parametrize(("setting", "value"), [("CORAL_APPROVE", "yes"), ("CORAL_FORMAT", "MARKDOWN")])
def test_bad_setting_stops_the_start(app_config: dict[str, object], setting: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"MODERATION_{setting}"):
        create_app({**app_config, setting: value})


def test_shadow_rules_never_decide(app_config: dict[str, object]) -> None:
    shadow_app = create_app(app_config)  # its rule directory holds one threat rule, in shadow mode
    response = post(shadow_app.test_client(), coral_body("I will kill you"))
    assert response.get_json() == {"status": "APPROVED"}
    (row,) = read_rows(shadow_app)
    assert [reason["mode"] for reason in row["reasons"]] == ["shadow"]


def test_endpoint_is_in_the_openapi_document(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    operation = document["paths"][URL]["post"]
    assert {"200", "204"} <= set(operation["responses"])
    assert any(parameter["name"] == "X-Coral-Signature" for parameter in operation["parameters"])


# --- HTML bodies --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<p>I will <b>kill</b> you</p>",
        "<p>I&nbsp;will&nbsp;kill&nbsp;you</p>",
        "I will k&#105;ll you",
        "I will k&#x69;ll you",
        "<blockquote>quoted</blockquote><p>I will <i>ki</i>ll you</p>",
        "<div>hello</div><div>I will kill you<br></div>",
        "f&#117;ck this",
        "fu<em>ck</em> this",
        "<p>you are a <strong>complete idiot</strong></p>",
    ],
)
def test_html_is_evaluated_as_readers_see_it_and_logged_as_received(client: FlaskClient, log: Log, html: str) -> None:
    response = post(client, coral_body(html))
    assert response.get_json()["status"] == "REJECTED"
    (row,) = log()
    assert row["text"] == html
    for reason in row["reasons"]:
        for match in reason["matches"]:
            # Matches index the body as received (tags and entities included), as on the comment API.
            assert html[match["start"] : match["end"]] == match["text"]


@pytest.mark.parametrize(
    "html",
    [
        "Fish &amp; chips &lt;3",
        "<p>I like this</p><p>and this</p>",
        '<a href="https://www.reuters.com/world">https://www.reuters.com/world</a> says otherwise',
        "x &lt; y &amp;&amp; y &gt; z",
    ],
)
def test_harmless_html_is_approved(client: FlaskClient, html: str) -> None:
    assert post(client, coral_body(html)).get_json() == {"status": "APPROVED"}


def test_markup_in_a_plain_text_site_is_text(app: Flask, client: FlaskClient, log: Log) -> None:
    set_config(app, CORAL_FORMAT="PLAIN_TEXT")
    assert post(client, coral_body("I will kill you")).get_json()["status"] == "REJECTED"
    assert post(client, coral_body("a <b> tag: fu<b>ck")).get_json() == {"status": "APPROVED"}
    assert log()[1]["text"] == "a <b> tag: fu<b>ck"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("line one<br>line two<br/>three", "line one\nline two\nthree"),
        ("<p>one</p><p>two</p>", "one\ntwo\n"),
        ("Fish &amp; chips &#39;n&#x27; &lt;peas&gt;", "Fish & chips 'n' <peas>"),
        ("AT&T &amp", "AT&T &"),
        ("<script>alert(1)</script>shown", "shown"),
        ("a<!-- hidden -->b", "ab"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    plain = html_to_text(html)
    assert plain.text == text
    assert len(plain.spans) == len(plain.text)


def test_html_to_text_maps_every_character_back() -> None:
    source = "<p>I&nbsp;will <b>kill</b></p>"
    plain = html_to_text(source)
    assert [source[start:end] for start, end in plain.spans] == ["I", "&nbsp;", "w", "i", "l", "l", " ", "k", "i", "l", "l", "</p>"]
    assert plain.source_span(7, 11) == (18, 22)
    assert plain.source_span(0, 0) == (3, 3)
    assert plain.source_span(len(plain.text), len(plain.text)) == (len(source), len(source))


# --- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in coral_body().items() if k != "action"}, "action"),
        ({**coral_body(), "action": "DELETE"}, "action"),
        ({**coral_body(), "action": None}, "action"),
        ({**coral_body(), "action": 1}, "action"),
        ({k: v for k, v in coral_body().items() if k != "comment"}, "comment"),
        ({**coral_body(), "comment": "text"}, "comment"),
        ({**coral_body(), "comment": None}, "comment"),
        ({**coral_body(), "comment": {"parentID": None}}, "comment"),
        ({**coral_body(), "comment": {"body": None, "parentID": None}}, "comment"),
        ({**coral_body(), "comment": {"body": 12, "parentID": None}}, "comment"),
        ({**coral_body(), "comment": {"body": ["x"], "parentID": None}}, "comment"),
        ({**coral_body(), "comment": {"body": "x", "parentID": 5}}, "comment"),
        ({**coral_body(), "comment": {"body": "bad \x00 byte", "parentID": None}}, "comment"),
        ({**coral_body(), "comment": {"body": "lone \ud800", "parentID": None}}, "comment"),
        ({**coral_body(), "comment": {"body": "x" * 100_001, "parentID": None}}, "comment"),
        ({**coral_body(), "comment": {"body": "x", "parentID": "p" * 201}}, "comment"),
        ({**coral_body(), "author": "user-1"}, "author"),
        ({**coral_body(), "author": {"id": 7, "role": "COMMENTER"}}, "author"),
        ({**coral_body(), "author": {"id": "u", "role": ""}}, "author"),
        ({**coral_body(), "story": {"id": "s", "url": None}}, "story"),
        ({**coral_body(), "story": []}, "story"),
        ({**coral_body(), "site": {"id": "s" * 201}}, "site"),
        ({**coral_body(), "site": {"id": None}}, "site"),
        ({**coral_body(), "tenantID": 1}, "tenantID"),
        ({**coral_body(), "tenantDomain": None}, "tenantDomain"),
    ],
)
def test_malformed_fields_get_422_naming_the_field(client: FlaskClient, log: Log, body: dict[str, Any], field: str) -> None:
    response = post(client, body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert log() == []


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", 400),
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'"text"', 400),
        (b"null", 400),
        (b'{"action": "NEW",', 400),
        (b'{"action": NaN}', 400),
        ('{"action": "NEW", "comment": {"body": "caf\u00e9"}}'.encode("latin-1"), 400),
        (b"{}", 422),
        (b'{"action": "NEW", "comment": {}}', 422),
    ],
)
def test_malformed_bodies_get_json_4xx(client: FlaskClient, raw: bytes, code: int) -> None:
    assert send(client, raw, signature(raw)).status_code == code


def test_wrong_content_type_gets_415(client: FlaskClient) -> None:
    raw = pretty(coral_body())
    assert send(client, raw, signature(raw), content_type="text/plain").status_code == 415


def test_other_methods_get_405(client: FlaskClient) -> None:
    response = client.get(URL)
    check_contract(response)
    assert response.status_code == 405


def test_body_over_the_size_limit_gets_413(client: FlaskClient) -> None:
    raw = pretty({**coral_body(), "padding": "x" * (1024 * 1024)})
    assert send(client, raw, signature(raw)).status_code == 413


def test_match_on_html_covers_the_markup_inside_it(client: FlaskClient, log: Log) -> None:
    # The example of docs/coral.md.
    post(client, coral_body("I will <b>k&#105;ll</b> you"))
    (row,) = log()
    threat = next(reason for reason in row["reasons"] if reason["category"] == "threat")
    assert threat["matches"] == [{"start": 0, "end": 27, "text": "I will <b>k&#105;ll</b> you"}]


# --- the category mapping, on decisions built by hand (independent of the default rules) --------------------


def reason(category: str, subcategory: str | None = None, mode: str = "enforce", message: str = "Rule message") -> Reason:
    return Reason(f"{category}/rule", category, subcategory, message, mode, 1.0, (Match(0, 1, "x"),))


def rejected(*reasons: Reason) -> Decision:
    categories = tuple(dict.fromkeys(item.category for item in reasons if item.mode == "enforce"))
    return Decision("reject", categories, reasons, "test")


MAPPING = [
    ([reason("threat")], "ABUSIVE", "COMMENT_DETECTED_TOXIC"),
    ([reason("abuse", "racism")], "HATE_SPEECH", "COMMENT_DETECTED_TOXIC"),
    ([reason("personal_attack")], "HARASSMENT_BULLYING", "COMMENT_DETECTED_TOXIC"),
    ([reason("vulgarity")], "OFFENSIVE", "COMMENT_DETECTED_TOXIC"),
    ([reason("profanity")], "OFFENSIVE", "COMMENT_DETECTED_TOXIC"),
    ([reason("promotion", "commercial")], "AD", "COMMENT_DETECTED_SPAM"),
    ([reason("promotion", "personal")], "SPAM", "COMMENT_DETECTED_SPAM"),
    ([reason("promotion")], "SPAM", "COMMENT_DETECTED_SPAM"),
    ([reason("promotion", "personal"), reason("promotion", "commercial", mode="shadow")], "SPAM", "COMMENT_DETECTED_SPAM"),
    ([reason("profanity"), reason("threat")], "ABUSIVE", "COMMENT_DETECTED_TOXIC"),
    ([reason("promotion", "commercial"), reason("abuse", "sexism")], "HATE_SPEECH", "COMMENT_DETECTED_TOXIC"),
    ([reason("personal_attack"), reason("vulgarity")], "HARASSMENT_BULLYING", "COMMENT_DETECTED_TOXIC"),
    ([reason("misinformation")], "OTHER", "COMMENT_DETECTED_TOXIC"),
]


@pytest.mark.parametrize(("reasons", "code", "flag"), MAPPING)
def test_category_mapping(reasons: list[Reason], code: str, flag: str) -> None:
    body = answer(rejected(*reasons), "NEW", "approved")
    assert body is not None
    VALIDATOR.validate(body)
    assert body["moderationAction"]["rejectionReason"]["code"] == code
    assert body["actions"] == [{"actionType": "FLAG", "reason": flag}]
    assert answer(rejected(*reasons), "EDIT", "approved") == {"status": "REJECTED"}


def test_explanation_lists_each_rejecting_message_once_and_no_shadow_one() -> None:
    decision = rejected(
        reason("threat", message="Threat to kill"),
        reason("threat", message="Threat to kill"),
        reason("profanity", message="Profanity"),
        reason("abuse", mode="shadow", message="Shadow rule"),
    )
    body = answer(decision, "NEW", "approved")
    assert body is not None
    assert body["moderationAction"]["rejectionReason"]["detailedExplanation"] == "Threat to kill; Profanity"


@pytest.mark.parametrize("message", ["", "   ", "x" * 5000])
def test_explanation_is_never_empty_nor_huge(message: str) -> None:
    body = answer(rejected(reason("threat", message=message)), "NEW", "approved")
    assert body is not None
    VALIDATOR.validate(body)
    assert_no_nulls_or_empty(body)
    assert 0 < len(body["moderationAction"]["rejectionReason"]["detailedExplanation"]) <= 1000


def test_approve_answers() -> None:
    approved = Decision("approve", (), (reason("threat", mode="shadow"),), "test")
    for action in ("NEW", "EDIT"):
        assert answer(approved, action, "approved") == {"status": "APPROVED"}
        assert answer(approved, action, "no-opinion") is None


def test_coral_decisions_are_in_the_moderators_log(client: FlaskClient) -> None:
    html = "<p>I will <b>kill</b> you</p>"
    body = coral_body(html)
    body["site"] = {"id": "site-moderators-log"}
    post(client, body)
    response = client.get("/v1/decisions?site=site-moderators-log&category=threat", headers=bearer("moderate"))
    assert response.status_code == 200
    (item,) = response.get_json()["items"]
    assert item["source"] == "coral"
    assert item["text"] == html
    for reason in item["reasons"]:
        for match in reason["matches"]:
            assert html[match["start"] : match["end"]] == match["text"]
