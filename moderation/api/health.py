"""GET /v1/health: is the service up, which ruleset is live, can it reach its log."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import text

from ..rulebook import get_rulebook
from . import Blueprint
from .schemas import HealthSchema

blp = Blueprint("health", __name__, url_prefix="/v1/health", description="Service health.")


@blp.route("")
class Health(MethodView):
    """Health check for load balancers and monitors (no key needed)."""

    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """Report the live ruleset and whether the decision log answers."""
        rulebook = get_rulebook()
        try:
            with current_app.extensions["moderation.db"].connect() as connection:
                connection.execute(text("SELECT 1"))
            database = "ok"
        except Exception:  # noqa: BLE001 - any failure means the log is unreachable
            database = "unreachable"
        status = "ok" if database == "ok" and rulebook.last_error is None else "degraded"
        return {
            "status": status,
            "ruleset": rulebook.current.version,
            "rules": len(rulebook.current.rules),
            "database": database,
            "rules_error": str(rulebook.last_error) if rulebook.last_error else None,
        }
