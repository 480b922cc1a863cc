"""/v1alpha1/comments:analyze and :suggestscore: Perspective API's protocol, scored by the rules, in Google's error shape."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from http import HTTPStatus
from typing import Any, TypeVar

import flask
from flask import Response, abort, current_app, g, jsonify, request
from flask.views import MethodView
from werkzeug.exceptions import HTTPException, InternalServerError

from ..api import Blueprint
from ..config import MAX_BODY_BYTES
from ..engine.language import detect_language, primary_language
from ..engine.model import Decision
from ..rulebook import get_rulebook
from ..storage import Submission, UnknownDecisionError, add_feedback, find_logged_decision, review_decision, text_digest
from ..web.decision_log import log_decided
from ..web.guards import parse_json_body
from ..web.guards import read_body as read_raw_body
from . import coral
from .perspective import UNSUPPORTED, score_attributes, suggested_verdict, utf16_offsets
from .perspective_schemas import (
    AnalyzeCommentRequestSchema,
    AnalyzeCommentResponseSchema,
    GoogleErrorSchema,
    SuggestCommentScoreRequestSchema,
    SuggestCommentScoreResponseSchema,
)

F = TypeVar("F", bound=Callable[..., Any])
PREFIX = "/v1alpha1"
SOURCE = "perspective"
METHODS = ("/comments:analyze", "/comments:suggestscore")
KEY_PARAMETER: dict[str, list[str]] = {"perspectiveKey": []}
SECURITY = [KEY_PARAMETER, {"bearerAuth": []}]
KEY_SCHEME = {"type": "apiKey", "in": "query", "name": "key", "description": "An API key, as Perspective clients send it."}

# Google's canonical status names for the HTTP codes this blueprint answers with.
GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "UNIMPLEMENTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}

blp = Blueprint(
    "perspective",
    __name__,
    url_prefix=PREFIX,
    description="Perspective API's comments:analyze and comments:suggestscore, scored by the rules (see docs/perspective.md).",
)
# Unknown paths and methods under /v1alpha1/ are answered here, so that they too get Google's shape.
fallback = flask.Blueprint("perspective_fallback", __name__, url_prefix=PREFIX)


# --- Google's errors ------------------------------------------------------------------------------------------


def _violations(messages: Any, path: str = "") -> list[dict[str, str]]:
    """Marshmallow's nested messages as google.rpc.BadRequest field violations, with dotted field paths."""
    if isinstance(messages, list):
        return [{"field": path, "description": str(message)} for message in messages]
    found = []
    for name, inner in messages.items():
        # A dict's "key" and "value" levels and a nested schema's "_schema" are marshmallow's, not the request's.
        step = path if name in ("key", "_schema") or (name == "value" and isinstance(inner, dict)) else f"{path}.{name}".lstrip(".")
        found.extend(_violations(inner, step))
    return found


def google_error(error: HTTPException) -> tuple[Response, int]:
    """Any HTTP error under /v1alpha1/ as {"error": {"code", "message", "status", "details"?}}."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    violations = _violations((data.get("messages") or {}).get("json", {}))
    if code == 413:
        # Google answers an oversized payload with 400 INVALID_ARGUMENT.
        code, message = 400, f"Request payload size exceeds the limit: {MAX_BODY_BYTES} bytes."
    elif violations:
        code, message = 400, "Invalid request: " + "; ".join(f"{v['field']}: {v['description']}" for v in violations)
    else:
        message = error.description if error.description and error.description != type(error).description else HTTPStatus(code).phrase
    body: dict[str, Any] = {"code": code, "message": message, "status": GOOGLE_STATUS.get(code, "UNKNOWN")}
    if violations:
        body["details"] = [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": violations}]
    response = jsonify({"error": body})
    if code == 405:
        response.headers["Allow"] = "POST"
    return response, code


def google_unexpected(error: Exception) -> tuple[Response, int]:
    """A bug: logged, answered as Google's INTERNAL without internals."""
    if isinstance(error, HTTPException):
        return google_error(error)
    current_app.logger.exception("unhandled error", exc_info=error)
    return google_error(InternalServerError())


