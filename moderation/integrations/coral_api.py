"""POST /v1/integrations/coral: Coral Talk's external moderation phase, signed by Coral, answered in its terms."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, abort, current_app, request
from flask.views import MethodView

from ..api import Blueprint
from ..rulebook import get_rulebook
from ..storage import Submission
from ..web.decision_log import log_decided
from . import coral
from .coral_schemas import CoralRequestSchema, CoralResponseSchema

F = TypeVar("F", bound=Callable[..., Any])

blp = Blueprint(
    "coral",
    __name__,
    url_prefix="/v1/integrations/coral",
    description="Coral Talk external moderation: paste this URL into Coral's admin (see docs/coral.md).",
)

SIGNATURE_DOC = {
    "in": "header",
    "name": coral.SIGNATURE_HEADER,
    "required": True,
    "schema": {"type": "string"},
    "description": "sha256=<hex HMAC-SHA256 of the raw body>, keyed with a secret of MODERATION_CORAL_SECRETS; "
    "several entries joined by commas during rotation.",
}


@blp.record_once
def _check_config(state: Any) -> None:
    """Refuse to start with a Coral setting that would silently misbehave."""
    config = state.app.config
    if config["CORAL_APPROVE"] not in coral.APPROVE_MODES:
        raise ValueError(f"MODERATION_CORAL_APPROVE must be one of {', '.join(coral.APPROVE_MODES)}, not {config['CORAL_APPROVE']!r}")
    if config["CORAL_FORMAT"] not in coral.FORMATS:
        raise ValueError(f"MODERATION_CORAL_FORMAT must be one of {', '.join(coral.FORMATS)}, not {config['CORAL_FORMAT']!r}")
    coral.parse_site_map(config.get("CORAL_SITES", ""))  # a malformed mapping stops the start, not a request
    for secret in coral.parse_secrets(config["CORAL_SECRETS"]):
        if not secret.startswith(coral.SECRET_PREFIX):
            # Coral's secrets start with the prefix and the HMAC is keyed with all of it; a cut secret never matches.
            state.app.logger.warning("a MODERATION_CORAL_SECRETS entry does not start with %r", coral.SECRET_PREFIX)


def require_coral_signature(view: F) -> F:
    """Decorator: 404 when no secret is configured, 401 unless the raw body carries a valid Coral signature."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        secrets = coral.parse_secrets(current_app.config["CORAL_SECRETS"])
        if not secrets:
            abort(404, "The Coral integration is not enabled: set MODERATION_CORAL_SECRETS to Coral's signing secret.")
        body = request.get_data(cache=True)
        if not coral.signature_is_valid(request.headers.get(coral.SIGNATURE_HEADER), body, secrets):
            abort(401, f"Missing or invalid {coral.SIGNATURE_HEADER}: sign the raw body with a configured Coral secret.")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _submission(request_body: dict[str, Any], text: str) -> Submission:
    """What the decision log keeps of a Coral request (Coral sends no id of the comment itself)."""
    comment = request_body["comment"]
    author = request_body.get("author") or {}
    story = request_body.get("story") or {}
    context = [f"action={request_body['action']}"]
    if author.get("role"):
        context.append(f"role={author['role']}")
    if comment.get("parent_id"):
        context.append(f"parentID={comment['parent_id']}")
    return Submission(
        source="coral",
        text=text,
        site=(request_body.get("site") or {}).get("id"),
        # The log's comment id column is the only free-text slot; it names the action, role and parent.
        comment_id=" ".join(context)[:200],
        author={"id": author["id"]} if author.get("id") else None,
        article={key: story[key] for key in ("id", "url") if story.get(key)} or None,
    )


@blp.route("")
class CoralModeration(MethodView):
    """Coral's external moderation phase."""

    @blp.doc(parameters=[SIGNATURE_DOC], security=[])
    @require_coral_signature
    @blp.arguments(CoralRequestSchema)
    @blp.response(200, CoralResponseSchema)
    @blp.alt_response(204, description="No opinion (MODERATION_CORAL_APPROVE=no-opinion and the comment is approved).")
    def post(self, request_body: dict[str, Any]) -> dict[str, Any] | Response:
        """Decide on a new or edited Coral comment, log the decision, answer as Coral expects (signed by Coral)."""
        source = request_body["comment"]["body"]
        text = coral.html_to_text(source) if current_app.config["CORAL_FORMAT"] == "HTML" else coral.plain_text(source)
        # Evaluated on what readers see, logged as received: comments.decide evaluates the very text it logs, so the
        # two steps are done here, with the matches moved back onto the body so that text[start:end] holds in the log.
        site = coral.site_policy(request_body.get("site"), coral.parse_site_map(current_app.config["CORAL_SITES"]))
        decision = text.remap(get_rulebook().for_site(site).evaluate(text.text))
        log_decided([(_submission(request_body, source), decision)])
        result = coral.answer(decision, request_body["action"], current_app.config["CORAL_APPROVE"])
        return Response(status=204) if result is None else result
