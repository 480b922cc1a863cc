"""The comment responses built straight from the engine's Decision, as DecisionSchema documents them.

DecisionSchema stays the contract in the OpenAPI document; dumping through it on every request cost more than
the JSON encoding itself, so the view builds the same object (same fields, same order) and answers it as is.
tests/api/test_answers.py checks the two against each other.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from werkzeug.sansio.response import Response

from ..engine.language import LanguageReport
from ..engine.model import Decision


def decision_body(decision: Decision, decision_id: str, language: LanguageReport) -> dict[str, Any]:
    """One comment's response object: DecisionSchema's fields in its order, budget_exhausted only when true."""
    body: dict[str, Any] = {
        "decision": decision.decision,
        "decision_id": decision_id,
        "categories": list(decision.categories),
        "reasons": [reason.to_dict() for reason in decision.reasons],
        "ruleset": decision.ruleset,
        "policy": decision.policy,
        "language": language.to_dict(),
    }
    if decision.budget_exhausted:
        body["budget_exhausted"] = True
    return body


def json_response(body: Any) -> Response:
    """A 200 answer with the app's JSON encoding, byte for byte what flask-smorest's jsonify would send."""
    return current_app.json.response(body)
