"""The comment response built from the Decision (api/answers.py) is what DecisionSchema's dump gave, byte for byte."""

from __future__ import annotations

from flask import Flask

from moderation.api.answers import decision_body
from moderation.api.schemas import DecisionSchema
from moderation.engine.language import LanguageReport, language_report
from moderation.engine.model import Decision, Match, Reason


def schema_bytes(app: Flask, decision: Decision, decision_id: str, language: LanguageReport) -> str:
    """The answer as the API made it before: the decision's dict, dumped by DecisionSchema, encoded by the app."""
    dumped = DecisionSchema().dump({**decision.to_dict(), "decision_id": decision_id, "language": language.to_dict()})
    return str(app.json.dumps(dumped))


def test_every_shipped_example_is_answered_as_the_schema_dumps_it(app: Flask) -> None:
    ruleset = app.extensions["moderation.rules"].current
    texts = [text for rule in ruleset.rules for text in (*rule.examples.reject, *rule.examples.approve)]
    assert len(texts) > 100
    rejected = 0
    for number, text in enumerate(texts):
        decision = ruleset.evaluate(text)
        rejected += decision.rejected
        language = language_report(text, ruleset.settings.languages)
        decision_id = f"{number:032x}"
        assert app.json.dumps(decision_body(decision, decision_id, language)) == schema_bytes(app, decision, decision_id, language), text
    assert rejected > 50  # reasons, matches and categories were compared, not only empty approvals


def test_rare_fields_are_answered_as_the_schema_dumps_them(app: Flask) -> None:
    reasons = (
        Reason("abuse/x", "abuse", "racism", 'Über "quoted" ✓', "shadow", 0.5, (Match(0, 3, "a\u2028b"), Match(4, 5, "😀"))),
        Reason("threats/y", "threat", None, "Threat", "enforce", 1.0, ()),
    )
    for budget_exhausted in (True, False):
        decision = Decision("reject", ("threat",), reasons, "abc123", budget_exhausted=budget_exhausted, policy="kids")
        for language in (LanguageReport("en", True), LanguageReport(None, None), LanguageReport("ar", False)):
            built = app.json.dumps(decision_body(decision, "f" * 32, language))
            assert built == schema_bytes(app, decision, "f" * 32, language)
            assert ('"budget_exhausted": true' in built or '"budget_exhausted":true' in built) is budget_exhausted
