"""The `moderation` command: keys init/create/list and rules check, run against temporary directories."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from moderation.cli import main
from moderation.web.auth import read_keys_file

GOOD_RULES = """
category: profanity
rules:
  - id: swear
    message: Swearing
    words: [darn]
    examples:
      reject: ["oh darn"]
      approve: ["a fine day"]
"""

BROKEN_RULES = """
category: profanity
rules:
  - id: swear
    message: Swearing
    colour: red
    words: [darn]
    examples:
      reject: ["oh darn"]
  - id: other
    message: Other
    words: [heck]
    examples:
      reject: ["no match here"]
"""

SECRET = re.compile(r"\b(sub|mod|adm)_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose app lives in tmp_path: instance folder, keys file, log database; no keys in the environment."""
    monkeypatch.delenv("MODERATION_API_KEYS", raising=False)
    env = {
        "MODERATION_INSTANCE_PATH": str(tmp_path / "instance"),
        "MODERATION_API_KEYS_FILE": str(tmp_path / "instance" / "api-keys"),
        "MODERATION_DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "MODERATION_API_KEYS": None,
    }
    return CliRunner(env=env)  # type: ignore[arg-type]


def run(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, list(args), catch_exceptions=False)


def test_keys_init_creates_one_key_per_role_once(cli: CliRunner, tmp_path: Path) -> None:
    keys_file = tmp_path / "instance" / "api-keys"
    first = run(cli, "keys", "init")
    assert first.exit_code == 0, first.output
    secrets = SECRET.findall(first.stdout)
    printed = SECRET.finditer(first.stdout)
    assert [match.group(1) for match in printed] == ["sub", "mod", "adm"]
    assert len(secrets) == 3
    assert str(keys_file) in first.stdout
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    stored = read_keys_file(keys_file)
    assert [(k.name, k.role) for k in stored] == [(f"default-{role}", role) for role in ("submit", "moderate", "admin")]
    content = keys_file.read_text(encoding="utf-8")
    for match in SECRET.finditer(first.stdout):
        assert match.group() not in content  # the file holds digests only

    second = run(cli, "keys", "init")
    assert second.exit_code == 0
    assert "already" in second.output
    assert SECRET.search(second.output) is None
    assert keys_file.read_text(encoding="utf-8") == content


def test_keys_init_does_nothing_when_env_keys_exist(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, ["keys", "init"], env={"MODERATION_API_KEYS": "submit:abc"}, catch_exceptions=False)
    assert result.exit_code == 0
    assert "already" in result.output
    assert not (tmp_path / "instance" / "api-keys").exists()


def test_printed_keys_work_against_the_api(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = [m.group() for m in SECRET.finditer(run(cli, "keys", "init").stdout)]
    from moderation import create_app

    app = create_app(
        {
            "TESTING": True,
            "API_KEYS": "",
            "API_KEYS_FILE": str(tmp_path / "instance" / "api-keys"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        }
    )
    response = app.test_client().post("/v1/comments", json={"text": "hello"}, headers={"Authorization": f"Bearer {secrets[0]}"})
    assert response.status_code == 200


def test_keys_create_and_list(cli: CliRunner, tmp_path: Path) -> None:
    created = run(cli, "keys", "create", "site-a", "moderate")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert SECRET.fullmatch(secret)
    listed = run(cli, "keys", "list")
    assert listed.exit_code == 0
    assert "site-a\tmoderate" in listed.stdout
    assert secret not in listed.output
    assert SECRET.search(listed.output) is None
    digest_hex = read_keys_file(tmp_path / "instance" / "api-keys")[0].digest.hex()
    assert digest_hex not in listed.output


def test_keys_create_refuses_a_duplicate_name(cli: CliRunner) -> None:
    assert run(cli, "keys", "create", "site-a", "submit").exit_code == 0
    again = run(cli, "keys", "create", "site-a", "admin")
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert SECRET.search(again.output) is None


def test_keys_create_refuses_an_unknown_role(cli: CliRunner, tmp_path: Path) -> None:
    result = run(cli, "keys", "create", "site-a", "owner")
    assert result.exit_code == 2
    assert "owner" in result.output
    assert not (tmp_path / "instance" / "api-keys").exists()


def test_keys_list_never_prints_secrets_from_the_environment(cli: CliRunner) -> None:
    result = cli.invoke(main, ["keys", "list"], env={"MODERATION_API_KEYS": "ops=admin:very-secret-value"}, catch_exceptions=False)
    assert result.exit_code == 0
    assert "ops\tadmin" in result.stdout
    assert "very-secret-value" not in result.output


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content.lstrip("\n"), encoding="utf-8")
    return directory


def test_rules_check_good_directory(cli: CliRunner, tmp_path: Path) -> None:
    directory = write(tmp_path / "good", {"profanity.yml": GOOD_RULES})
    result = run(cli, "rules", "check", str(directory))
    assert result.exit_code == 0, result.output
    assert "1 rules" in result.output or "1 rule" in result.output
    as_json = run(cli, "rules", "check", "--json", str(directory))
    assert as_json.exit_code == 0
    body = json.loads(as_json.stdout)
    assert body["ok"] is True
    assert body["rules"] == 1
    assert body["version"]


def test_rules_check_broken_directory(cli: CliRunner, tmp_path: Path) -> None:
    directory = write(tmp_path / "bad", {"profanity.yml": BROKEN_RULES, "threats.yml": "category: threat\nrules: [\n"})
    result = run(cli, "rules", "check", str(directory))
    assert result.exit_code == 1
    assert "profanity.yml:5" in result.output  # the unknown key, at its line
    assert "[profanity/swear]" in result.output
    assert "threats.yml" in result.output  # every broken file at once
    assert "error(s)" in result.output


def test_rules_check_broken_directory_json(cli: CliRunner, tmp_path: Path) -> None:
    directory = write(tmp_path / "bad", {"profanity.yml": BROKEN_RULES})
    result = run(cli, "rules", "check", "--json", str(directory))
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["ok"] is False
    assert body["directory"] == str(directory)
    errors = body["errors"]
    assert {"file": "profanity.yml", "line": 5, "rule": "profanity/swear"}.items() <= errors[0].items()
    assert "colour" in errors[0]["message"]
    assert all(set(error) >= {"file", "line", "rule", "message"} for error in errors)


def test_rules_check_failing_example(cli: CliRunner, tmp_path: Path) -> None:
    directory = write(tmp_path / "ex", {"profanity.yml": GOOD_RULES.replace('"a fine day"', '"darn it"')})
    result = run(cli, "rules", "check", "--json", str(directory))
    assert result.exit_code == 1
    (error,) = json.loads(result.stdout)["errors"]
    assert error["rule"] == "profanity/swear"
    assert "darn it" in error["message"]


def test_rules_check_default_directory(cli: CliRunner) -> None:
    """Without an argument the configured rules/ are checked: the default rules and their examples pass."""
    result = run(cli, "rules", "check", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rules"] > 0
