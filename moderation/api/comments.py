"""POST /v1/comments and /v1/comments/batch: decide on comments, log each decision, answer."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ..engine.language import language_report
from ..rulebook import get_rulebook
from ..storage import log_decisions, log_record
from ..web.auth import require_role
from . import BEARER, Blueprint
from .schemas import BatchResultSchema, BatchSchema, CommentSchema, DecisionSchema

blp = Blueprint("comments", __name__, url_prefix="/v1/comments", description="Submit comments for a decision.")


def decide(comments: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    """Evaluate comments with one snapshot of the rules (each by its site's policy), log them in one transaction, answer."""
    policies = get_rulebook().policies
    rulesets = [policies.for_site(comment.get("site")) for comment in comments]
    # Each decision is turned into its JSON form once: the log row and the response share it.
    bodies = [ruleset.evaluate(comment["text"]).to_dict() for comment, ruleset in zip(comments, rulesets, strict=True)]
    languages = [language_report(c["text"], ruleset.settings.languages) for c, ruleset in zip(comments, rulesets, strict=True)]
    # The log keeps the language the site declared, else the one detected.
    logged = [{**c, "language": c.get("language") or found.detected} for c, found in zip(comments, languages, strict=True)]
    ids = log_decisions([log_record(c, body, source) for c, body in zip(logged, bodies, strict=True)])
    return [
        {**body, "decision_id": decision_id, "language": found.to_dict()}
        for body, decision_id, found in zip(bodies, ids, languages, strict=True)
    ]


@blp.route("")
class Comments(MethodView):
    """A single comment."""

    @blp.doc(security=BEARER)
    @require_role("submit")
    @blp.arguments(CommentSchema)
    @blp.response(200, DecisionSchema)
    def post(self, comment: dict[str, Any]) -> dict[str, Any]:
        """Decide on one comment: approve or reject, with the reasons (role: submit)."""
        return decide([comment], "api")[0]


@blp.route("/batch")
class CommentBatch(MethodView):
    """Up to 100 comments."""

    @blp.doc(security=BEARER)
    @require_role("submit")
    @blp.arguments(BatchSchema)
    @blp.response(200, BatchResultSchema)
    def post(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Decide on up to 100 comments; one result per comment, in order (role: submit)."""
        return {"results": decide(batch["comments"], "batch")}
