"""Review sessions live server-side: a copied cookie dies at sign-out, and when its key is revoked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from moderation import create_app
from moderation.cli import main
from moderation.storage.tables import review_sessions
from moderation.web.auth import create_key, read_keys_file

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE = "moderation_review"


def csrf_token(client: FlaskClient, path: str) -> str:
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: FlaskClient, key: str, token_page: str = "/review/sign-in") -> None:
    response = client.post("/review/sign-in", data={"key": key, "csrf_token": csrf_token(client, token_page)})
    assert response.status_code == 302


def moderate_key(app: Flask) -> str:
    pairs = dict(item.split(":", 1) for item in str(app.config["API_KEYS"]).split(","))
    return pairs["moderate"]


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the client's session cookie (stolen, or left on a shared machine)."""
    cookie = client.get_cookie(COOKIE, path="/review")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value, path="/review")
    return thief


def live_sessions(app: Flask) -> int:
    with app.extensions["moderation.db"].connect() as connection:
        return int(connection.execute(select(func.count()).select_from(review_sessions)).scalar_one())


def test_a_copied_cookie_is_refused_after_sign_out(app: Flask, client: FlaskClient) -> None:
    sign_in(client, moderate_key(app))
    token = csrf_token(client, "/review/log")  # before the copy: pytest-flask's test requests share one `g`
    thief = copy_of(app, client)
    assert thief.get("/review/log").status_code == 200  # the copy works while the session lives
    assert live_sessions(app) == 1
    response = client.post("/review/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert live_sessions(app) == 0
    refused = thief.get("/review/log")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/review/sign-in")


def test_signing_in_again_ends_the_previous_session(app: Flask, client: FlaskClient) -> None:
    sign_in(client, moderate_key(app))
    before = copy_of(app, client)
    sign_in(client, moderate_key(app), token_page="/review/log")  # signed in, the sign-in page redirects
    assert live_sessions(app) == 1
    assert before.get("/review/log").status_code == 302
    assert client.get("/review/log").status_code == 200


def test_a_cookie_without_its_server_side_session_is_refused(app: Flask, client: FlaskClient) -> None:
    sign_in(client, moderate_key(app))
    with client.session_transaction("/review/") as session:
        session["session_id"] = "made-up"
    assert client.get("/review/log").status_code == 302


def test_revoking_a_key_ends_its_sessions_at_once(tmp_path: Path, app_config: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    keys_file = tmp_path / "api-keys"
    secret = create_key(keys_file, "night-shift", "moderate")
    database = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    app = create_app({**app_config, "API_KEYS_FILE": str(keys_file), "DATABASE_URL": database})
    client = app.test_client()
    sign_in(client, secret)
    thief = copy_of(app, client)
    assert thief.get("/review/log").status_code == 200

    monkeypatch.delenv("MODERATION_API_KEYS", raising=False)
    env = {"MODERATION_API_KEYS_FILE": str(keys_file), "MODERATION_DATABASE_URL": database, "MODERATION_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner(env=env).invoke(main, ["keys", "revoke", "night-shift"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Ended 1 review session(s)" in result.output
    assert [key.name for key in read_keys_file(keys_file)] == []
    # This process has not reloaded its keys yet; the server-side session is gone all the same.
    assert client.get("/review/log").status_code == 302
    assert thief.get("/review/log").status_code == 302


def test_revoking_an_unknown_key_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODERATION_API_KEYS", raising=False)
    env = {
        "MODERATION_API_KEYS_FILE": str(tmp_path / "api-keys"),
        "MODERATION_DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "MODERATION_INSTANCE_PATH": str(tmp_path),
    }
    result = CliRunner(env=env).invoke(main, ["keys", "revoke", "nobody"])
    assert result.exit_code == 1
    assert "no key named 'nobody'" in result.output
