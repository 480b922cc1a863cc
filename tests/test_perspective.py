"""/v1alpha1/comments:analyze and :suggestscore: Coral's requests byte for byte, the response contract, UTF-16 spans."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect
from sqlalchemy import text as sql
from testkit import KEYS

ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"
ATTRIBUTES = [
    "TOXICITY",
    "SEVERE_TOXICITY",
    "IDENTITY_ATTACK",
    "INSULT",
    "PROFANITY",
    "THREAT",
    "SEXUALLY_EXPLICIT",
    "FLIRTATION",
    "SPAM",
    "ATTACK_ON_AUTHOR",
    "ATTACK_ON_COMMENTER",
    "INCOHERENT",
    "INFLAMMATORY",
    "OBSCENE",
    "UNSUBSTANTIAL",
]
# Written from the protocol (issue 14), not from the service's schemas: what a Perspective client may receive.
SCORE = {
    "type": "object",
    "required": ["value", "type"],
    "additionalProperties": False,
    "properties": {"value": {"type": "number", "minimum": 0, "maximum": 1}, "type": {"const": "PROBABILITY"}},
}
SPAN = {
    "type": "object",
    "required": ["begin", "end", "score"],
    "additionalProperties": False,
    "properties": {"begin": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 1}, "score": SCORE},
}
ANALYZE_RESPONSE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["attributeScores", "languages"],
    "additionalProperties": False,
    "properties": {
        "attributeScores": {
            "type": "object",
            "propertyNames": {"enum": ATTRIBUTES},
            "additionalProperties": {
                "type": "object",
                "required": ["summaryScore"],
                "additionalProperties": False,
                "properties": {"summaryScore": SCORE, "spanScores": {"type": "array", "items": SPAN}},
            },
        },
        "languages": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        "detectedLanguages": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "clientToken": {"type": "string"},
    },
}
SUGGEST_RESPONSE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {"clientToken": {"type": "string"}},
}
ERROR_RESPONSE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "status"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "integer", "minimum": 400, "maximum": 599},
                "message": {"type": "string", "minLength": 1},
                "status": {"enum": ["INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND", "UNIMPLEMENTED", "INTERNAL"]},
                "details": {"type": "array", "items": {"type": "object", "required": ["@type"]}},
            },
        }
    },
}

Post = Callable[..., Any]


def check_contract(path: str, response: Any) -> dict[str, Any]:
    """Validate an answer against the protocol's schema for its method and status; return its JSON."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)
    body = response.get_json()
    if response.status_code != 200:
        jsonschema.validate(body, ERROR_RESPONSE)
        assert body["error"]["code"] == response.status_code
    else:
        jsonschema.validate(body, ANALYZE_RESPONSE if path.startswith(ANALYZE) else SUGGEST_RESPONSE)
    return dict(body)


