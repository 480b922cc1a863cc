"""The rule engine: compiles a rule directory into an immutable ruleset and evaluates comments (no Flask here)."""

from .cache import load_policies, load_ruleset
from .errors import RuleError, RuleSetError
from .model import CATEGORIES, MODES, SUBCATEGORIES, Assessment, Decision, Match, Reason, Rule
from .normalize import fold
from .overlay import Policies
from .ruleset import DEFAULT_POLICY, Ruleset

__all__ = [
    "CATEGORIES",
    "DEFAULT_POLICY",
    "MODES",
    "SUBCATEGORIES",
    "Assessment",
    "Decision",
    "Match",
    "Policies",
    "Reason",
    "Rule",
    "RuleError",
    "RuleSetError",
    "Ruleset",
    "fold",
    "load_policies",
    "load_ruleset",
]
