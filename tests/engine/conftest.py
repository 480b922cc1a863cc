"""Helpers for engine tests: write small rule directories into tmp_path and load them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from moderation.engine import RuleError, Ruleset, RuleSetError, load_ruleset

WriteRules = Callable[..., Path]


@pytest.fixture
def write_rules(tmp_path: Path) -> WriteRules:
    """write_rules({"a.yml": "...", "lexicons/x.yml": "..."}) writes a rule directory and returns it."""

    def write(files: dict[str, str | bytes], name: str = "rules") -> Path:
        directory = tmp_path / name
        for relative, content in files.items():
            path = directory / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        directory.mkdir(parents=True, exist_ok=True)
        return directory

    return write


@pytest.fixture
def build(write_rules: WriteRules) -> Callable[..., Ruleset]:
    """build({...}) writes a rule directory and loads it (examples checked)."""

    def load(files: dict[str, str | bytes], check_examples: bool = True) -> Ruleset:
        return load_ruleset(write_rules(files), check_examples=check_examples)

    return load


@pytest.fixture
def errors_of(write_rules: WriteRules) -> Callable[..., list[RuleError]]:
    """errors_of({...}) writes a broken rule directory and returns every error its loading reports."""

    def load(files: dict[str, str | bytes]) -> list[RuleError]:
        with pytest.raises(RuleSetError) as raised:
            load_ruleset(write_rules(files))
        return raised.value.errors

    return load
