"""Per-site policies through the service: the issue's two overlays on the default rules, the log, stats, Coral and Perspective."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text as sql
from testkit import KEYS, bearer
from testkit import KIDS_OVERLAY as KIDS
from testkit import SPORT_OVERLAY as SPORT

from moderation import create_app

CORAL_SECRET = "whsec_sites-test-secret"
DEFAULT_RULES = Path(__file__).resolve().parents[1] / "rules"


def sites_dir(root: Path, overlays: dict[str, str]) -> Path:
    """A copy of the default rules with these overlays under sites/ (the shipped rules have none)."""
    directory = root / "rules"
    shutil.copytree(DEFAULT_RULES, directory, ignore=shutil.ignore_patterns("sites"))
    (directory / "sites").mkdir()
    for name, text in overlays.items():
        (directory / "sites" / f"{name}.yml").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def site_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module, on the default rules with the issue's sport and kids overlays."""
    folder = tmp_path_factory.mktemp("sites")
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'log.sqlite3'}",
            "API_KEYS": ",".join(f"{role}:{key}" for role, key in KEYS.items()),
            "API_KEYS_FILE": str(folder / "api-keys"),
            "RULES_DIR": str(sites_dir(folder, {"sport": SPORT, "kids": KIDS})),
            "CORAL_SECRETS": CORAL_SECRET,
            "CORAL_SITES": "coral-site-7f3a=kids",
        }
    )
    yield application
    application.extensions["moderation.db"].dispose()


@pytest.fixture
def client(site_app: Flask) -> FlaskClient:
    return site_app.test_client()


def decide(client: FlaskClient, text: str, site: str | None = None) -> dict[str, Any]:
    body = {"text": text, **({"site": site} if site is not None else {})}
    response = client.post("/v1/comments", json=body, headers=bearer("submit"))
    assert response.status_code == 200, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer


def logged(app: Flask, decision_id: str) -> dict[str, Any]:
    with app.extensions["moderation.db"].connect() as connection:
        row = connection.execute(sql("SELECT site, policy, ruleset, reasons FROM decisions WHERE id = :id"), {"id": decision_id}).one()
    return dict(row._mapping)


@pytest.mark.parametrize(
    ("text", "site", "decision", "policy"),
    [
        ("What a load of shit", None, "reject", "default"),
        ("What a load of shit", "sport", "approve", "sport"),
        ("I will kill you", "sport", "reject", "sport"),
        ("darn it, we lost", "kids", "reject", "kids"),
        ("darn it, we lost", None, "approve", "default"),
        ("darn it, we lost", "sport", "approve", "sport"),
        ("darn it, we lost", "news-regional", "approve", "default"),
        ("What a load of shit", "kids", "reject", "kids"),
    ],
)
def test_the_site_picks_the_policy(client: FlaskClient, text: str, site: str | None, decision: str, policy: str) -> None:
    answer = decide(client, text, site)
    assert (answer["decision"], answer["policy"]) == (decision, policy)


def test_versions_cover_the_overlay_and_an_unknown_site_gets_the_shared_one(client: FlaskClient) -> None:
    shared = decide(client, "hello there")["ruleset"]
    assert decide(client, "hello there", "nowhere")["ruleset"] == shared
    assert decide(client, "hello there", "")["policy"] == "default"
    versions = {decide(client, "hello there", site)["ruleset"] for site in ("kids", "sport")}
    assert len(versions | {shared}) == 3


def test_the_log_keeps_the_policy_and_namespaced_rule(site_app: Flask, client: FlaskClient) -> None:
    answer = decide(client, "heck, what a game", "kids")
    assert [reason["rule"] for reason in answer["reasons"]] == ["sites/kids/mild-words"]
    row = logged(site_app, answer["decision_id"])
    assert (row["site"], row["policy"], row["ruleset"]) == ("kids", "kids", answer["ruleset"])
    listed = client.get(f"/v1/decisions/{answer['decision_id']}", headers=bearer("moderate")).get_json()
    assert listed["policy"] == "kids"


def test_stats_of_a_site_count_its_rule(client: FlaskClient) -> None:
    decide(client, "darn it, we lost", "kids")
    decide(client, "darn, another defeat", "kids")
    decide(client, "darn it, we lost", "sport")
    kids = client.get("/v1/stats", query_string={"site": "kids"}, headers=bearer("moderate")).get_json()
    rules = {entry["rule"]: entry for entry in kids["rules"]}
    assert rules["sites/kids/mild-words"]["hits"] >= 2
    sport = client.get("/v1/stats", query_string={"site": "sport"}, headers=bearer("moderate")).get_json()
    assert "sites/kids/mild-words" not in {entry["rule"] for entry in sport["rules"]}


def test_exports_name_the_policy_that_decided(client: FlaskClient) -> None:
    kids = decide(client, "darn it, we lost", "kids")
    default = decide(client, "darn it, we lost again")
    moderator = bearer("moderate")
    rows = client.get("/v1/decisions/export", query_string={"since": "1d"}, headers=moderator).get_data(as_text=True)
    by_id = {row["id"]: row for row in csv.DictReader(io.StringIO(rows))}
    assert (by_id[kids["decision_id"]]["policy"], by_id[default["decision_id"]]["policy"]) == ("kids", "default")
    lines = client.get("/v1/decisions/export", query_string={"since": "1d", "format": "jsonl"}, headers=moderator).get_data(as_text=True)
    policies = {record["id"]: record["policy"] for record in map(json.loads, lines.splitlines())}
    assert (policies[kids["decision_id"]], policies[default["decision_id"]]) == ("kids", "default")


