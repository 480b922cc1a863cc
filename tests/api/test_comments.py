"""POST /v1/comments and /v1/comments/batch: the contract, the "Done when" examples, and every bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text as sql
from testkit import bearer

from moderation.engine import fold

COMMENTS = "/v1/comments"
BATCH = "/v1/comments/batch"
ERROR_KEYS = {"code", "status", "message", "errors"}


def logged(app: Flask) -> int:
    """Number of decisions in the log (raw SQL: the storage module may move)."""
    with app.extensions["moderation.db"].connect() as connection:
        return int(connection.execute(sql("SELECT count(*) FROM decisions")).scalar_one())


def post(client: FlaskClient, body: Any, path: str = COMMENTS, role: str = "submit") -> Any:
    return client.post(path, json=body, headers=bearer(role))


def post_raw(client: FlaskClient, raw: bytes, path: str = COMMENTS, content_type: str = "application/json") -> Any:
    return client.post(path, data=raw, content_type=content_type, headers=bearer("submit"))


def assert_error(response: Any, code: int) -> dict[str, Any]:
    """The contract's error shape, with the given status, as JSON."""
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    return dict(body)


def assert_decision(body: dict[str, Any], submitted: str) -> None:
    """A decision in the contract's shape whose matches index the submitted text."""
    # The contract's fields, and the extensions DESIGN.md lists.
    assert (
        {"decision", "decision_id", "categories", "reasons", "ruleset"}
        <= set(body)
        <= {
            "decision",
            "decision_id",
            "categories",
            "reasons",
            "ruleset",
            "language",
            "policy",
        }
    )
    if "language" in body:
        assert set(body["language"]) == {"detected", "covered"}
        assert body["language"]["covered"] in (True, False, None)
        assert (body["language"]["detected"] is None) == (body["language"]["covered"] is None)
    assert body["decision"] in ("approve", "reject")
    assert isinstance(body["decision_id"], str) and body["decision_id"]
    assert isinstance(body["ruleset"], str) and body["ruleset"]
    for reason in body["reasons"]:
        assert set(reason) == {"rule", "category", "subcategory", "message", "mode", "matches"}
        assert reason["mode"] in ("enforce", "shadow")
        for match in reason["matches"]:
            assert set(match) == {"start", "end", "text"}
            assert 0 <= match["start"] < match["end"] <= len(submitted)
            assert submitted[match["start"] : match["end"]] == match["text"]
    enforcing = {r["category"] for r in body["reasons"] if r["mode"] == "enforce"}
    if body["decision"] == "approve":
        assert body["categories"] == []
        assert enforcing == set()
    else:
        assert body["categories"]
        assert set(body["categories"]) <= enforcing


