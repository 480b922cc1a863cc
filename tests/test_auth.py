"""API keys: parsing from the environment and the keys file, roles, constant-time lookup, refusing to run open."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Any

import pytest

from moderation import create_app
from moderation.web import auth
from moderation.web.auth import ApiKey, KeyConfigError, KeyRing, create_key, digest, load_keys, parse_env_keys, read_keys_file


def sha(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def test_env_pairs() -> None:
    keys = parse_env_keys("submit:abc, moderate:def ,admin:ghi")
    assert [(k.role, k.digest) for k in keys] == [("submit", sha("abc")), ("moderate", sha("def")), ("admin", sha("ghi"))]
    assert [k.name for k in keys] == ["env-1-submit", "env-2-moderate", "env-3-admin"]


def test_env_named_keys_and_colons_in_secrets() -> None:
    keys = parse_env_keys("site-a=submit:abc,ops=admin:with:colons")
    assert [(k.name, k.role) for k in keys] == [("site-a", "submit"), ("ops", "admin")]
    assert keys[1].digest == sha("with:colons")


def test_env_empty_items_are_ignored() -> None:
    assert parse_env_keys("") == []
    assert parse_env_keys(" , ,") == []
    assert len(parse_env_keys("submit:a,,")) == 1


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("root:abc", "unknown role 'root'"),
        ("submit", "expected role:key"),
        ("submit:", "expected role:key"),
        ("submit:a,admin", "item 2"),
        ("x=superuser:abc", "unknown role"),
    ],
)
def test_env_errors(value: str, fragment: str) -> None:
    with pytest.raises(KeyConfigError, match=fragment):
        parse_env_keys(value)


def test_keys_file_with_digests_plain_keys_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text(
        f"# the site's keys\n\nsite-a submit sha256:{sha('alpha').hex()}\n   # indented comment\nops admin plain-secret\n",
        encoding="utf-8",
    )
    keys = read_keys_file(path)
    assert keys == [ApiKey("site-a", "submit", sha("alpha")), ApiKey("ops", "admin", sha("plain-secret"))]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("only-two fields", "expected 'name role sha256:<hex>'"),
        ("a b c d", "expected"),
        ("name king secret", "unknown role 'king'"),
        ("name submit sha256:nothex", "bad sha256 digest"),
    ],
)
def test_keys_file_bad_lines_name_file_and_line(tmp_path: Path, line: str, fragment: str) -> None:
    path = tmp_path / "keys"
    path.write_text(f"# comment\n{line}\n", encoding="utf-8")
    with pytest.raises(KeyConfigError, match=fragment) as raised:
        read_keys_file(path)
    assert f"{path}:2" in str(raised.value)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("submit", {"submit"}),
        ("moderate", {"submit", "moderate"}),
        ("admin", {"submit", "moderate", "admin"}),
    ],
)
def test_role_hierarchy(role: str, allowed: set[str]) -> None:
    key = ApiKey("k", role, digest("x"))
    assert {needed for needed in auth.ROLES if key.allows(needed)} == allowed


def test_keyring_authenticates_by_digest() -> None:
    ring = KeyRing([ApiKey("a", "submit", digest("one")), ApiKey("b", "admin", digest("two"))])
    assert ring.authenticate("one") == ApiKey("a", "submit", digest("one"))
    assert ring.authenticate("two").role == "admin"  # type: ignore[union-attr]
    assert ring.authenticate("three") is None
    assert ring.authenticate("") is None
    assert ring.authenticate("ONE") is None


def test_keyring_compares_every_key_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every configured digest is compared with hmac.compare_digest, even after a match: no early exit."""
    calls: list[tuple[bytes, bytes]] = []
    real = auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    ring = KeyRing([ApiKey("a", "submit", digest("one")), ApiKey("b", "moderate", digest("two")), ApiKey("c", "admin", digest("3"))])
    assert ring.authenticate("one") is not None
    assert len(calls) == 3
    assert all(presented == digest("one") for presented, _ in calls)
    calls.clear()
    assert ring.authenticate("nope") is None
    assert len(calls) == 3


def test_create_key_appends_with_mode_600_and_refuses_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "instance" / "keys"
    secret = create_key(path, "site-a", "submit")
    assert secret.startswith("sub_") and len(secret) > 20
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret not in path.read_text(encoding="utf-8")  # only the digest is stored
    assert read_keys_file(path) == [ApiKey("site-a", "submit", digest(secret))]
    with pytest.raises(KeyConfigError, match="already exists"):
        create_key(path, "site-a", "admin")
    other = create_key(path, "site-b", "admin")
    assert other != secret
    assert [k.name for k in read_keys_file(path)] == ["site-a", "site-b"]


@pytest.mark.parametrize(("name", "role"), [("two words", "submit"), ("", "submit"), ("ok", "owner")])
def test_create_key_refuses_bad_names_and_roles(tmp_path: Path, name: str, role: str) -> None:
    with pytest.raises(KeyConfigError):
        create_key(tmp_path / "keys", name, role)
    assert not (tmp_path / "keys").exists()


def test_load_keys_from_env_and_file(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    create_key(path, "filed", "moderate")
    keys = load_keys({"API_KEYS": "submit:abc", "API_KEYS_FILE": str(path)})
    assert [(k.name, k.role) for k in keys] == [("env-1-submit", "submit"), ("filed", "moderate")]
    assert load_keys({"API_KEYS": "", "API_KEYS_FILE": str(tmp_path / "missing")}) == []


def test_app_refuses_to_start_without_keys(app_config: dict[str, Any]) -> None:
    with pytest.raises(KeyConfigError, match="run open"):
        create_app({**app_config, "API_KEYS": ""})


def test_app_starts_without_keys_when_not_required(app_config: dict[str, Any]) -> None:
    app = create_app({**app_config, "API_KEYS": "", "REQUIRE_KEYS": False})
    response = app.test_client().post("/v1/comments", json={"text": "hi"})
    assert response.status_code == 401  # no key can be valid, so nothing runs open


def test_app_refuses_bad_key_config(app_config: dict[str, Any]) -> None:
    with pytest.raises(KeyConfigError, match="unknown role"):
        create_app({**app_config, "API_KEYS": "boss:abc"})


def test_app_uses_the_keys_file(app_config: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "file-keys"
    secret = create_key(path, "site", "submit")
    app = create_app({**app_config, "API_KEYS": "", "API_KEYS_FILE": str(path)})
    client = app.test_client()
    assert client.post("/v1/comments", json={"text": "hi"}, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert client.post("/v1/comments", json={"text": "hi"}, headers={"Authorization": f"Bearer {secret}x"}).status_code == 401
