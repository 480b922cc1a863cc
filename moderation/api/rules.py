"""GET /v1/rules, POST /v1/rules/reload, POST /v1/rules/test: the rules admin API (role admin)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import yaml
from flask.views import MethodView
from flask_smorest import abort

from ..auth import require_role
from ..engine import Ruleset, RuleSetError, load_ruleset
from ..rulebook import RuleBook, explain, get_rulebook, rule_files
from ..storage.times import iso_or_none
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
        try:
            ruleset = rulebook.reload()
        except RuleSetError as error:
            _refuse(error, f"The rule files have {len(error.errors)} error(s); version {previous} stays live.")
        return {"version": ruleset.version, "previous": previous, "changed": ruleset.version != previous, "rules": len(ruleset.rules)}


def _alias_errors(name: str, text: str) -> list[dict[str, Any]]:
    """YAML aliases can make a small file expand enormously; candidate files may not use them."""
    errors = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken):
                message = "YAML aliases (*name) are not allowed in candidate files; write the values out"
                errors.append({"file": name, "line": token.start_mark.line + 1, "rule": None, "message": message})
                break
    except yaml.YAMLError:
        pass  # the loader reports syntax errors with their line
    return errors


def candidate_ruleset(live_directory: str, files: dict[str, str | None], check_examples: bool) -> Ruleset:
    """Lay candidate files over a temporary copy of the live rule directory and load it (RuleSetError on errors)."""
    live = Path(live_directory)
    with tempfile.TemporaryDirectory(prefix="moderation-candidate-") as temporary:
        root = Path(temporary).resolve()
        (root / "lexicons").mkdir()
        for path in rule_files(live):
            shutil.copyfile(path, root / path.relative_to(live))
        for name, text in files.items():
            target = (root / name).resolve()
            # The schema allows only `x.yml` and `lexicons/x.yml`; this is the second lock on the door.
            if not target.is_relative_to(root) or target.parent not in (root, root / "lexicons"):
                abort(422, message="A candidate file name leaves the rule directory.", errors={"rules": {name: ["bad file name"]}})
            if text is None:
                target.unlink(missing_ok=True)
            else:
                target.write_text(text, encoding="utf-8")
        try:
            return load_ruleset(root, check_examples=check_examples)
        except RuleSetError as error:
            # Errors name files relative to the directory; never show the temporary path.
            for problem in error.errors:
                if problem.file and problem.file.startswith(str(root)):
                    problem.file = problem.file.replace(str(root), "<candidate>")
                problem.message = problem.message.replace(str(root), "<candidate>")
            raise


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
            return {**explain(rulebook.current, body["text"]), "candidate": []}
        problems = [problem for name, text in files.items() if text is not None for problem in _alias_errors(name, text)]
        if problems:
            abort(422, message="The candidate files use YAML aliases.", errors={"rules": problems})
        try:
            ruleset = candidate_ruleset(rulebook.directory, files, body["check_examples"])
        except RuleSetError as error:
            _refuse(error, f"The candidate rule files have {len(error.errors)} error(s).")
        return {**explain(ruleset, body["text"]), "candidate": sorted(files)}
