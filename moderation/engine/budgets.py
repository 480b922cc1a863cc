"""Budgets on rule files that the parts other than templates must keep: rules, patterns, examples.

Each is refused as a located rule error (file, line, rule id), at load and on the candidate endpoint
alike, so an admin's candidate file cannot exhaust a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import re2

# RE2's memory for one pattern's automata, and for the set of all patterns.
PATTERN_MEMORY = 8 << 20
SET_MEMORY = 64 << 20


@dataclass(frozen=True, slots=True)
class RuleLimits:
    """How much a rule directory may hold."""

    rules: int = 2_000
    templates_per_rule: int = 300
    entries: int = 20_000  # templates, exceptions, cue lists and allowed phrases in all
    patterns: int = 1_000
    pattern_program: int = 5_000  # RE2 program size of one pattern ("[a-z]{900}" is about 900)
    patterns_program: int = 60_000  # the same, all patterns together
    examples_per_rule: int = 200


LIMITS = RuleLimits()


def compile_pattern(text: str, total: list[int], limits: RuleLimits = LIMITS) -> object:
    """Compile one RE2 pattern within the budgets; `total` accumulates program sizes (raises ValueError)."""
    options = re2.Options()
    options.max_mem = PATTERN_MEMORY
    options.log_errors = False
    try:
        pattern = re2.compile(text, options)
    except re2.error as error:
        raise ValueError(f"not a valid RE2 pattern {text!r}: {error}") from None
    size = int(pattern.programsize)
    if size > limits.pattern_program:
        raise ValueError(f"pattern {text!r} compiles to {size} instructions, more than {limits.pattern_program}: split or narrow it")
    total[0] += size
    if total[0] > limits.patterns_program:
        raise ValueError(f"the patterns compile to more than {limits.patterns_program} instructions in all")
    return pattern