@pytest.fixture
def post(client: FlaskClient) -> Post:
    """post(path, body, key=...) sends JSON (or raw bytes) and returns (status, body), every answer contract-checked."""

    def send(path: str, body: Any, key: str | None = KEYS["submit"], headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        url = f"{path}?key={key}" if key else path
        data = body if isinstance(body, bytes) else json.dumps(body)
        response = client.post(url, data=data, content_type="application/json", headers=headers or {})
        return response.status_code, check_contract(path, response)

    return send


def logged(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["moderation.db"].connect() as connection:
        rows = connection.execute(sql("SELECT * FROM decisions ORDER BY id")).mappings().all()
    return [dict(row) for row in rows]


def utf16_slice(text: str, begin: int, end: int) -> str:
    """text[begin:end] counted in UTF-16 code units, as a JavaScript client slices it."""
    return text.encode("utf-16-le")[2 * begin : 2 * end].decode("utf-16-le")


def coral_analyze(text: str) -> bytes:
    """Coral's toxic phase request, as JSON.stringify writes it."""
    return (
        '{"comment":{"text":'
        + json.dumps(text, ensure_ascii=False)
        + '},"doNotStore":true,"requestedAttributes":{"TOXICITY":{}},"languages":["en"]}'
    ).encode()


def coral_suggest(text: str, comment_id: str, rejected: bool) -> bytes:
    """Coral's moderation feedback, as JSON.stringify writes it (no parent: its key is left out)."""
    context = json.dumps(
        {"url": f"https://news.example/story?commentID={comment_id}", "Coral_comment_id": comment_id}, separators=(",", ":")
    )
    return (
        '{"comment":{"text":'
        + json.dumps(text, ensure_ascii=False)
        + '},"context":{"entries":[{"text":'
        + json.dumps(context)
        + '}]},"attributeScores":{"TOXICITY":{"summaryScore":{"value":'
        + ("1" if rejected else "0")
        + '}}},"languages":["en"],"communityId":"Coral:https://tenant.example","clientToken":"comment:'
        + comment_id
        + '"}'
    ).encode()


# --- Done when: a Coral tenant pointed at the service --------------------------------------------------------


def test_coral_withholds_an_insult_and_publishes_thanks(post: Post) -> None:
    status, body = post(ANALYZE, coral_analyze("You are a complete moron and a liar."))
    assert status == 200
    assert body["attributeScores"]["TOXICITY"]["summaryScore"]["value"] > 0.8  # Coral withholds above 0.8
    assert body["languages"] == ["en"]
    status, body = post(ANALYZE, coral_analyze("Thanks for this careful report."))
    assert status == 200
    assert body["attributeScores"]["TOXICITY"]["summaryScore"]["value"] < 0.2
    assert list(body["attributeScores"]) == ["TOXICITY"]


def everything_stored(app: Flask) -> str:
    """Every row of every table of the log database, as one string."""
    engine = app.extensions["moderation.db"]
    with engine.connect() as connection:
        tables = [name for name in inspect(engine).get_table_names()]
        return json.dumps({name: [list(row) for row in connection.execute(sql(f'SELECT * FROM "{name}"'))] for name in tables}, default=str)


def test_do_not_store_leaves_no_text_in_the_log(app: Flask, post: Post) -> None:
    text = "You are a complete moron and a liar."
    post(ANALYZE, coral_analyze(text))
    [row] = logged(app)
    assert (row["source"], row["decision"], row["text"]) == ("perspective", "reject", "")
    reasons = json.loads(row["reasons"]) if isinstance(row["reasons"], str) else row["reasons"]
    assert reasons and all(reason["matches"] == [] for reason in reasons)
    # Coral's feedback then sends the text again: it becomes a review, and no table holds the text or a piece of it.
    post(SUGGEST, coral_suggest(text, "c9", rejected=True), key=KEYS["moderate"])
    stored = everything_stored(app)
    assert "moron" not in stored and "liar" not in stored
    assert "upheld" in stored


def test_without_do_not_store_the_text_is_logged_with_site_and_token(app: Flask, post: Post) -> None:
    text = "You are a complete moron and a liar."
    body = {"comment": {"text": text}, "requestedAttributes": {"INSULT": {}}, "communityId": "news-site", "clientToken": "c-17"}
    status, answer = post(ANALYZE, body)
    assert status == 200 and answer["clientToken"] == "c-17"
    [row] = logged(app)
    assert (row["text"], row["site"], row["comment_id"], row["source"]) == (text, "news-site", "c-17", "perspective")
    reasons = json.loads(row["reasons"]) if isinstance(row["reasons"], str) else row["reasons"]
    assert any(match["text"] == "moron" for reason in reasons for match in reason["matches"])


def test_coral_feedback_lands_as_a_review(client: FlaskClient, post: Post) -> None:
    text = "You are a complete moron and a liar."
    post(ANALYZE, coral_analyze(text))
    status, body = post(SUGGEST, coral_suggest(text, "c1", rejected=False), key=KEYS["moderate"])
    assert (status, body) == (200, {"clientToken": "comment:c1"})
    [decision] = client.get("/v1/decisions", headers={"Authorization": f"Bearer {KEYS['moderate']}"}).get_json()["items"]
    assert decision["review_status"] == "overturned"  # the engine rejected it, the moderator approved it
    assert decision["status"] == "approve"
    detail = client.get(f"/v1/decisions/{decision['id']}", headers={"Authorization": f"Bearer {KEYS['moderate']}"}).get_json()
    [review] = detail["reviews"]
    assert review["verdict"] == "overturn"
    assert "TOXICITY=0" in review["note"] and "comment:c1" in review["note"]


def test_coral_rejection_upholds(client: FlaskClient, post: Post) -> None:
    text = "You are a complete moron and a liar."
    post(ANALYZE, coral_analyze(text))
    post(SUGGEST, coral_suggest(text, "c2", rejected=True), key=KEYS["moderate"])
    [decision] = client.get("/v1/decisions", headers={"Authorization": f"Bearer {KEYS['moderate']}"}).get_json()["items"]
    assert (decision["review_status"], decision["status"]) == ("upheld", "reject")


# --- Done when: six attributes with span annotations ---------------------------------------------------------

SIX = ["TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT"]


def test_six_attributes_with_utf16_spans(post: Post) -> None:
    # Emoji beyond U+FFFF count two UTF-16 units; the combining accents one each: offsets differ from code points.
    text = "👋🏽 Hello e\u0301te\u0301, you are a complete mor\u0301on 🤡 and I will kill you"
    status, body = post(ANALYZE, {"comment": {"text": text}, "requestedAttributes": {name: {} for name in SIX}, "spanAnnotations": True})
    assert status == 200
    scores = body["attributeScores"]
    assert list(scores) == SIX
    insult = scores["INSULT"]["spanScores"]
    assert [utf16_slice(text, span["begin"], span["end"]) for span in insult] == ["you are a complete mor\u0301on"]
    threat = scores["THREAT"]["spanScores"]
    assert [utf16_slice(text, span["begin"], span["end"]) for span in threat] == ["I will kill you"]
    code_points = text.index("I will kill you")
    assert threat[0]["begin"] == code_points + 3  # 👋, 🏽 and 🤡 before it: one code point each, two UTF-16 units
    toxicity = {utf16_slice(text, span["begin"], span["end"]) for span in scores["TOXICITY"]["spanScores"]}
    assert toxicity == {"you are a complete mor\u0301on", "I will kill you"}
    assert scores["PROFANITY"] == {"summaryScore": {"value": 0.0, "type": "PROBABILITY"}, "spanScores": []}
    assert scores["IDENTITY_ATTACK"]["spanScores"] == []
    for span in insult + threat:
        assert span["score"]["value"] > 0.8


def test_spans_of_an_html_comment_index_the_submitted_html(post: Post) -> None:
    text = "<p>Nice try 🙂 &amp; more</p><p>Honestly <b>you are an idiot</b> and a fraud</p>"
    status, body = post(
        ANALYZE, {"comment": {"text": text, "type": "HTML"}, "requestedAttributes": {"INSULT": {}}, "spanAnnotations": True}
    )
    assert status == 200
    [span] = body["attributeScores"]["INSULT"]["spanScores"]
    assert utf16_slice(text, span["begin"], span["end"]) == "you are an idiot"


def test_no_spans_unless_asked(post: Post) -> None:
    status, body = post(ANALYZE, {"comment": {"text": "you idiot"}, "requestedAttributes": {"INSULT": {}}})
    assert status == 200 and "spanScores" not in body["attributeScores"]["INSULT"]


# --- scores, thresholds, attributes and languages ------------------------------------------------------------


def test_only_requested_attributes_appear_and_thresholds_leave_low_ones_out(post: Post) -> None:
    body = {
        "comment": {"text": "Go f*ck yourself, you stupid idiot"},
        "requestedAttributes": {"INSULT": {"scoreThreshold": 0.5}, "THREAT": {"scoreThreshold": 0.5}, "SPAM": {}},
    }
    status, answer = post(ANALYZE, body)
    assert status == 200
    assert list(answer["attributeScores"]) == ["INSULT", "SPAM"]  # THREAT scored 0, below its threshold
    assert answer["attributeScores"]["SPAM"]["summaryScore"]["value"] == 0.0


def test_unsupported_attributes_are_dropped_when_asked(post: Post) -> None:
    body = {"comment": {"text": "you idiot"}, "requestedAttributes": {"INSULT": {}, "FLIRTATION": {}}, "dropUnsupportedAttributes": True}
    status, answer = post(ANALYZE, body)
    assert status == 200 and list(answer["attributeScores"]) == ["INSULT"]


def test_languages_mirror_the_request_or_report_detection(post: Post) -> None:
    request = {"comment": {"text": "Thanks for this careful report."}, "requestedAttributes": {"TOXICITY": {}}}
    assert post(ANALYZE, {**request, "languages": ["en-US"]})[1]["languages"] == ["en-US"]
    detected = post(ANALYZE, request)[1]
    assert (detected["languages"], detected["detectedLanguages"]) == (["en"], ["en"])
    short = post(ANALYZE, {**request, "comment": {"text": "👍"}})[1]
    assert (short["languages"], short["detectedLanguages"]) == (["en"], [])


def test_an_uncovered_language_is_dropped_when_asked(app: Flask, post: Post) -> None:
    body = {
        "comment": {"text": "Пожалуйста, пишите больше новостей о городе."},
        "requestedAttributes": {"TOXICITY": {}},
        "dropUnsupportedAttributes": True,
    }
    status, answer = post(ANALYZE, body)
    assert status == 200
    assert answer == {"attributeScores": {}, "languages": ["ru"], "detectedLanguages": ["ru"]}
    assert [row["language"] for row in logged(app)] == ["ru"]


def test_the_bearer_header_works_too(post: Post) -> None:
    body = {"comment": {"text": "you idiot"}, "requestedAttributes": {"INSULT": {}}}
    status, _ = post(ANALYZE, body, key=None, headers={"Authorization": f"Bearer {KEYS['submit']}"})
    assert status == 200


def test_feedback_that_matches_no_decision_is_kept_and_counted(app: Flask, client: FlaskClient, post: Post) -> None:
    text = "A comment this service never saw."
    status, _ = post(
        SUGGEST, {"comment": {"text": text}, "attributeScores": {"SPAM": {"summaryScore": {"value": 0.9}}}}, key=KEYS["moderate"]
    )
    assert status == 200
    with app.extensions["moderation.db"].connect() as connection:
        [row] = connection.execute(sql("SELECT text, verdict, client_token, submitted_by FROM feedback")).all()
    assert (row.text, row.verdict, row.client_token) == (text, "reject", None)
    stats = client.get("/v1/stats", headers={"Authorization": f"Bearer {KEYS['moderate']}"}).get_json()
    assert stats["feedback"] == {"suggestions": 1, "approve": 0, "reject": 1}
    assert stats["totals"]["reviews"] == 0


def test_a_review_by_client_token_and_stats(client: FlaskClient, post: Post) -> None:
    post(ANALYZE, {"comment": {"text": "you idiot"}, "requestedAttributes": {"INSULT": {}}, "clientToken": "t-1", "doNotStore": True})
    # A different text with the same token: the token identifies the decision.
    body = {"comment": {"text": "you idiot!"}, "attributeScores": {"INSULT": {"summaryScore": {"value": 1}}}, "clientToken": "t-1"}
    assert post(SUGGEST, body, key=KEYS["moderate"]) == (200, {"clientToken": "t-1"})
    stats = client.get("/v1/stats", headers={"Authorization": f"Bearer {KEYS['moderate']}"}).get_json()
    assert (stats["totals"]["decisions"], stats["totals"]["reviews"], stats["totals"]["overturns"]) == (1, 1, 0)
    assert stats["feedback"]["suggestions"] == 0


def test_openapi_documents_both_methods(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    for path in (ANALYZE, SUGGEST):
        operation = spec["paths"][path]["post"]
        assert {"perspectiveKey": []} in operation["security"]
        assert "400" in operation["responses"] and "403" in operation["responses"]
    assert spec["components"]["securitySchemes"]["perspectiveKey"] == {
        "type": "apiKey",
        "in": "query",
        "name": "key",
        "description": "An API key, as Perspective clients send it.",
    }
    request = spec["components"]["schemas"]["AnalyzeCommentRequest"]
    assert {"comment", "requestedAttributes"} <= set(request["required"])
    assert {"doNotStore", "spanAnnotations", "dropUnsupportedAttributes", "languages", "clientToken"} <= set(request["properties"])
