"""POST /v1/comments and /v1/comments/batch: decide on comments, log each decision, answer.

A plainly valid single comment takes a lean path (install_lean_path): the same checks in the same order (routing,
the key, the body, the schema's fields) without the per-request layers of MethodView, flask-smorest and webargs
around the view. Anything else goes through the documented view below, so every error is the one it gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.views import MethodView
from werkzeug.sansio.response import Response

from ..engine.language import language_report
from ..rulebook import get_rulebook
from ..storage import Submission
from ..web.auth import authorize, require_role
from ..web.decision_log import log_decided
from ..web.guards import json_body
from . import BEARER, Blueprint
from .answers import decision_body, json_response
from .schemas import BatchResultSchema, BatchSchema, CommentSchema, DecisionSchema

blp = Blueprint("comments", __name__, url_prefix="/v1/comments", description="Submit comments for a decision.")


def decide(comments: list[Mapping[str, Any]], source: str) -> list[dict[str, Any]]:
    """Evaluate comments with one snapshot of the rules (each by its site's policy), log them in one transaction, answer."""
    policies = get_rulebook().policies
    rulesets = [policies.for_site(comment.get("site")) for comment in comments]
    decisions = [ruleset.evaluate(comment["text"]) for comment, ruleset in zip(comments, rulesets, strict=True)]
    languages = [language_report(c["text"], ruleset.settings.languages) for c, ruleset in zip(comments, rulesets, strict=True)]
    # The log keeps the language the site declared, else the one detected; the Decision itself goes down to storage.
    submissions = [Submission.of_comment(c, source, found.detected) for c, found in zip(comments, languages, strict=True)]
    ids = log_decided(list(zip(submissions, decisions, strict=True)))
    return [decision_body(*answer) for answer in zip(decisions, ids, languages, strict=True)]


@blp.route("")
class Comments(MethodView):
    """A single comment."""

    @blp.doc(security=BEARER)
    @require_role("submit")
    @blp.arguments(CommentSchema)
    @blp.response(200, DecisionSchema)
    def post(self, comment: dict[str, Any]) -> Response:
        """Decide on one comment: approve or reject, with the reasons (role: submit)."""
        return json_response(decide([comment], "api")[0])


@blp.route("/batch")
class CommentBatch(MethodView):
    """Up to 100 comments."""

    @blp.doc(security=BEARER)
    @require_role("submit")
    @blp.arguments(BatchSchema)
    @blp.response(200, BatchResultSchema)
    def post(self, batch: dict[str, Any]) -> Response:
        """Decide on up to 100 comments; one result per comment, in order (role: submit)."""
        return json_response({"results": decide(batch["comments"], "batch")})


# The endpoint of Comments.post in the app (blueprint name, then the MethodView's name).
ENDPOINT = "comments.Comments"


def install_lean_path(app: Flask) -> None:
    """Answer POST /v1/comments by lean_post, which hands anything not plainly valid to the documented view.

    The OpenAPI document is built from the decorated view at registration, so it does not change; Flask still
    answers OPTIONS and routing errors itself before calling the view function.
    """
    documented = app.view_functions[ENDPOINT]
    loader = Blueprint.ARGUMENTS_PARSER.loader_of(CommentSchema)
    if loader is None:  # CommentSchema grew something FieldLoader cannot load exactly: keep the documented view
        return

    def lean_post(**kwargs: Any) -> Any:
        """The documented view's answer, without its layers: key (401/403), body (415/413/400), fields, decision."""
        authorize("submit")
        comment = loader.load(json_body())
        if comment is None:  # not plainly valid: the documented view gives marshmallow's 422 (or whatever it gives)
            return documented(**kwargs)
        return json_response(decide([comment], "api")[0])

    app.view_functions[ENDPOINT] = lean_post
