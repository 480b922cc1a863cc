"""GET /v1/rules, POST /v1/rules/reload, POST /v1/rules/test: the rules admin API (role admin)."""

from __future__ import annotations

import os
from typing import Any, NoReturn

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort

from ..engine import RuleSetError
from ..rulebook import RuleBook, explain, get_rulebook, site_summary
from ..rulebook.candidates import SandboxBusyError, SandboxLimitError, SandboxLimits, explain_candidate
from ..storage.times import iso_or_none
from ..web.auth import require_role
from . import BEARER, Blueprint
from .rules_schemas import ExplanationSchema, ReloadRequestSchema, ReloadSchema, RulesetSchema, RuleTestSchema

blp = Blueprint("rules", __name__, url_prefix="/v1/rules", description="See, reload and try the rule files (role: admin).")


def _ruleset_body(rulebook: RuleBook) -> dict[str, Any]:
    ruleset = rulebook.current
    return {
        "version": ruleset.version,
        "directory": rulebook.directory,
        "loaded_at": iso_or_none(rulebook.loaded_at),
        "files": list(ruleset.files),
        "thresholds": {category: ruleset.settings.threshold(category) for category in sorted({r.category for r in ruleset.rules})},
        "rules": [
            {
                "id": rule.id,
                "category": rule.category,
                "subcategory": rule.subcategory,
                "mode": rule.mode,
                "score": rule.score,
                "message": rule.message,
                "file": rule.location.file,
                "line": rule.location.line,
                "examples": len(rule.examples.reject) + len(rule.examples.approve),
            }
            for rule in ruleset.rules
        ],
        "load_error": rulebook.failure.to_dict() if rulebook.failure else None,
        "sites": [site_summary(rulebook.policies.shared, site) for site in rulebook.policies.sites.values()],
        "process": {
            "pid": os.getpid(),
            "interval": rulebook.interval,
            "watching": rulebook.watcher is not None and rulebook.watcher.is_alive(),
            "checked_at": iso_or_none(rulebook.checked_at),
        },
    }


def _refuse(error: RuleSetError, message: str) -> NoReturn:
    abort(422, message=message, errors={"rules": [problem.to_dict() for problem in error.errors]})


@blp.route("")
class Rules(MethodView):
    """The live ruleset."""

    @blp.doc(security=BEARER)
    @require_role("admin")
    @blp.response(200, RulesetSchema)
    def get(self) -> dict[str, Any]:
        """The live ruleset of the answering process: version, files, rules, and the last refused load (role: admin)."""
        return _ruleset_body(get_rulebook())


@blp.route("/reload")
class Reload(MethodView):
    """Load the rule files again now."""

    @blp.doc(security=BEARER)
    @require_role("admin")
    @blp.arguments(ReloadRequestSchema)
    @blp.response(200, ReloadSchema)
    def post(self, _body: dict[str, Any]) -> dict[str, Any]:
        """Reload this process's rules; 422 with every error when refused, and the old ruleset stays live (role: admin).

        Other processes pick the change up from the files within a few seconds.
        """
        rulebook = get_rulebook()
        previous = rulebook.version_or_none()
        previous_sites = rulebook.versions_or_none()
        try:
            ruleset = rulebook.reload()
        except RuleSetError as error:
            _refuse(error, f"The rule files have {len(error.errors)} error(s); version {previous} stays live.")
        changed = rulebook.versions_or_none() != previous_sites  # a site's overlay alone may have changed
        return {"version": ruleset.version, "previous": previous, "changed": changed, "rules": len(ruleset.rules)}


def _limits() -> SandboxLimits:
    config = current_app.config
    return SandboxLimits(seconds=float(config["RULES_TEST_SECONDS"]), memory_mb=int(config["RULES_TEST_MEMORY_MB"]))


@blp.route("/test")
class RuleTest(MethodView):
    """Try a text against the live rules or candidate rule files."""

    @blp.doc(security=BEARER)
    @require_role("admin")
    @blp.arguments(RuleTestSchema)
    @blp.response(200, ExplanationSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Explain what the rules (live, or with candidate files laid over them) do with a text; nothing is logged (role: admin)."""
        rulebook = get_rulebook()
        files: dict[str, str | None] = body.get("rules") or {}
        if not files:
            return {**explain(rulebook.for_site(body.get("site")), body["text"]), "candidate": []}
        limits = _limits()
        try:
            explanation = explain_candidate(rulebook.directory, files, body["text"], body["check_examples"], limits, body.get("site"))
        except RuleSetError as error:
            _refuse(error, f"The candidate rule files have {len(error.errors)} error(s).")
        except SandboxLimitError as error:
            abort(422, message=error.message, errors={"rules": [{"file": None, "line": None, "rule": None, "message": error.message}]})
        except SandboxBusyError:
            abort(429, message="Another candidate rule test is running in this worker; try again in a few seconds.")
        return {**explanation, "candidate": sorted(files)}
