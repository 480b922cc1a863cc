"""Candidate rule files compile in a child process under time and memory limits and are not kept."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_hot_reload import THREATS, write_rules
from testkit import bearer

from moderation import create_app
from moderation.engine import cache
from moderation.rulebook import candidates

EXTRA = "category: profanity\nrules:\n  - id: bollocks\n    message: m\n    words: [bollocks]\n    examples:\n      reject: [bollocks]\n"


def exploding_lexicon() -> dict[str, str]:
    """1.3 KB that expands to 16 million phrases: 20 words, four of them in a row, then 100 endings."""
    words = "l0: [" + ", ".join(f"w{i:02d}" for i in range(20)) + "]\n"
    four = 'l1: ["{l0} {l0} {l0} {l0}"]\n'
    endings = "l2: [" + ", ".join(f'"{{l1}} z{i}"' for i in range(100)) + "]\n"
    rule = "category: threat\nrules:\n  - id: bomb\n    message: m\n    templates: ['{l2}']\n"
    rule += "    examples: {reject: ['w19 w00 w07 w03 z99']}\n"
    return {"lexicons/bomb.yml": words + four + endings, "bomb.yml": rule}


def hundred_long_patterns() -> dict[str, str]:
    rule = "  - id: p{0}\n    message: m\n    patterns: ['[a-z]{{900}}']\n    examples:\n      reject: ['{1}']\n"
    return {"patterns.yml": "category: profanity\nrules:\n" + "".join(rule.format(i, "x" * 900) for i in range(100))}


def app_with(app_config: dict[str, object], rules_dir: Path | None, **config: object) -> Flask:
    directory = {"RULES_DIR": str(rules_dir)} if rules_dir else {}
    return create_app({**app_config, **directory, **config})


def try_rules(client: FlaskClient, files: dict[str, str | None], text: str = "bollocks") -> Any:
    return client.post("/v1/rules/test", json={"text": text, "rules": files}, headers=bearer("admin"))


def refused_for(response: Any) -> str:
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    (error,) = body["errors"]["rules"]
    assert error["message"] == body["message"]
    return str(body["message"])


@pytest.fixture
def small_rules(tmp_path: Path) -> Path:
    return write_rules(tmp_path / "rules", threats=THREATS)


def test_a_candidate_over_the_default_rules_fits_the_default_memory_limit(app_config: dict[str, object]) -> None:
    # The default rules are the live ones here: the sandbox must hold a whole real ruleset and more.
    client = app_with(app_config, None, RULES_TEST_SECONDS=120).test_client()
    response = try_rules(client, {"bollocks-test.yml": EXTRA})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert "bollocks-test/bollocks" in {hit["rule"] for hit in body["hits"]}
    assert body["candidate"] == ["bollocks-test.yml"]


def test_the_exploding_lexicon_is_decided_and_the_worker_does_not_grow(app_config: dict[str, object], small_rules: Path) -> None:
    client = app_with(app_config, small_rules).test_client()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = try_rules(client, exploding_lexicon(), text="w00 w01 w02 w03 z7")
    # Lexicon slots are never multiplied out: the candidate compiles to a few parts and is tried.
    assert response.status_code == 200, response.get_json()
    assert "bomb/bomb" in {hit["rule"] for hit in response.get_json()["hits"]}
    # Multiplied out in this process it took gigabytes; the high-water mark of this process stays put.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024


def test_a_candidate_needing_more_than_the_memory_limit_is_refused_naming_it(app_config: dict[str, object], small_rules: Path) -> None:
    # A small ruleset needs about 100 MiB of address space in the child: 64 MiB is too little.
    client = app_with(app_config, small_rules, RULES_TEST_MEMORY_MB=64).test_client()
    assert "memory budget of a rule test (64 MiB)" in refused_for(try_rules(client, {"extra.yml": EXTRA}))


def test_a_candidate_taking_longer_than_the_time_limit_is_refused_naming_it(
    app_config: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    # Compiling the default rules and their examples takes seconds of CPU: the child is killed
    # mid-way, after it has copied them into its scratch directory.
    client = app_with(app_config, None, RULES_TEST_SECONDS=1).test_client()
    assert "time budget of a rule test (1 s of CPU, 2 s in all)" in refused_for(try_rules(client, {"extra.yml": EXTRA}))
    assert list(scratch.iterdir()) == []  # and its files are gone


def test_the_child_limits_its_own_cpu_time() -> None:
    spin = "from moderation.rulebook.candidates import _limit_self\n_limit_self(1, 4096)\nwhile True: pass\n"
    completed = subprocess.run([sys.executable, "-c", spin], capture_output=True, timeout=60, check=False)
    assert completed.returncode == -signal.SIGXCPU
    limits = candidates.SandboxLimits(seconds=1, memory_mb=4096)
    with pytest.raises(candidates.SandboxLimitError) as raised:
        candidates._answer(subprocess.CompletedProcess([], completed.returncode, "", ""), limits)
    assert raised.value.budget == "time"


def test_candidates_are_not_kept_in_the_worker(app_config: dict[str, object], small_rules: Path) -> None:
    client = app_with(app_config, small_rules).test_client()
    compiled = dict(cache._COMPILED)
    assert try_rules(client, {"extra.yml": EXTRA}).get_json()["decision"] == "reject"
    assert compiled == cache._COMPILED
    # The live rules are what they were.
    live = client.post("/v1/rules/test", json={"text": "bollocks"}, headers=bearer("admin")).get_json()
    assert live["decision"] == "approve"


def test_a_hundred_long_patterns_are_refused_by_the_pattern_budget(app_config: dict[str, object], small_rules: Path) -> None:
    client = app_with(app_config, small_rules).test_client()
    response = try_rules(client, hundred_long_patterns(), text="x" * 900)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["rules"]
    assert errors and all("patterns compile to more than 60000 instructions in all" in error["message"] for error in errors)
    assert all(error["file"] == "patterns.yml" and error["rule"] for error in errors)


def test_one_candidate_test_at_a_time_per_worker(app_config: dict[str, object], small_rules: Path) -> None:
    client = app_with(app_config, small_rules).test_client()
    assert candidates._ONE_AT_A_TIME.acquire(blocking=False)
    try:
        response = try_rules(client, {"extra.yml": EXTRA})
    finally:
        candidates._ONE_AT_A_TIME.release()
    assert response.status_code == 429
    assert set(response.get_json()) == {"code", "status", "message", "errors"}
    assert try_rules(client, {"extra.yml": EXTRA}).status_code == 200
