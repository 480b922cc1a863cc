"""Build hook: the default rules (rules/ at the top of the checkout) ship inside the wheel as moderation/rules.

rules/ stays the admin's editable copy in a checkout; an installed package finds the copy made
here when MODERATION_RULES_DIR is not set (moderation.config.default_rules_dir).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RULES = Path(__file__).resolve().parent / "rules"


class BuildWithRules(build_py):
    """build_py that also copies the rule files (YAML only) into the built package."""

    def run(self) -> None:
        """Build the package, then lay the rule directory into it."""
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from the checkout and reads rules/ itself
        target = Path(self.build_lib) / "moderation" / "rules"
        shutil.rmtree(target, ignore_errors=True)
        for path in sorted([*RULES.glob("*.y*ml"), *RULES.glob("lexicons/*.y*ml")]):
            destination = target / path.relative_to(RULES)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)


setup(cmdclass={"build_py": BuildWithRules})
