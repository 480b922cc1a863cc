"""GET /v1/stats: decisions, rejects, reviews and overturn rate per category and per rule (role: moderate)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE

from ..storage import decision_stats, feedback_stats
from ..web.auth import require_role
from . import BEARER, Blueprint
from .log_schemas import StatsQuerySchema, StatsSchema

blp = Blueprint("stats", __name__, url_prefix="/v1/stats", description="How categories and rules perform.")


@blp.route("")
class Stats(MethodView):
    """Counts over a time range."""

    @blp.doc(security=BEARER)
    @require_role("moderate")
    @blp.arguments(StatsQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, StatsSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Totals, per category and per rule (with shadow hits and last hit) over a time range (role: moderate)."""
        stats = decision_stats(args["since"], args["until"], site=args.get("site"))
        return {**stats, "feedback": feedback_stats(args["since"], args["until"], site=args.get("site"))}