for errors_of in (blp, fallback):
    errors_of.register_error_handler(HTTPException, google_error)
    errors_of.register_error_handler(Exception, google_unexpected)


@fallback.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@fallback.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str) -> Response:
    """Anything else under /v1alpha1/: 405 on a known method's path, 404 elsewhere."""
    abort(405 if f"/{rest}" in METHODS else 404)


# --- request body and key -------------------------------------------------------------------------------------


@blp.before_request
def read_body() -> None:
    """Decode the body strictly (any content type: Perspective clients differ); it must be a JSON object."""
    if request.method != "POST":
        return
    body = parse_json_body(read_raw_body())
    if not isinstance(body, dict):
        abort(400, "The request body must be a JSON object.")
    g.json_body = body


def require_key(role: str) -> Callable[[F], F]:
    """Decorator: a key in ?key= (as Perspective clients send it) or in the Bearer header, with at least `role`."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
            secret = request.args.get("key") or (bearer.strip() if scheme.lower() == "bearer" else "")
            if not secret:
                abort(403, "The request is missing a valid API key.")
            key = current_app.extensions["moderation.keys"].authenticate(secret)
            if key is None:
                abort(403, "API key not valid. Please pass a valid API key.")
            if not key.allows(role):
                abort(403, f"This key's role ({key.role}) cannot call this method; it needs the {role} role.")
            g.api_key = key
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


# --- comments:analyze -----------------------------------------------------------------------------------------


def _languages(request_body: dict[str, Any], text: str, covered: tuple[str, ...]) -> tuple[list[str], str | None, list[str]]:
    """The languages to answer with, the language detected, and those of the answer that the rules do not cover.

    The answer mirrors the request's languages; without them it names the detected one, else the rules' first.
    """
    detected = detect_language(text)
    languages = list(request_body.get("languages") or []) or [detected or covered[0]]
    uncovered = [tag for tag in languages if primary_language(tag) not in covered]
    return languages, detected, uncovered


def _log(request_body: dict[str, Any], decision: Decision, language: str) -> None:
    """Log the decision as source `perspective`; with doNotStore, without the text or what the rules matched in it."""
    text = request_body["comment"]["text"]
    stored = not request_body["do_not_store"]
    if not stored:
        decision = replace(decision, reasons=tuple(replace(reason, matches=()) for reason in decision.reasons))
    submission = Submission(
        source=SOURCE,
        text=text if stored else "",
        site=request_body.get("community_id"),
        comment_id=request_body.get("client_token"),
        language=language,
        text_digest=text_digest(text, current_app.config["SECRET_KEY"]),
    )
    log_decided([(submission, decision)])


@blp.route("/comments:analyze")
class AnalyzeComment(MethodView):
    """Perspective's comments:analyze."""

    @blp.doc(security=SECURITY)
    @require_key("submit")
    @blp.arguments(AnalyzeCommentRequestSchema)
    @blp.response(200, AnalyzeCommentResponseSchema)
    @blp.alt_response(400, schema=GoogleErrorSchema, description="Invalid request, unknown or unsupported attribute or language.")
    @blp.alt_response(403, schema=GoogleErrorSchema, description="Missing or bad key.")
    def post(self, request_body: dict[str, Any]) -> dict[str, Any]:
        """Score a comment for the requested attributes from the rules; logged as a decision (key role: submit)."""
        ruleset = get_rulebook().for_site(request_body.get("community_id"))  # communityId picks the site's policy
        settings = ruleset.settings
        drop = request_body["drop_unsupported_attributes"]
        requested = request_body["requested_attributes"]
        unsupported = [name for name in requested if name in UNSUPPORTED]
        if unsupported and not drop:
            abort(400, f"Attribute {unsupported[0]} is not supported by this service (no guideline category is a basis for it).")
        names = [name for name in requested if name not in UNSUPPORTED]
        source = request_body["comment"]["text"]
        plain = coral.html_to_text(source) if request_body["comment"]["type"] == "HTML" else None
        text = plain.text if plain is not None else source
        languages, detected, uncovered = _languages(request_body, text, settings.languages)
        if uncovered and not drop:
            abort(400, f"Attribute {names[0] if names else 'requested'} does not support request languages: {', '.join(uncovered)}.")
        if uncovered:
            names = []
        assessment = ruleset.assess(text)
        decision = plain.remap(assessment.decision) if plain is not None else assessment.decision
        _log(request_body, decision, languages[0])
        to_utf16 = utf16_offsets(source)

        def spans(start: int, end: int) -> tuple[int, int]:
            begin, finish = plain.source_span(start, end) if plain is not None else (start, end)
            return to_utf16(begin), to_utf16(finish)

        scored = score_attributes(assessment, settings, names, spans if request_body["span_annotations"] else None)
        attribute_scores: dict[str, dict[str, Any]] = {}
        for name, score in scored.items():
            if score.summary < requested[name].get("score_threshold", 0.0):
                continue
            attribute_scores[name] = {"summary_score": {"value": score.summary, "type": "PROBABILITY"}}
            if request_body["span_annotations"]:
                attribute_scores[name]["span_scores"] = [
                    {"begin": span.begin, "end": span.end, "score": {"value": span.score, "type": "PROBABILITY"}} for span in score.spans
                ]
        response: dict[str, Any] = {"attribute_scores": attribute_scores, "languages": languages}
        response["detected_languages"] = [detected] if detected else []
        if "client_token" in request_body:
            response["client_token"] = request_body["client_token"]
        return response


