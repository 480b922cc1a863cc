"""`moderation rules check|test|explain|replay`: output, --json, exit codes and bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from test_hot_reload import PROFANITY, PROFANITY_TYPO, SHADOW_RULE, THREATS, write_rules
from testkit import bearer

from moderation.cli import main
from moderation.cli.rules_load import hint
from moderation.cli.rules_replay import replay
from moderation.engine import RuleError, load_ruleset
from moderation.engine.errors import ErrorKind


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return write_rules(tmp_path / "rules")


@pytest.fixture
def app_config(app_config: dict[str, object], rules_dir: Path) -> dict[str, object]:
    return {**app_config, "RULES_DIR": str(rules_dir)}


def run(runner: FlaskCliRunner, *args: str, stdin: str | None = None) -> Any:
    return runner.invoke(args=["rules", *args], input=stdin)


# --- rules check ----------------------------------------------------------------------------------


def test_check_reports_a_typo_with_its_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = write_rules(tmp_path / "broken", profanity=PROFANITY_TYPO)
    result = run(runner, "check", str(broken))
    assert result.exit_code == 1
    assert "profanity.yml:4 [profanity/swear]: mesage: unknown key\n    -> did you mean `message`?" in result.output
    assert "profanity.yml:3 [profanity/swear]: message: Missing data for required field.\n    -> add `message:`" in result.output
    assert "2 error(s) in" in result.output
    data = json.loads(run(runner, "check", str(broken), "--json").output)
    assert data["ok"] is False
    assert {
        "file": "profanity.yml",
        "line": 4,
        "rule": "profanity/swear",
        "message": "mesage: unknown key",
        "hint": "did you mean `message`?",
    } in data["errors"]


@pytest.mark.parametrize(
    ("message", "kind", "key", "advice"),
    [
        ("templtes: unknown key", ErrorKind.UNKNOWN_KEY, "templtes", "did you mean `templates`?"),
        ("examples.rejct: unknown key", ErrorKind.UNKNOWN_KEY, "examples.rejct", "did you mean `reject`?"),
        ("zzzzzz: unknown key", ErrorKind.UNKNOWN_KEY, "zzzzzz", "remove it"),
        ("example to approve fires the rule: 'x'", ErrorKind.EXAMPLE_FIRED, None, "`unless:`"),
        ("example to reject does not fire the rule: 'x'", ErrorKind.EXAMPLE_NOT_FIRED, None, "widen the rule"),
        ("YAML syntax error: expected ',' or ']'", ErrorKind.YAML_SYNTAX, None, "indentation"),
        ("templates: unknown lexicon {foo}", ErrorKind.UNKNOWN_LEXICON, None, "lexicons/"),
        ("mode: Must be one of: enforce, shadow.", ErrorKind.BAD_VALUE, "mode", None),
    ],
)
def test_load_errors_come_with_what_to_do(message: str, kind: ErrorKind, key: str | None, advice: str | None) -> None:
    found = hint(RuleError(message, "x.yml", 1, "x/y", kind, key))
    assert found == advice if advice is None else advice in (found or "")


def test_commands_work_while_the_configured_rules_are_broken(tmp_path: Path) -> None:
    """`moderation rules check` is what an admin runs when the live files are broken, so the CLI must start."""
    broken = write_rules(tmp_path / "broken", profanity=PROFANITY_TYPO)
    env = {"MODERATION_RULES_DIR": str(broken), "MODERATION_INSTANCE_PATH": str(tmp_path / "instance")}
    result = CliRunner().invoke(main, ["rules", "check"], env=env)
    assert result.exit_code == 1
    assert "profanity.yml:4" in result.output
    assert "Traceback" not in result.output
    fixed = write_rules(tmp_path / "fixed")
    result = CliRunner().invoke(main, ["rules", "explain", "--rules", str(fixed), "what the fuck"], env=env)
    assert result.exit_code == 0, result.output
    assert "REJECT" in result.output


# --- rules test -----------------------------------------------------------------------------------


def test_test_passes_on_good_rules(runner: FlaskCliRunner, rules_dir: Path) -> None:
    result = run(runner, "test")
    assert result.exit_code == 0, result.output
    assert f"{rules_dir}: 2 rules, 4 examples: all pass" in result.output
    data = json.loads(run(runner, "test", "--json").output)
    assert data["ok"] is True and data["examples"] == 4 and data["failures"] == []


def test_test_reports_every_failure_by_rule(runner: FlaskCliRunner, tmp_path: Path) -> None:
    threats = THREATS.replace('approve: ["I would kill for a coffee"]', 'approve: ["I would kill for a coffee", "I will kill you now"]')
    profanity = PROFANITY.replace('reject: ["what the fuck"]', 'reject: ["what the fuck", "what the heck", "oh bother"]')
    directory = write_rules(tmp_path / "failing", profanity=profanity, threats=threats)
    result = run(runner, "test", str(directory), "--no-color")
    assert result.exit_code == 1
    assert "FAIL threats/kill-you  (threats.yml:3)" in result.output
    assert "should approve, but the rule fires on:      [I will kill you] now" in result.output
    assert "FAIL profanity/swear  (profanity.yml:3)" in result.output
    assert "should reject, but the rule does not fire:  'what the heck'" in result.output
    assert "should reject, but the rule does not fire:  'oh bother'" in result.output
    assert "3 failed in 2 rule(s)" in result.output

    data = json.loads(run(runner, "test", str(directory), "--json").output)
    assert data["ok"] is False and data["failed"] == 3
    by_rule = {entry["rule"]: entry for entry in data["failures"]}
    assert by_rule["threats/kill-you"]["failures"] == [
        {
            "expected": "approve",
            "text": "I will kill you now",
            "problem": "the rule fires",
            "matches": [{"start": 0, "end": 15, "text": "I will kill you"}],
        }
    ]
    assert [f["text"] for f in by_rule["profanity/swear"]["failures"]] == ["what the heck", "oh bother"]


def test_test_exits_1_when_the_files_do_not_load(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = write_rules(tmp_path / "broken", profanity=PROFANITY_TYPO)
    result = run(runner, "test", str(broken))
    assert result.exit_code == 1
    assert "profanity.yml:4" in result.output
    assert json.loads(run(runner, "test", str(broken), "--json").output)["ok"] is False
    assert run(runner, "test", str(tmp_path / "missing")).exit_code == 1


# --- rules explain --------------------------------------------------------------------------------


def test_explain_shows_hits_spans_scores_and_decision(runner: FlaskCliRunner, tmp_path: Path) -> None:
    directory = write_rules(tmp_path / "shadowed", threats=THREATS + SHADOW_RULE)
    result = run(runner, "explain", "--rules", str(directory), "--no-color", "Well, I WILL kill you. Pineapple pizza")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Text        Well, [I WILL kill you]. Pineapple pizza" in lines
    assert "Normalised  well, i will kill you. pineapple pizza" in lines
    assert any(line.split()[:5] == ["threats/kill-you", "threat", "enforce", "score", "1"] and "decides" in line for line in lines)
    assert any("threats/fruit" in line and "shadow: never decides" in line for line in lines)
    assert "      Well, I WILL kill you. [Pineapple] pizza" in lines
    assert "  threat           1 of threshold 1  -> reject" in lines
    assert lines[-1] == "Decision    REJECT  (threat)"


def test_explain_json_is_the_api_explanation(runner: FlaskCliRunner, client: FlaskClient, rules_dir: Path) -> None:
    result = run(runner, "explain", "--json", "what the fuck")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data.pop("directory") == str(rules_dir)
    # The CLI also shows the normalised text; the API leaves it out (no response carries a modified text).
    assert data.pop("normalized") == "what the fuck"
    api = client.post("/v1/rules/test", json={"text": "what the fuck"}, headers=bearer("admin")).get_json()
    assert api.pop("candidate") == []
    assert data == api
    assert data["decision"] == "reject"
    assert data["hits"][0]["matches"] == [{"start": 9, "end": 13, "text": "fuck"}]


def test_explain_reads_stdin_and_approves(runner: FlaskCliRunner) -> None:
    result = run(runner, "explain", "--json", "-", stdin="A calm and kind comment\n")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["decision"] == "approve" and data["hits"] == [] and data["normalized"] == "a calm and kind comment"
    text = run(runner, "explain", "-", stdin="A calm and kind comment\n")
    assert "No rule fired." in text.output
    assert text.output.splitlines()[-1] == "Decision    APPROVE"


def test_explain_highlights_in_colour_and_excerpts_long_texts(runner: FlaskCliRunner) -> None:
    long_text = "word " * 100 + "what the fuck " + "word " * 100
    result = run(runner, "explain", "--color", long_text)
    assert result.exit_code == 0
    assert "\x1b[" in result.output
    plain = run(runner, "explain", "--no-color", long_text).output
    text_line = next(line for line in plain.splitlines() if line.startswith("Text"))
    assert text_line.startswith("Text        …") and text_line.endswith("…")
    assert "word what the [fuck] word" in text_line
    assert "\x1b[" not in plain


@pytest.mark.parametrize("args", [["explain"], ["explain", ""], ["explain", "   "], ["explain", "--rules"]])
def test_explain_bad_input(runner: FlaskCliRunner, args: list[str]) -> None:
    result = runner.invoke(args=["rules", *args])
    assert result.exit_code == 2


def test_explain_with_broken_rules_lists_the_errors(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = write_rules(tmp_path / "broken", profanity=PROFANITY_TYPO)
    result = run(runner, "explain", "--rules", str(broken), "hello")
    assert result.exit_code == 1
    assert "profanity.yml:4" in result.output


# --- rules replay ---------------------------------------------------------------------------------

LOGGED = ["I will kill you", "I will hurt you", "what the fuck", "bollocks to that", "pineapple", "hello there", "nice article"]


@pytest.fixture
def logged(client: FlaskClient) -> list[dict[str, Any]]:
    """Comments decided and logged by the live rules, through the API as a site would send them."""
    answers = []
    for text in LOGGED:
        response = client.post("/v1/comments", json={"text": text}, headers=bearer("submit"))
        assert response.status_code == 200
        answers.append(response.get_json())
    return answers


@pytest.fixture
def candidate(tmp_path: Path) -> Path:
    """Candidate: "hurt" no longer a threat, "bollocks" now profanity, and a shadow rule on trial."""
    threats = THREATS.replace('phrases: ["i will kill you", "i will hurt you"]', 'phrases: ["i will kill you"]') + SHADOW_RULE
    profanity = PROFANITY.replace("[fuck, shit]", "[fuck, shit, bollocks]")
    return write_rules(tmp_path / "candidate", profanity=profanity, threats=threats)


def test_replay_counts_the_changes(runner: FlaskCliRunner, logged: list[dict[str, Any]], candidate: Path) -> None:
    result = run(runner, "replay", "--candidate", str(candidate), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["replayed"] == len(LOGGED)
    assert data["changed"] == 2
    assert data["logged_rulesets"] == {logged[0]["ruleset"]: len(LOGGED)}
    rejected, approved = data["newly_rejected"], data["newly_approved"]
    assert rejected["count"] == 1
    assert rejected["categories"] == {"profanity": 1} and rejected["rules"] == {"profanity/swear": 1}
    assert rejected["examples"][0]["text"] == "bollocks to that"
    assert rejected["examples"][0]["candidate"]["matches"] == [[0, 8]]
    assert approved["count"] == 1
    assert approved["categories"] == {"threat": 1} and approved["rules"] == {"threats/kill-you": 1}
    assert approved["examples"][0]["id"] == logged[1]["decision_id"]
    assert approved["examples"][0]["logged"]["decision"] == "reject"
    assert data["shadow"] == {"threats/fruit": {"hits": 1, "on_approved": 1}}


def test_replay_readable_output(runner: FlaskCliRunner, logged: list[dict[str, Any]], candidate: Path) -> None:
    result = run(runner, "replay", "--candidate", str(candidate), "--no-color")
    assert result.exit_code == 0, result.output
    assert f"Replayed {len(LOGGED)} logged comments with {candidate}" in result.output
    assert "Changed decisions: 2 of 7 (28.6%)" in result.output
    assert "  newly rejected: 1" in result.output
    assert "    by rule:      profanity/swear 1" in result.output
    assert "      [bollocks] to that" in result.output
    assert "  newly approved: 1" in result.output
    assert "      [I will hurt you]" in result.output
    assert "threats/fruit" in result.output and "fires on 1 comment, 1 of them approved" in result.output


def test_replay_limit_and_since(runner: FlaskCliRunner, logged: list[dict[str, Any]], candidate: Path) -> None:
    newest = json.loads(run(runner, "replay", "--candidate", str(candidate), "--limit", "2", "--json").output)
    assert newest["replayed"] == 2 and newest["changed"] == 0  # "nice article" and "hello there"
    future = json.loads(run(runner, "replay", "--candidate", str(candidate), "--since", "2999-01-01", "--json").output)
    assert future["replayed"] == 0
    recent = json.loads(run(runner, "replay", "--candidate", str(candidate), "--since", "1h", "--json").output)
    assert recent["replayed"] == len(LOGGED)
    empty = run(runner, "replay", "--candidate", str(candidate), "--since", "2999-01-01")
    assert "Replayed 0 logged comments (since 2999-01-01 00:00 UTC) with" in empty.output


def test_replay_counts_reviewed_decisions(
    runner: FlaskCliRunner, client: FlaskClient, logged: list[dict[str, Any]], candidate: Path
) -> None:
    review = client.post(f"/v1/decisions/{logged[1]['decision_id']}/review", json={"verdict": "overturn"}, headers=bearer("moderate"))
    if review.status_code == 404:
        pytest.skip("the decision log has no review endpoint")
    assert review.status_code == 200, review.get_json()
    data = json.loads(run(runner, "replay", "--candidate", str(candidate), "--json").output)
    assert data["reviews_known"] is True
    assert data["newly_approved"]["reviewed"] == {"upheld": 0, "overturned": 1}
    assert data["newly_rejected"]["reviewed"] == {"upheld": 0, "overturned": 0}


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--candidate"],
        ["--candidate", "DIR", "--since", "yesterday"],
        ["--candidate", "DIR", "--limit", "0"],
        ["--candidate", "DIR", "--limit", "many"],
    ],
)
def test_replay_bad_options(runner: FlaskCliRunner, candidate: Path, args: list[str]) -> None:
    result = run(runner, "replay", *[str(candidate) if arg == "DIR" else arg for arg in args])
    assert result.exit_code == 2


def test_replay_refuses_a_broken_candidate(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = write_rules(tmp_path / "broken", profanity=PROFANITY_TYPO)
    result = run(runner, "replay", "--candidate", str(broken))
    assert result.exit_code == 1
    assert "profanity.yml:4" in result.output
    data = json.loads(run(runner, "replay", "--candidate", str(broken), "--json").output)
    assert data["ok"] is False


def test_commands_have_help(runner: FlaskCliRunner, app: Flask) -> None:
    for command in ("check", "test", "explain", "replay"):
        result = run(runner, command, "--help")
        assert result.exit_code == 0
        assert "--json" in result.output


def test_replay_streams_rows_and_shows_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """replay() consumes an iterator row by row (the log is never loaded whole) and reports progress on stderr."""
    ruleset = load_ruleset(write_rules(tmp_path / "rules"))
    seen = []

    def rows() -> Iterator[SimpleNamespace]:
        for number in range(1200):
            seen.append(number)
            yield SimpleNamespace(
                id=f"id{number}",
                created_at=datetime(2026, 11, 28, tzinfo=UTC),
                text="what the fuck" if number % 2 else "hello",
                decision="approve",
                categories=[],
                reasons="[]",  # raw JSON text, as a plain TEXT column would return it
                ruleset="old",
                review_status="unreviewed",
            )

    result = replay(rows(), ruleset, reviews_known=True, examples=2, progress=True)
    assert len(seen) == result.replayed == 1200
    assert result.newly_rejected.count == 600
    assert len(result.newly_rejected.examples) == 2
    assert "replayed 1000 comments" in capsys.readouterr().err