def strings_in(value: Any) -> list[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


# --- the "Done when" examples ---------------------------------------------------------------


def test_threat_with_leetspeak_is_rejected(client: FlaskClient) -> None:
    text = "I will k1ll you"
    body = post(client, {"text": text}).get_json()
    assert_decision(body, text)
    assert body["decision"] == "reject"
    assert body["categories"] == ["threat"]
    threat = [r for r in body["reasons"] if r["category"] == "threat"]
    assert threat and threat[0]["mode"] == "enforce"
    assert any("k1ll" in m["text"] for m in threat[0]["matches"])


def test_dotted_profanity_offsets_cover_the_dotted_word(client: FlaskClient) -> None:
    text = "Go f.u.c.k yourself"
    body = post(client, {"text": text}).get_json()
    assert_decision(body, text)
    assert body["decision"] == "reject"
    assert "profanity" in body["categories"]
    matches = [m for r in body["reasons"] if r["category"] == "profanity" for m in r["matches"]]
    start = text.index("f.u.c.k")
    assert any(m["start"] <= start and start + len("f.u.c.k") <= m["end"] for m in matches)
    assert {"start": 3, "end": 10, "text": "f.u.c.k"} in matches


@pytest.mark.parametrize("text", ["Scunthorpe United won", "As a gay Kurd I disagree"])
def test_innocent_comments_are_approved(client: FlaskClient, text: str) -> None:
    body = post(client, {"text": text}).get_json()
    assert_decision(body, text)
    assert body["decision"] == "approve"
    assert body["categories"] == []
    assert body["reasons"] == []


@pytest.mark.parametrize(
    "text",
    [
        "ｆｕｃｋ this",  # fullwidth
        "fu\u200bck this",  # zero-width space inside the word
        "fu\u00adck this",  # soft hyphen
        "fu\u0301ck this",  # combining accent
        "f u c k this",
        "what the fuuuuck",
        "fu\u0441k this",  # Cyrillic es
        "\u0455\u04bb\u0456t happens",  # Cyrillic dze, shha, i
        "sh\u03b9t happens",  # Greek iota
        "émoji 😀😀 then fuck",  # astral characters before the match
    ],
)
def test_matches_index_the_submitted_text(client: FlaskClient, text: str) -> None:
    response = post(client, {"text": text})
    assert response.status_code == 200
    assert_decision(response.get_json(), text)


@pytest.mark.parametrize(
    "text",
    ["ｆｕｃｋ this", "fu\u200bck this", "fu\u0441k this", "\u0455\u04bb\u0456t happens", "sh\u03b9t happens", "émoji 😀😀 then fuck"],
)
def test_obfuscated_profanity_is_rejected_with_original_offsets(client: FlaskClient, text: str) -> None:
    body = post(client, {"text": text}).get_json()
    assert body["decision"] == "reject"
    assert "profanity" in body["categories"]
    match = body["reasons"][0]["matches"][0]
    assert text[match["start"] : match["end"]] == match["text"]
    assert "this" not in match["text"]


# --- the contract ---------------------------------------------------------------------------


def test_response_shape_and_logging(app: Flask, client: FlaskClient) -> None:
    before = logged(app)
    first = post(client, {"text": "A perfectly pleasant remark."})
    second = post(client, {"text": "A perfectly pleasant remark."})
    assert first.status_code == second.status_code == 200
    assert first.mimetype == "application/json"
    one, two = first.get_json(), second.get_json()
    assert_decision(one, "A perfectly pleasant remark.")
    assert one["decision"] == "approve"
    assert one["decision_id"] != two["decision_id"]
    assert logged(app) == before + 2
    with app.extensions["moderation.db"].connect() as connection:
        row = connection.execute(sql("SELECT text, decision, ruleset FROM decisions WHERE id = :id"), {"id": one["decision_id"]}).one()
    assert tuple(row) == ("A perfectly pleasant remark.", "approve", one["ruleset"])


def test_optional_fields_are_accepted_and_logged(app: Flask, client: FlaskClient) -> None:
    body = {
        "text": "Nice article.\r\n\tThanks!",
        "comment_id": "c-1",
        "site": "example",
        "author": {"id": "u1", "name": "Ann", "email": "ann@example.org", "ip": "192.0.2.1"},
        "article": {"id": "a1", "url": "https://example.org/a1", "title": "A title"},
        "language": "en",
    }
    response = post(client, body)
    assert response.status_code == 200
    decision_id = response.get_json()["decision_id"]
    with app.extensions["moderation.db"].connect() as connection:
        row = connection.execute(sql("SELECT text, site, comment_id, language FROM decisions WHERE id = :id"), {"id": decision_id}).one()
    assert tuple(row) == (body["text"], "example", "c-1", "en")


def test_reason_fields(client: FlaskClient) -> None:
    body = post(client, {"text": "what the fuck is this"}).get_json()
    reason = body["reasons"][0]
    assert reason["rule"] == "profanity/swear-words"
    assert reason["category"] == "profanity"
    assert reason["subcategory"] is None
    assert reason["mode"] == "enforce"
    assert reason["message"]
    assert reason["matches"] == [{"start": 9, "end": 13, "text": "fuck"}]


@pytest.mark.parametrize(
    "text",
    [
        "Go f.u.c.k yourself",
        "ＦＵＣＫ this",
        "I will k1ll you",
        "sh!t happens",
        "buy now at cheap-watches.com",
        "fu\u200bck\u00ad this",
        "Scunthorpe United won",
    ],
)
def test_no_response_contains_a_modified_text(client: FlaskClient, text: str) -> None:
    """Match texts are verbatim slices; no folded, masked or censored copy of the text appears anywhere."""
    body = post(client, {"text": text}).get_json()
    for reason in body["reasons"]:
        for match in reason["matches"]:
            assert match["text"] == text[match["start"] : match["end"]]
    strings = strings_in(body)
    altered = {fold(text).text, text.lower(), text.replace("\u200b", "").replace("\u00ad", "")} - {text}
    for reason in body["reasons"]:
        for match in reason["matches"]:
            altered |= {fold(match["text"]).text} - {match["text"]}
    for value in strings:
        assert "***" not in value
        for version in altered:
            assert version not in value, f"modified text {version!r} in response value {value!r}"


def test_batch_keeps_order_and_count(app: Flask, client: FlaskClient) -> None:
    texts = ["Lovely weather", "what the fuck", "I will k1ll you", "Scunthorpe United won", "Go f.u.c.k yourself"]
    before = logged(app)
    response = post(client, {"comments": [{"text": t} for t in texts]}, BATCH)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == len(texts)
    assert [r["decision"] for r in results] == ["approve", "reject", "reject", "approve", "reject"]
    assert results[2]["categories"] == ["threat"]
    for text, result in zip(texts, results, strict=True):
        assert_decision(result, text)
    assert len({r["decision_id"] for r in results}) == len(texts)
    assert logged(app) == before + len(texts)


def test_batch_of_one_hundred(client: FlaskClient) -> None:
    texts = [f"comment number {i}" for i in range(100)]
    response = post(client, {"comments": [{"text": t} for t in texts]}, BATCH)
    assert response.status_code == 200
    assert len(response.get_json()["results"]) == 100


def test_moderate_and_admin_keys_can_submit(client: FlaskClient) -> None:
    assert post(client, {"text": "hello"}, role="moderate").status_code == 200
    assert post(client, {"text": "hello"}, role="admin").status_code == 200


def test_text_of_exactly_the_limit_is_accepted(client: FlaskClient) -> None:
    assert post(client, {"text": "a" * 20000}).status_code == 200


def test_tab_and_line_breaks_are_allowed(client: FlaskClient) -> None:
    text = "line one\nline two\r\n\tindented"
    response = post(client, {"text": text})
    assert response.status_code == 200


# --- bad input: each answered with the error shape, nothing logged --------------------------


@pytest.fixture
def nothing_logged(app: Flask) -> Any:
    before = logged(app)
    yield
    assert logged(app) == before, "a refused request was logged"


@pytest.mark.usefixtures("nothing_logged")
class TestBadInput:
    def test_not_json(self, client: FlaskClient) -> None:
        body = assert_error(post_raw(client, b"text=hello"), 400)
        assert "JSON" in body["message"]

    def test_truncated_json(self, client: FlaskClient) -> None:
        assert_error(post_raw(client, b'{"text": "hel'), 400)

    def test_json_after_a_byte_order_mark_is_refused_by_name(self, client: FlaskClient) -> None:
        body = assert_error(post_raw(client, '\ufeff{"text": "hello"}'.encode()), 400)
        assert "BOM" in body["message"]

    def test_empty_body(self, client: FlaskClient) -> None:
        assert_error(post_raw(client, b""), 400)

    @pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null", b'[{"text": "hi"}]'])
    def test_json_not_an_object(self, client: FlaskClient, raw: bytes) -> None:
        body = assert_error(post_raw(client, raw), 400)
        assert "object" in body["message"]

    @pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
    def test_wrong_content_type(self, client: FlaskClient, content_type: str) -> None:
        assert_error(post_raw(client, b'{"text": "hi"}', content_type=content_type), 415)

    def test_no_content_type(self, client: FlaskClient) -> None:
        response = client.post(COMMENTS, data=b'{"text": "hi"}', headers=bearer("submit"))
        assert_error(response, 415)

    def test_missing_text(self, client: FlaskClient) -> None:
        body = assert_error(post(client, {"site": "x"}), 422)
        assert "text" in body["errors"]

    @pytest.mark.parametrize("text", ["", " ", "  \n\t ", "\r\n"])
    def test_empty_or_blank_text(self, client: FlaskClient, text: str) -> None:
        body = assert_error(post(client, {"text": text}), 422)
        assert "text" in body["errors"]

    def test_text_over_the_limit(self, client: FlaskClient) -> None:
        body = assert_error(post(client, {"text": "a" * 20001}), 422)
        assert "text" in body["errors"]
        assert "20000" in json.dumps(body["errors"])

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"text": 5}, "text"),
            ({"text": None}, "text"),
            ({"text": ["hi"]}, "text"),
            ({"text": {"a": 1}}, "text"),
            ({"text": True}, "text"),
            ({"text": "hi", "site": 3}, "site"),
            ({"text": "hi", "comment_id": 7}, "comment_id"),
            ({"text": "hi", "author": "Ann"}, "author"),
            ({"text": "hi", "article": ["x"]}, "article"),
            ({"text": "hi", "language": False}, "language"),
        ],
    )
    def test_wrong_field_types(self, client: FlaskClient, body: dict[str, Any], field: str) -> None:
        errors = assert_error(post(client, body), 422)["errors"]
        assert field in errors

    def test_wrong_nested_field_type(self, client: FlaskClient) -> None:
        errors = assert_error(post(client, {"text": "hi", "author": {"id": 3}}), 422)["errors"]
        assert "id" in errors["author"]

    def test_unknown_field_is_named(self, client: FlaskClient) -> None:
        errors = assert_error(post(client, {"text": "hi", "colour": "red"}), 422)["errors"]
        assert "colour" in errors

    def test_unknown_nested_field_is_named(self, client: FlaskClient) -> None:
        errors = assert_error(post(client, {"text": "hi", "author": {"shoe_size": "9"}}), 422)["errors"]
        assert "shoe_size" in errors["author"]

    def test_unknown_batch_field_is_named(self, client: FlaskClient) -> None:
        errors = assert_error(post(client, {"comments": [{"text": "hi"}], "extra": 1}, BATCH), 422)["errors"]
        assert "extra" in errors

    def test_empty_batch(self, client: FlaskClient) -> None:
        errors = assert_error(post(client, {"comments": []}, BATCH), 422)["errors"]
        assert "comments" in errors

    def test_batch_of_101(self, client: FlaskClient) -> None:
        errors = assert_error(post(client, {"comments": [{"text": "hi"}] * 101}, BATCH), 422)["errors"]
        assert "comments" in errors

    def test_batch_without_comments(self, client: FlaskClient) -> None:
        assert "comments" in assert_error(post(client, {}, BATCH), 422)["errors"]

    def test_batch_not_a_list(self, client: FlaskClient) -> None:
        assert "comments" in assert_error(post(client, {"comments": {"text": "hi"}}, BATCH), 422)["errors"]

    def test_batch_with_one_bad_comment_decides_none(self, client: FlaskClient) -> None:
        """Nothing half-done: one bad comment refuses the whole batch, naming its index."""
        errors = assert_error(post(client, {"comments": [{"text": "fine"}, {"text": ""}]}, BATCH), 422)["errors"]
        assert "1" in errors["comments"]

    @pytest.mark.parametrize("raw", [b'{"text": "caf\xe9"}', b'{"text": "\xff\xfe"}', b'{"text": "\xed\xa0\x80"}', b'{"text": "\xc3"}'])
    def test_invalid_utf8(self, client: FlaskClient, raw: bytes) -> None:
        body = assert_error(post_raw(client, raw), 400)
        assert "UTF-8" in body["message"]

    def test_invalid_utf8_names_the_offset(self, client: FlaskClient) -> None:
        body = assert_error(post_raw(client, b'{"text": "ab\xffcd"}'), 400)
        assert "offset 12" in body["message"]

    @pytest.mark.parametrize(
        ("text", "code_point", "position"),
        [
            ("a\x00b", "U+0000", 1),
            ("\x07bell", "U+0007", 0),
            ("esc\x1b[31m", "U+001B", 3),
            ("form\x0cfeed", "U+000C", 4),
            ("vertical\x0btab", "U+000B", 8),
            ("del\x7f", "U+007F", 3),
        ],
    )
    def test_control_characters_are_refused_with_position(self, client: FlaskClient, text: str, code_point: str, position: int) -> None:
        errors = assert_error(post(client, {"text": text}), 422)["errors"]
        message = " ".join(errors["text"])
        assert code_point in message
        assert f"position {position}" in message

    def test_control_character_in_other_field(self, client: FlaskClient) -> None:
        errors = assert_error(post(client, {"text": "hi", "site": "a\nb"}), 422)["errors"]
        assert "position 1" in " ".join(errors["site"])

    def test_escaped_nul_is_refused(self, client: FlaskClient) -> None:
        errors = assert_error(post_raw(client, b'{"text": "ab\\u0000"}'), 422)["errors"]
        assert "position 2" in " ".join(errors["text"])

    @pytest.mark.parametrize(("raw", "position"), [(b'{"text": "a\\ud800b"}', 1), (b'{"text": "\\udfff"}', 0)])
    def test_lone_surrogate_escape(self, client: FlaskClient, raw: bytes, position: int) -> None:
        errors = assert_error(post_raw(client, raw), 422)["errors"]
        message = " ".join(errors["text"])
        assert f"position {position}" in message
        assert "surrogate" in message

    def test_two_megabyte_body(self, client: FlaskClient) -> None:
        raw = b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'"}'
        assert_error(post_raw(client, raw), 413)

    def test_two_megabyte_batch(self, client: FlaskClient) -> None:
        raw = json.dumps({"comments": [{"text": "a" * 20000}] * 100}).encode()
        assert len(raw) > 1024 * 1024
        assert_error(post_raw(client, raw, BATCH), 413)

    @pytest.mark.parametrize("raw", [b'{"text": NaN}', b'{"text": "hi", "site": Infinity}', b'{"text": "hi", "x": -Infinity}'])
    def test_nan_and_infinity(self, client: FlaskClient, raw: bytes) -> None:
        body = assert_error(post_raw(client, raw), 400)
        assert "JSON" in body["message"]

    @pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000])
    def test_deeply_nested_json(self, client: FlaskClient, raw: bytes) -> None:
        assert_error(post_raw(client, raw), 400)

    def test_moderately_nested_unknown_field(self, client: FlaskClient) -> None:
        raw = b'{"text": "hi", "x": ' + b"[" * 500 + b"]" * 500 + b"}"
        errors = assert_error(post_raw(client, raw), 422)["errors"]
        assert "x" in errors

    def test_duplicate_keys_are_refused_naming_the_key(self, client: FlaskClient) -> None:
        body = assert_error(post_raw(client, b'{"text": "hi", "text": ""}'), 400)
        assert "'text'" in body["message"]


