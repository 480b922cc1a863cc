"""The comment response's `language`: detected offline, covered or not by the rules, in batches, the log and OpenAPI."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text as sql
from testkit import bearer

from moderation import create_app
from moderation.config import DEFAULT_RULES_DIR

ARABIC = "نرجو أن تنشروا المزيد من التقارير عن المدينة"
SORANI = "ئەم ڕاپۆرتە زۆر بە سوودە، دەستتان خۆش بێت"
# Russian: a language the shipped rules do not cover.
RUSSIAN = "Пожалуйста, пишите больше новостей о городе."
ENGLISH = "Could the council publish the full budget before the vote?"


def post(client: FlaskClient, body: dict[str, Any], path: str = "/v1/comments") -> Any:
    response = client.post(path, json=body, headers=bearer("submit"))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def logged_languages(app: Flask) -> list[str | None]:
    with app.extensions["moderation.db"].connect() as connection:
        return [row[0] for row in connection.execute(sql("SELECT language FROM decisions ORDER BY id"))]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ENGLISH, {"detected": "en", "covered": True}),
        (ARABIC, {"detected": "ar", "covered": True}),
        (SORANI, {"detected": "ckb", "covered": True}),
        (RUSSIAN, {"detected": "ru", "covered": False}),
        ("👍", {"detected": None, "covered": None}),
    ],
)
def test_the_response_says_which_language_and_whether_it_is_covered(client: FlaskClient, text: str, language: dict[str, Any]) -> None:
    assert post(client, {"text": text})["language"] == language


def test_a_comment_in_an_uncovered_language_is_still_decided(client: FlaskClient) -> None:
    body = post(client, {"text": RUSSIAN})
    assert body["decision"] == "approve"
    assert body["language"]["covered"] is False


def test_batch_results_carry_the_language(client: FlaskClient) -> None:
    body = post(client, {"comments": [{"text": ENGLISH}, {"text": ARABIC}, {"text": "ok"}]}, "/v1/comments/batch")
    assert [result["language"]["detected"] for result in body["results"]] == ["en", "ar", None]


def test_the_log_keeps_the_declared_language_else_the_detected_one(app: Flask, client: FlaskClient) -> None:
    post(client, {"text": ARABIC})
    post(client, {"text": ARABIC, "language": "ar-IQ"})
    post(client, {"text": "ok"})
    assert logged_languages(app) == ["ar", "ar-IQ", None]


def test_the_declared_language_does_not_replace_detection(client: FlaskClient) -> None:
    # A site that labels every comment "en" still learns that this one is Russian.
    assert post(client, {"text": RUSSIAN, "language": "en"})["language"] == {"detected": "ru", "covered": False}


def test_languages_the_rules_cover_come_from_settings(app_config: dict[str, object], tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    settings = rules / "settings.yml"
    shipped = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^languages: .*$", "languages: [en, ar]", shipped), encoding="utf-8")
    client = create_app({**app_config, "RULES_DIR": str(rules)}).test_client()
    assert post(client, {"text": ARABIC})["language"] == {"detected": "ar", "covered": True}
    assert post(client, {"text": SORANI})["language"] == {"detected": "ckb", "covered": False}


def test_openapi_documents_the_language(client: FlaskClient) -> None:
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    assert "language" in schemas["Decision"]["properties"]
    assert set(schemas["Language"]["properties"]) == {"detected", "covered"}
    assert schemas["Language"]["properties"]["detected"]["nullable"] is True