# --- comments:suggestscore ------------------------------------------------------------------------------------


def _review(found: tuple[str, str], verdict: str, note: str) -> bool:
    """Review the found decision with the moderator's verdict (uphold when it agrees); False when it was purged since."""
    decision_id, decided = found
    try:
        review_decision(
            decision_id, "uphold" if decided == verdict else "overturn", note=note, reviewer=g.api_key.name, reviewer_role=g.api_key.role
        )
    except UnknownDecisionError:
        return False
    return True


@blp.route("/comments:suggestscore")
class SuggestCommentScore(MethodView):
    """Perspective's comments:suggestscore."""

    @blp.doc(security=SECURITY)
    @require_key("moderate")
    @blp.arguments(SuggestCommentScoreRequestSchema)
    @blp.response(200, SuggestCommentScoreResponseSchema)
    @blp.alt_response(400, schema=GoogleErrorSchema, description="Invalid request or unknown attribute.")
    @blp.alt_response(403, schema=GoogleErrorSchema, description="Missing or bad key, or a key without the moderate role.")
    def post(self, request_body: dict[str, Any]) -> dict[str, Any]:
        """A moderator's verdict: a review of the logged decision it is about, else kept as feedback (key role: moderate)."""
        text = request_body["comment"]["text"]
        scores = {name: score["summary_score"]["value"] for name, score in request_body["attribute_scores"].items()}
        verdict = suggested_verdict(scores.values())
        token, site = request_body.get("client_token"), request_body.get("community_id")
        digest = text_digest(text, current_app.config["SECRET_KEY"])
        found = find_logged_decision(source=SOURCE, client_token=token, digest=digest, site=site)
        note = "Perspective suggestscore " + ", ".join(f"{name}={value:g}" for name, value in scores.items())
        if token:
            note += f" ({token})"
        if found is None or not _review(found, verdict, note):
            add_feedback(
                {
                    "source": SOURCE,
                    "site": site,
                    "client_token": token,
                    "text": text,
                    "text_digest": digest,
                    "verdict": verdict,
                    "scores": scores,
                    "submitted_by": g.api_key.name,
                }
            )
        return {"client_token": token} if token else {}