@pytest.mark.usefixtures("nothing_logged")
class TestAuth:
    def test_missing_key(self, client: FlaskClient) -> None:
        response = client.post(COMMENTS, json={"text": "hi"})
        assert_error(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    @pytest.mark.parametrize(
        "header", ["Bearer not-a-key", "Bearer submit-key-1234", "Bearer ", "Basic c3VibWl0OmtleQ==", "submit-key-123"]
    )
    def test_unknown_or_malformed_key(self, client: FlaskClient, header: str) -> None:
        response = client.post(COMMENTS, json={"text": "hi"}, headers={"Authorization": header})
        assert_error(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_batch_needs_a_key(self, client: FlaskClient) -> None:
        response = client.post(BATCH, json={"comments": [{"text": "hi"}]})
        assert_error(response, 401)

    def test_wrong_role(self, app: Flask, client: FlaskClient) -> None:
        """A key whose role is too weak gets 403, with the reason in the contract's shape."""
        from moderation.web.auth import require_role

        @require_role("admin")
        def admin_only() -> dict[str, bool]:
            return {"ok": True}

        app.add_url_rule("/v1/test-admin-only", "test_admin_only", admin_only, methods=["GET"])
        for role in ("submit", "moderate"):
            response = client.get("/v1/test-admin-only", headers=bearer(role))
            body = assert_error(response, 403)
            assert role in body["message"] and "admin" in body["message"]
            assert "insufficient_scope" in response.headers["WWW-Authenticate"]
        assert client.get("/v1/test-admin-only", headers=bearer("admin")).get_json() == {"ok": True}


def test_lowercase_bearer_scheme_is_accepted(client: FlaskClient) -> None:
    response = client.post(COMMENTS, json={"text": "hi"}, headers={"Authorization": "bearer submit-key-123"})
    assert response.status_code == 200


def test_json_with_charset_is_accepted(client: FlaskClient) -> None:
    response = post_raw(client, b'{"text": "hi"}', content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_escaped_surrogate_pair_is_a_valid_character(client: FlaskClient) -> None:
    response = post_raw(client, b'{"text": "smile \\ud83d\\ude00"}')
    assert response.status_code == 200


@pytest.mark.parametrize("text", ["It\x92s a fine idea", "you\x80\x99re right", "youâ\x80\x99re right", "\x93quoted\x94 text"])
def test_broken_encodings_are_decided_not_refused(client: FlaskClient, text: str) -> None:
    response = post(client, {"text": text})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["decision"] == "approve"


def test_a_broken_encoding_is_matched_as_what_it_meant_with_offsets_into_the_submitted_text(client: FlaskClient) -> None:
    text = "you\x80\x99re a fucking idiot"
    body = post(client, {"text": text}).get_json()
    assert body["decision"] == "reject"
    for reason in body["reasons"]:
        for match in reason["matches"]:
            assert text[match["start"] : match["end"]] == match["text"]


def test_a_comment_that_exhausts_the_matching_budget_says_so(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from moderation.engine import ruleset as ruleset_module

    monkeypatch.setattr(ruleset_module, "WORK_BUDGET", 20)
    body = post(client, {"text": "you are an idiot, " * 50}).get_json()
    assert body["budget_exhausted"] is True
    monkeypatch.undo()
    assert "budget_exhausted" not in post(client, {"text": "you are an idiot"}).get_json()
