"""What several test packages share: the test API keys, their headers, issue 16's example overlays (as `testkit`).

conftest.py cannot be imported for this: `import conftest` gets whichever conftest.py pytest
loaded last (tests/engine, tests/storage and tests/lexicons have their own). setup.cfg puts
tests/ on the path, so every test module imports this one by name.
"""

from __future__ import annotations

KEYS = {"submit": "submit-key-123", "moderate": "moderate-key-456", "admin": "admin-key-789"}


def bearer(role: str) -> dict[str, str]:
    """Authorization header for the test key of a role."""
    return {"Authorization": f"Bearer {KEYS[role]}"}


# The two site overlays of issue 16: a sports section that tolerates swearing, children's pages that do not.
SPORT_OVERLAY = "disable: [profanity]\n"
KIDS_OVERLAY = """\
rules:
  - id: mild-words
    category: profanity
    message: Mild words are not for the children's pages
    words: [darn, heck]
    examples:
      reject: ["darn it, we lost"]
      approve: ["a fine day at the zoo"]
"""