def test_a_batch_decides_each_comment_by_its_own_site(client: FlaskClient) -> None:
    comments = [{"text": "What a load of shit", "site": "sport"}, {"text": "What a load of shit"}, {"text": "heck", "site": "kids"}]
    results = client.post("/v1/comments/batch", json={"comments": comments}, headers=bearer("submit")).get_json()["results"]
    assert [(result["decision"], result["policy"]) for result in results] == [
        ("approve", "sport"),
        ("reject", "default"),
        ("reject", "kids"),
    ]


def test_rules_api_lists_the_sites_and_tests_a_text_as_a_site(client: FlaskClient) -> None:
    listing = client.get("/v1/rules", headers=bearer("admin")).get_json()
    sites = {entry["site"]: entry for entry in listing["sites"]}
    assert sites["kids"]["own_rules"] == ["sites/kids/mild-words"]
    assert "profanity/swear-words" in sites["sport"]["disabled"]
    tested = client.post("/v1/rules/test", json={"text": "darn it", "site": "kids"}, headers=bearer("admin")).get_json()
    assert (tested["decision"], tested["policy"]) == ("reject", "kids")
    assert [hit["file"] for hit in tested["hits"]] == ["sites/kids.yml"]
    shared = client.post("/v1/rules/test", json={"text": "darn it"}, headers=bearer("admin")).get_json()
    assert (shared["decision"], shared["policy"]) == ("approve", "default")


def test_rules_api_tries_a_candidate_overlay(client: FlaskClient) -> None:
    candidate = {"sites/kids.yml": KIDS.replace("[darn, heck]", "[darn, heck, gosh]")}
    body = {"text": "gosh", "site": "kids", "rules": candidate}
    tested = client.post("/v1/rules/test", json=body, headers=bearer("admin")).get_json()
    assert (tested["decision"], tested["candidate"]) == ("reject", ["sites/kids.yml"])
    broken = {"text": "gosh", "site": "kids", "rules": {"sites/kids.yml": "disable: [promotion/nope]\n"}}
    response = client.post("/v1/rules/test", json=broken, headers=bearer("admin"))
    assert response.status_code == 422
    assert response.get_json()["errors"]["rules"][0]["file"] == "sites/kids.yml"


def coral(client: FlaskClient, text: str, site_id: str) -> Any:
    body = {
        "action": "NEW",
        "comment": {"body": text},
        "author": {"id": "user-1", "role": "COMMENTER"},
        "story": {"id": "story-1", "url": "https://news.example.com/story"},
        "site": {"id": site_id},
        "tenantID": "tenant-1",
        "tenantDomain": "talk.example.com",
    }
    raw = json.dumps(body).encode()
    header = "sha256=" + hmac.new(CORAL_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return client.post("/v1/integrations/coral", data=raw, headers={"Content-Type": "application/json", "X-Coral-Signature": header})


def test_coral_takes_its_site_from_site_id_or_the_mapping(site_app: Flask, client: FlaskClient) -> None:
    assert coral(client, "darn it, we lost", "kids").get_json()["status"] == "REJECTED"
    assert coral(client, "darn it, we lost", "coral-site-7f3a").get_json()["status"] == "REJECTED"
    assert coral(client, "darn it, we lost", "coral-site-other").get_json()["status"] != "REJECTED"
    with site_app.extensions["moderation.db"].connect() as connection:
        rows = connection.execute(sql("SELECT site, policy FROM decisions WHERE source = 'coral' ORDER BY rowid")).all()
    assert [tuple(row) for row in rows[-3:]] == [("kids", "kids"), ("coral-site-7f3a", "kids"), ("coral-site-other", "default")]


def test_a_malformed_coral_mapping_stops_the_start(tmp_path: Path) -> None:
    config = {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "RULES_LOAD_AT_START": False,
        "REQUIRE_KEYS": False,
        "CORAL_SECRETS": CORAL_SECRET,
    }
    with pytest.raises(ValueError, match="MODERATION_CORAL_SITES"):
        create_app({**config, "CORAL_SITES": "just-a-site-id"})


def test_perspective_takes_its_site_from_community_id(client: FlaskClient) -> None:
    def analyze(community: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"comment": {"text": "darn it, we lost"}, "requestedAttributes": {"PROFANITY": {}}, "languages": ["en"]}
        if community:
            body["communityId"] = community
        response = client.post(f"/v1alpha1/comments:analyze?key={KEYS['submit']}", json=body)
        assert response.status_code == 200, response.get_json()
        answer: dict[str, Any] = response.get_json()
        return answer

    kids = analyze("kids")["attributeScores"]["PROFANITY"]["summaryScore"]["value"]
    shared = analyze(None).get("attributeScores", {}).get("PROFANITY", {}).get("summaryScore", {}).get("value", 0.0)
    assert kids > shared


def test_the_rules_page_shows_a_sites_rules_and_hits(client: FlaskClient) -> None:
    decide(client, "darn it, we lost", "kids")
    form = client.get("/review/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    client.post("/review/sign-in", data={"key": KEYS["moderate"], "next": "", "csrf_token": token.group(1)})
    kids = client.get("/review/rules", query_string={"site": "kids"}).get_data(as_text=True)
    assert "sites/kids/mild-words" in kids and "sites/kids.yml" in kids
    shared = client.get("/review/rules").get_data(as_text=True)
    row = next(line for line in shared.split("<tr") if "sites/kids/mild-words" in line)
    assert "A site&#39;s own rule" in row and "No longer" not in row
    sport = client.get("/review/rules", query_string={"site": "sport"}).get_data(as_text=True)
    assert "profanity/swear-words" not in sport
