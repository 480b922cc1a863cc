"""Decision records for the storage tests, shaped as the comment API logs them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any


def _root_conftest() -> Any:
    """The suite's top conftest, by path: `import conftest` means whichever conftest pytest loaded last."""
    name = "moderation_tests_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "conftest.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


KEYS: dict[str, str] = _root_conftest().KEYS
bearer = _root_conftest().bearer


def record(
    text_: str = "A comment",
    decision: str = "approve",
    reasons: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A decision record as the comment API logs it."""
    reasons = reasons or []
    categories = sorted({r["category"] for r in reasons if r["mode"] == "enforce"}) if decision == "reject" else []
    return {
        "source": "api",
        "site": None,
        "comment_id": None,
        "language": None,
        "text": text_,
        "author": None,
        "article": None,
        "decision": decision,
        "categories": categories,
        "reasons": reasons,
        "ruleset": "test",
        **fields,
    }


def reason(rule: str, category: str, mode: str = "enforce", subcategory: str | None = None) -> dict[str, Any]:
    """A reason as the engine reports it."""
    return {"rule": rule, "category": category, "subcategory": subcategory, "message": rule, "mode": mode, "matches": []}
