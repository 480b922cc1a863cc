"""The rules admin API: GET /v1/rules, POST /v1/rules/reload, POST /v1/rules/test, and shadow rules in decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from test_hot_reload import PROFANITY, PROFANITY_TYPO, SHADOW_RULE, THREATS, write_rules
from testkit import bearer

from moderation import create_app
from moderation.engine import RuleSetError
from moderation.engine.yamlsource import MAX_YAML_CHARS, MAX_YAML_DEPTH


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return write_rules(tmp_path / "rules", threats=THREATS + SHADOW_RULE)


@pytest.fixture
def app_config(app_config: dict[str, object], rules_dir: Path) -> dict[str, object]:
    return {**app_config, "RULES_DIR": str(rules_dir)}


def logged(app: Flask) -> int:
    with app.extensions["moderation.db"].connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM decisions")).scalar_one())


def admin_post(client: FlaskClient, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body, headers=bearer("admin"))


# --- who may call ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("get", "/v1/rules", None), ("post", "/v1/rules/reload", {}), ("post", "/v1/rules/test", {"text": "hello"})],
)
def test_rules_endpoints_need_an_admin_key(client: FlaskClient, method: str, path: str, body: Any) -> None:
    call = getattr(client, method)
    assert call(path, json=body).status_code == 401
    assert call(path, json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    for role in ("submit", "moderate"):
        response = call(path, json=body, headers=bearer(role))
        assert response.status_code == 403
        assert set(response.get_json()) == {"code", "status", "message", "errors"}


# --- GET /v1/rules --------------------------------------------------------------------------------


def test_get_rules_lists_the_live_ruleset(client: FlaskClient, rules_dir: Path) -> None:
    response = client.get("/v1/rules", headers=bearer("admin"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["directory"] == str(rules_dir)
    assert sorted(body["files"]) == ["profanity.yml", "threats.yml"]
    rules = {rule["id"]: rule for rule in body["rules"]}
    assert rules["threats/kill-you"] == {
        "id": "threats/kill-you",
        "category": "threat",
        "subcategory": None,
        "mode": "enforce",
        "score": 1.0,
        "message": "Threat to kill",
        "file": "threats.yml",
        "line": 3,
        "examples": 2,
    }
    assert rules["threats/fruit"]["mode"] == "shadow"
    assert body["load_error"] is None
    assert body["process"]["watching"] is False
    health = client.get("/v1/health").get_json()
    assert health["ruleset"] == body["version"]


# --- POST /v1/rules/reload ------------------------------------------------------------------------


def test_reload_swaps_in_the_new_version(client: FlaskClient, rules_dir: Path) -> None:
    old = client.get("/v1/rules", headers=bearer("admin")).get_json()["version"]
    unchanged = admin_post(client, "/v1/rules/reload", {}).get_json()
    assert unchanged == {"version": old, "previous": old, "changed": False, "rules": 3}

    (rules_dir / "profanity.yml").write_text(PROFANITY.replace("[fuck, shit]", "[fuck, shit, bollocks]"), encoding="utf-8")
    response = admin_post(client, "/v1/rules/reload", {})
    assert response.status_code == 200
    body = response.get_json()
    assert body["changed"] is True and body["previous"] == old and body["version"] != old
    decision = client.post("/v1/comments", json={"text": "bollocks"}, headers=bearer("submit")).get_json()
    assert decision["decision"] == "reject"
    assert decision["ruleset"] == body["version"]


def test_refused_reload_keeps_the_old_version_and_shows_the_error(client: FlaskClient, rules_dir: Path) -> None:
    old = client.get("/v1/rules", headers=bearer("admin")).get_json()["version"]
    (rules_dir / "profanity.yml").write_text(PROFANITY_TYPO, encoding="utf-8")

    response = admin_post(client, "/v1/rules/reload", {})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert old in body["message"]
    assert {"file": "profanity.yml", "line": 4, "rule": "profanity/swear", "message": "mesage: unknown key"} in body["errors"]["rules"]

    rules = client.get("/v1/rules", headers=bearer("admin")).get_json()
    assert rules["version"] == old
    assert rules["load_error"]["errors"] == body["errors"]["rules"]
    health = client.get("/v1/health").get_json()
    assert health["status"] == "degraded"
    assert "profanity.yml:4 [profanity/swear]: mesage: unknown key" in health["rules_error"]
    decision = client.post("/v1/comments", json={"text": "what the fuck"}, headers=bearer("submit")).get_json()
    assert decision["decision"] == "reject" and decision["ruleset"] == old

    (rules_dir / "profanity.yml").write_text(PROFANITY, encoding="utf-8")
    assert admin_post(client, "/v1/rules/reload", {}).status_code == 200
    assert client.get("/v1/rules", headers=bearer("admin")).get_json()["load_error"] is None
    assert client.get("/v1/health").get_json()["rules_error"] is None


def test_live_rules_nested_too_deep_are_a_located_error_at_reload_and_at_start(
    client: FlaskClient, rules_dir: Path, app_config: dict[str, object]
) -> None:
    old = client.get("/v1/rules", headers=bearer("admin")).get_json()["version"]
    (rules_dir / "deep.yml").write_text("[" * 20_000 + "]" * 20_000, encoding="utf-8")
    response = admin_post(client, "/v1/rules/reload", {})
    assert response.status_code == 422
    assert [(e["file"], e["line"]) for e in response.get_json()["errors"]["rules"]] == [("deep.yml", 1)]
    assert client.get("/v1/rules", headers=bearer("admin")).get_json()["version"] == old
    # A restart reports it like any other rule error.
    with pytest.raises(RuleSetError, match=r"deep\.yml:1: YAML nested deeper"):
        create_app(app_config)


def test_reload_needs_a_json_body(client: FlaskClient) -> None:
    response = client.post("/v1/rules/reload", headers=bearer("admin"))
    assert response.status_code == 415
    assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_reload_refuses_unknown_fields(client: FlaskClient) -> None:
    response = admin_post(client, "/v1/rules/reload", {"force": True})
    assert response.status_code == 422
    assert "force" in response.get_json()["errors"]


# --- POST /v1/rules/test --------------------------------------------------------------------------


def test_rule_test_explains_without_logging(app: Flask, client: FlaskClient) -> None:
    response = admin_post(client, "/v1/rules/test", {"text": "I will kill you, pineapple"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["decision"] == "reject"
    assert body["categories"] == ["threat"]
    assert "normalized" not in body  # no API response carries a modified version of the text
    hits = {hit["rule"]: hit for hit in body["hits"]}
    assert hits["threats/kill-you"]["decides"] is True
    assert hits["threats/kill-you"]["matches"] == [{"start": 0, "end": 15, "text": "I will kill you"}]
    assert hits["threats/fruit"]["mode"] == "shadow" and hits["threats/fruit"]["decides"] is False
    assert {"category": "threat", "score": 1.0, "threshold": 1.0, "rejects": True} in body["scores"]
    assert body["candidate"] == []
    assert logged(app) == 0


def test_rule_test_with_candidate_files(app: Flask, client: FlaskClient, rules_dir: Path) -> None:
    candidate = PROFANITY.replace("[fuck, shit]", "[fuck, shit, bollocks]")
    body = admin_post(client, "/v1/rules/test", {"text": "bollocks", "rules": {"profanity.yml": candidate}}).get_json()
    assert body["decision"] == "reject"
    assert body["candidate"] == ["profanity.yml"]
    assert body["ruleset"] != client.get("/v1/rules", headers=bearer("admin")).get_json()["version"]
    # The live rules and their files are untouched.
    assert admin_post(client, "/v1/rules/test", {"text": "bollocks"}).get_json()["decision"] == "approve"
    assert (rules_dir / "profanity.yml").read_text(encoding="utf-8") == PROFANITY
    # A new lexicon file and a removed rule file.
    threats = THREATS.replace('"i will hurt you"', '"i will {fruit} you"')
    lexicon = {"lexicons/fruit.yml": "fruit: [mango, papaya]\n", "threats.yml": threats}
    body = admin_post(client, "/v1/rules/test", {"text": "I will mango you", "rules": lexicon}).get_json()
    assert body["decision"] == "reject"
    body = admin_post(client, "/v1/rules/test", {"text": "I will kill you", "rules": {"threats.yml": None}}).get_json()
    assert body["decision"] == "approve"
    assert logged(app) == 0


def test_rule_test_reports_every_error_of_bad_candidates(client: FlaskClient) -> None:
    files = {"profanity.yml": PROFANITY_TYPO, "threats.yml": "category: threat\nrules:\n  - id: x\n    message: [unclosed\n"}
    response = admin_post(client, "/v1/rules/test", {"text": "hello", "rules": files})
    assert response.status_code == 422
    errors = response.get_json()["errors"]["rules"]
    assert {"file": "profanity.yml", "line": 4, "rule": "profanity/swear", "message": "mesage: unknown key"} in errors
    assert any(error["file"] == "threats.yml" and error["line"] and "YAML syntax error" in error["message"] for error in errors)


def test_rule_test_checks_candidate_examples_unless_asked_not_to(client: FlaskClient) -> None:
    failing = PROFANITY.replace('approve: ["Scunthorpe United won"]', 'approve: ["what the shit"]')
    response = admin_post(client, "/v1/rules/test", {"text": "shit", "rules": {"profanity.yml": failing}})
    assert response.status_code == 422
    assert "example to approve fires the rule" in response.get_json()["errors"]["rules"][0]["message"]
    response = admin_post(client, "/v1/rules/test", {"text": "shit", "rules": {"profanity.yml": failing}, "check_examples": False})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "../threats.yml",
        "/etc/passwd.yml",
        "lexicons/../../x.yml",
        "a/b.yml",
        "threats.txt",
        ".hidden.yml",
        "lexicons/",
        "x" * 70 + ".yml",
        "x.yml\n",
        "lexicons/x.yml\n",
    ],
)
def test_rule_test_refuses_file_names_outside_the_directory(client: FlaskClient, name: str, tmp_path: Path) -> None:
    response = admin_post(client, "/v1/rules/test", {"text": "hello", "rules": {name: "category: threat\n"}})
    assert response.status_code == 422
    assert "rules" in response.get_json()["errors"]
    assert not (tmp_path.parent / "x.yml").exists()


def test_rule_test_refuses_yaml_aliases(client: FlaskClient) -> None:
    bomb = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
    response = admin_post(client, "/v1/rules/test", {"text": "hello", "rules": {"lexicons/bomb.yml": bomb}})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]["rules"]
    assert (error["file"], error["line"]) == ("lexicons/bomb.yml", 2)
    assert "aliases" in error["message"]


def test_rule_test_refuses_yaml_nested_20000_deep_at_its_line(client: FlaskClient) -> None:
    deep = "category: threat\nrules:\n  - " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n"
    response = admin_post(client, "/v1/rules/test", {"text": "hello", "rules": {"threats.yml": deep}})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]["rules"]
    assert (error["file"], error["line"]) == ("threats.yml", 3)
    assert f"deeper than {MAX_YAML_DEPTH} levels" in error["message"]


def test_rule_test_size_budget_of_a_candidate_file(client: FlaskClient) -> None:
    def padded(size: int) -> str:
        return THREATS + "#" + "x" * (size - len(THREATS) - 2) + "\n"

    text = {"text": "I will kill you"}
    assert admin_post(client, "/v1/rules/test", {**text, "rules": {"threats.yml": padded(MAX_YAML_CHARS)}}).status_code == 200
    response = admin_post(client, "/v1/rules/test", {**text, "rules": {"threats.yml": padded(MAX_YAML_CHARS + 1)}})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]["rules"]
    assert error["file"] == "threats.yml" and f"{MAX_YAML_CHARS + 1:,} characters" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": ""},
        {"text": "   "},
        {"text": 5},
        {"text": "a\x00b"},
        {"text": "x" * 20_001},
        {"text": "hi", "rules": ["threats.yml"]},
        {"text": "hi", "rules": {"threats.yml": 3}},
        {"text": "hi", "rules": {f"f{i}.yml": "x" for i in range(51)}},
        {"text": "hi", "rules": {"a.yml": "x" * 300_000}},
        {"text": "hi", "unknown": 1},
    ],
)
def test_rule_test_bad_input_is_a_4xx_in_the_contract_shape(client: FlaskClient, body: dict[str, Any]) -> None:
    response = admin_post(client, "/v1/rules/test", body)
    assert 400 <= response.status_code < 500
    assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_rule_test_total_candidate_size_is_limited(client: FlaskClient) -> None:
    files = {f"f{i}.yml": "#" * 200_000 for i in range(3)}
    response = admin_post(client, "/v1/rules/test", {"text": "hi", "rules": files})
    assert response.status_code in (413, 422)


# --- shadow mode ----------------------------------------------------------------------------------


def test_shadow_rule_is_recorded_but_never_decides(client: FlaskClient) -> None:
    approved = client.post("/v1/comments", json={"text": "pineapple on pizza"}, headers=bearer("submit")).get_json()
    assert approved["decision"] == "approve"
    assert approved["categories"] == []
    assert [(r["rule"], r["mode"]) for r in approved["reasons"]] == [("threats/fruit", "shadow")]
    assert approved["reasons"][0]["matches"] == [{"start": 0, "end": 9, "text": "pineapple"}]

    rejected = client.post("/v1/comments", json={"text": "I will kill you, pineapple"}, headers=bearer("submit")).get_json()
    assert rejected["decision"] == "reject"
    assert rejected["categories"] == ["threat"]
    assert {(r["rule"], r["mode"]) for r in rejected["reasons"]} == {("threats/kill-you", "enforce"), ("threats/fruit", "shadow")}


def test_shadow_rule_with_a_high_score_still_never_decides(client: FlaskClient, rules_dir: Path) -> None:
    (rules_dir / "threats.yml").write_text(THREATS + SHADOW_RULE.replace("mode: shadow", "mode: shadow\n    score: 50"), encoding="utf-8")
    assert admin_post(client, "/v1/rules/reload", {}).status_code == 200
    body = client.post("/v1/comments", json={"text": "pineapple"}, headers=bearer("submit")).get_json()
    assert body["decision"] == "approve"
    assert body["reasons"][0]["mode"] == "shadow"


def test_rules_endpoints_are_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    assert {"/v1/rules", "/v1/rules/reload", "/v1/rules/test"} <= set(paths)
