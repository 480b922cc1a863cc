"""The rule engine: compiles a rule directory into an immutable ruleset and evaluates comments (no Flask here)."""

from .cache import load_ruleset
from .errors import RuleError, RuleSetError
from .model import CATEGORIES, MODES, SUBCATEGORIES, Assessment, Decision, Match, Reason, Rule
from .normalize import fold
from .ruleset import Ruleset

__all__ = [
    "CATEGORIES",
    "MODES",
    "SUBCATEGORIES",
    "Assessment",
    "Decision",
    "Match",
    "Reason",
    "Rule",
    "RuleError",
    "RuleSetError",
    "Ruleset",
    "fold",
    "load_ruleset",
]
