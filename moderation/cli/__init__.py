"""The `moderation` command: keys, rule checks and the other admin tools."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from ..config import DEFAULT_RULES_DIR
from ..web.auth import ROLES, KeyConfigError, create_key, load_keys, remove_key


def _cli_app() -> Flask:
    from .. import create_app

    # Admin commands must work while the live rules are broken (that is when `rules check` is needed).
    return create_app({"REQUIRE_KEYS": False, "RULES_LOAD_AT_START": False, "RULES_RELOAD_INTERVAL": 0})


@click.group(cls=FlaskGroup, create_app=_cli_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """Comment moderation service: admin commands."""


@main.group()
def keys() -> None:
    """Create and list API keys."""


@keys.command("init")
def keys_init() -> None:
    """Create one key per role in the keys file if no keys are configured yet, and print them once."""
    keys_file = Path(current_app.config["API_KEYS_FILE"])
    if load_keys(current_app.config):
        click.echo(f"API keys are already configured (keys file: {keys_file}).", err=True)
        return
    click.echo(f"Created API keys in {keys_file}. They are shown only now; keep them:")
    for role in ROLES:
        secret = create_key(keys_file, f"default-{role}", role)
        click.echo(f"  {role:9} {secret}")


@keys.command("create")
@click.argument("name")
@click.argument("role", type=click.Choice(list(ROLES)))
def keys_create(name: str, role: str) -> None:
    """Create a key NAME with ROLE in the keys file and print it once."""
    try:
        secret = create_key(Path(current_app.config["API_KEYS_FILE"]), name, role)
    except KeyConfigError as error:
        raise click.ClickException(str(error)) from None
    click.echo(secret)


@keys.command("revoke")
@click.argument("name")
def keys_revoke(name: str) -> None:
    """Revoke key NAME: remove it from the keys file and end its review-page sessions at once."""
    from ..storage.sessions import end_sessions_of_key

    removed = remove_key(Path(current_app.config["API_KEYS_FILE"]), name)
    ended = end_sessions_of_key(current_app.extensions["moderation.db"], name)
    if not removed and name not in {key.name for key in load_keys(current_app.config)}:
        raise click.ClickException(f"no key named {name!r} (see `moderation keys list`)")
    click.echo(f"Ended {ended} review session(s) of {name}.")
    if removed:
        click.echo("Removed it from the keys file; restart the service so the API refuses it too.")
    else:
        click.echo("It comes from MODERATION_API_KEYS: remove it there and restart the service.")


@keys.command("list")
def keys_list() -> None:
    """List key names and roles (never the keys)."""
    for key in load_keys(current_app.config):
        click.echo(f"{key.name}\t{key.role}")


@main.group("rules")
def rules_group() -> None:
    """Check and explain rule files."""


@rules_group.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--site", help="Report this site's policy (every overlay is checked in any case).")
def rules_check(directory: Path | None, as_json: bool, site: str | None) -> None:
    """Validate a rule directory (default: the configured one) and run every rule's examples."""
    from .rules_load import load_or_exit  # every error with a hint of what to do; exits 1

    directory = directory or Path(current_app.config.get("RULES_DIR", DEFAULT_RULES_DIR))
    ruleset = load_or_exit(directory, as_json, site=site, overlay=True)
    result = {"ok": True, "directory": str(directory), "version": ruleset.version, "rules": len(ruleset.rules), "policy": ruleset.policy}
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        policy = f" (site {site})" if site else ""
        click.echo(f"{directory}{policy}: {len(ruleset.rules)} rules, version {ruleset.version}, all examples pass")


def init_app(app: Flask) -> None:
    """Also offer the command groups under `flask --app moderation`."""
    app.cli.add_command(keys)
    app.cli.add_command(rules_group)


from .evaluate import eval_command  # noqa: E402  (registered last: cli.py stays the table of contents)

main.add_command(eval_command)
from .log import log_group as log_command  # noqa: E402

main.add_command(log_command)

from .rules_explain import rules_explain  # noqa: E402
from .rules_replay import rules_replay  # noqa: E402
from .rules_test import rules_test  # noqa: E402

rules_group.add_command(rules_test)
rules_group.add_command(rules_explain)
rules_group.add_command(rules_replay)

from .lint import lint_command  # noqa: E402

rules_group.add_command(lint_command)
