"""POST /v1/comments and /v1/comments/batch: decide on comments, log each decision, answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.views import MethodView
from werkzeug.sansio.response import Response

from ..engine.language import language_report
from ..rulebook import get_rulebook
from ..storage import Submission
from ..web.auth import require_role
from ..web.decision_log import log_decided
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
