"""Sites in the tools: hot reload of one overlay, and --site of rules check/test/explain/replay and eval."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient, FlaskCliRunner
from testkit import KIDS_OVERLAY, SPORT_OVERLAY

from moderation.cli.evaluate import eval_command
from moderation.rulebook import RuleBook

SUBMIT = {"Authorization": "Bearer submit-key-123"}  # the submit key of tests/conftest.py's app_config

FILES = {
    "profanity.yml": """\
category: profanity
rules:
  - id: swear
    message: Profanity
    words: [fuck, shit]
    examples:
      reject: ["what the fuck"]
      approve: ["Scunthorpe United won"]
""",
    "threats.yml": """\
category: threat
rules:
  - id: kill-you
    message: Threat to kill
    phrases: ["i will kill you"]
    examples:
      reject: ["I will kill you"]
""",
    "sites/sport.yml": SPORT_OVERLAY,
    "sites/kids.yml": KIDS_OVERLAY,
}


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{path.name}.new")
        scratch.write_text(text, encoding="utf-8")
        os.replace(scratch, path)  # as careful editors save: a new inode, seen by the fingerprint
    return directory


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return write(tmp_path / "rules", FILES)


@pytest.fixture
def app_config(app_config: dict[str, object], rules_dir: Path) -> dict[str, object]:
    return {**app_config, "RULES_DIR": str(rules_dir)}


# --- hot reload -------------------------------------------------------------------------------------


def test_hot_reload_of_one_overlay_keeps_the_shared_ruleset(rules_dir: Path) -> None:
    book = RuleBook(str(rules_dir))
    shared, sport = book.current, book.policies.sites["sport"]
    assert book.for_site("kids").evaluate("gosh").decision == "approve"
    write(rules_dir, {"sites/kids.yml": FILES["sites/kids.yml"].replace("[darn, heck]", "[darn, heck, gosh]")})
    assert book.check_for_changes(settle=0)
    assert book.for_site("kids").evaluate("gosh").decision == "reject"
    assert book.current is shared and book.policies.sites["sport"] is sport  # only the changed overlay was compiled


def test_a_new_overlay_is_picked_up_and_a_broken_one_refused(rules_dir: Path) -> None:
    book = RuleBook(str(rules_dir))
    write(rules_dir, {"sites/music.yml": "disable: [threats/kill-you]\n"})
    assert book.check_for_changes(settle=0)
    assert book.for_site("music").evaluate("I will kill you").decision == "approve"
    live = book.policies
    write(rules_dir, {"sites/kids.yml": "disable:\n  - threats/kill-yu\n"})
    assert book.check_for_changes(settle=0)
    assert book.policies is live  # the last good rules stay live
    assert book.failure is not None
    assert [(error.file, error.line) for error in book.failure.error.errors] == [("sites/kids.yml", 2)]


def test_reload_endpoint_reports_an_overlay_error(client: FlaskClient, rules_dir: Path) -> None:
    write(rules_dir, {"sites/kids.yml": "disable: [swearing]\n"})
    response = client.post("/v1/rules/reload", json={}, headers={"Authorization": "Bearer admin-key-789"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["rules"][0]["file"] == "sites/kids.yml"


# --- rules check / test / explain ---------------------------------------------------------------------


def rules(runner: FlaskCliRunner, *args: str) -> Any:
    return runner.invoke(args=["rules", *args])


def test_check_validates_the_overlays_and_reports_a_site(runner: FlaskCliRunner, rules_dir: Path) -> None:
    result = rules(runner, "check", "--site", "kids", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["policy"] == "kids" and data["rules"] == 3
    assert rules(runner, "check", "--site", "nowhere").exit_code == 2
    write(rules_dir, {"sites/sport.yml": "disable: [profanity/swaer]\n"})
    broken = rules(runner, "check")
    assert broken.exit_code == 1
    assert "sites/sport.yml:1" in broken.output and "unknown rule id 'profanity/swaer'" in broken.output


def test_test_runs_the_examples_of_a_sites_rules(runner: FlaskCliRunner) -> None:
    result = rules(runner, "test", "--site", "kids", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["policy"], data["rules"], data["examples"]) == ("kids", 3, 5)
    sport = json.loads(rules(runner, "test", "--site", "sport", "--json").output)
    assert (sport["rules"], sport["examples"]) == (1, 1)


def test_explain_as_a_site(runner: FlaskCliRunner) -> None:
    kids = json.loads(rules(runner, "explain", "--site", "kids", "--json", "darn it").output)
    assert (kids["decision"], kids["policy"], [hit["rule"] for hit in kids["hits"]]) == ("reject", "kids", ["sites/kids/mild-words"])
    unknown = json.loads(rules(runner, "explain", "--site", "nowhere", "--json", "darn it").output)
    assert (unknown["decision"], unknown["policy"]) == ("approve", "default")
    text = rules(runner, "explain", "--site", "sport", "--no-color", "what the fuck").output
    assert "policy sport" in text and "APPROVE" in text


# --- replay and eval ----------------------------------------------------------------------------------


def test_replay_decides_each_comment_by_its_site(client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path) -> None:
    for text, site in [("darn it", "kids"), ("darn it", None), ("what the fuck", "sport"), ("what the fuck", "kids")]:
        assert client.post("/v1/comments", json={"text": text, **({"site": site} if site else {})}, headers=SUBMIT).status_code == 200
    candidate = write(
        tmp_path / "candidate", {**FILES, "sites/kids.yml": FILES["sites/kids.yml"].replace("words: [darn, heck]", "words: [heck]")}
    )
    candidate_kids = candidate / "sites/kids.yml"
    candidate_kids.write_text(candidate_kids.read_text().replace('reject: ["darn it, we lost"]', 'reject: ["heck"]'), encoding="utf-8")
    every = json.loads(rules(runner, "replay", "--candidate", str(candidate), "--json").output)
    assert (every["replayed"], every["changed"]) == (4, 1)
    assert every["newly_approved"]["rules"] == {"sites/kids/mild-words": 1}
    kids = json.loads(rules(runner, "replay", "--candidate", str(candidate), "--site", "kids", "--json").output)
    assert (kids["replayed"], kids["changed"], kids["candidate"]["policy"]) == (2, 1, "kids")
    sport = json.loads(rules(runner, "replay", "--candidate", str(candidate), "--site", "sport", "--json").output)
    assert (sport["replayed"], sport["changed"]) == (1, 0)


def test_eval_with_a_sites_policy(rules_dir: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "labelled.csv"
    csv_file.write_text("text,expected\ndarn it,reject\nwhat the fuck,reject\nnice game,approve\n", encoding="utf-8")

    def run(*args: str) -> dict[str, Any]:
        result = CliRunner().invoke(eval_command, [str(csv_file), "--rules", str(rules_dir), "--json", *args])
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.output)
        return data

    shared, kids, sport = run(), run("--site", "kids"), run("--site", "sport")
    assert (shared["policy"], kids["policy"], sport["policy"]) == ("default", "kids", "sport")
    assert [report["overall"]["tp"] for report in (shared, kids, sport)] == [1, 2, 0]
    missing = CliRunner().invoke(eval_command, [str(csv_file), "--rules", str(rules_dir), "--site", "nowhere"])
    assert missing.exit_code == 2 and "no overlay for site 'nowhere'" in missing.output
