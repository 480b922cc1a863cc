"""The check every rule's examples must pass: its reject examples fire it, its approve examples do not."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import ErrorKind
from .model import Match, Rule, Verdict
from .ruleset import Ruleset


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    """One example of a rule that the ruleset decides against: `expected` is what the example asks for."""

    rule: Rule
    expected: Verdict
    text: str
    matches: tuple[Match, ...] = ()

    @property
    def kind(self) -> ErrorKind:
        """The load error's kind for this failure."""
        return ErrorKind.EXAMPLE_NOT_FIRED if self.expected == "reject" else ErrorKind.EXAMPLE_FIRED

    @property
    def message(self) -> str:
        """The load error's wording for this failure."""
        if self.expected == "reject":
            return f"example to reject does not fire the rule: {self.text!r}"
        return f"example to approve fires the rule: {self.text!r}"


def failing_examples(ruleset: Ruleset, rules: Iterable[Rule] | None = None) -> Iterator[ExampleFailure]:
    """Every example, rule by rule, that the ruleset gets wrong (of `rules` only, when given); approve failures carry the rule's matches."""
    numbers = {id(rule): number for number, rule in enumerate(ruleset.rules_by_index)}
    for rule in ruleset.rules if rules is None else rules:
        number = numbers.get(id(rule))

        def fires(text: str, rule: Rule = rule, number: int | None = number) -> bool:
            return rule.id in ruleset.fired_rule_ids(text) if number is None else ruleset.fires(number, text)

        for text in rule.examples.reject:
            if not fires(text):
                yield ExampleFailure(rule, "reject", text)
        for text in rule.examples.approve:
            if fires(text):
                # The rule fired whatever the thresholds; its hit in the full assessment shows where.
                hit = next((hit for hit in ruleset.assess(text).hits if hit.rule == rule.id), None)
                yield ExampleFailure(rule, "approve", text, hit.matches if hit else ())
