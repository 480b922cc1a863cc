"""`moderation log`: decision log maintenance from the command line (retention, schema)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..storage import count_older_than, purge_decisions, purge_feedback, upgrade_to_head
from ..storage.migrate import current_revision
from ..storage.times import parse_age

log_group = AppGroup("log", help="Maintain the decision log.")


def _age(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        if parse_age(value).total_seconds() <= 0:
            raise ValueError
    except ValueError:
        raise click.BadParameter("use a positive age such as 90d, 12h, 2w or 30m") from None
    return value


def on_terminal() -> bool:
    """True when a person watches stderr (progress bars only then: cron logs stay clean)."""
    return sys.stderr.isatty()


@log_group.command("purge")
@click.option("--older-than", required=True, callback=_age, metavar="AGE", help="Delete decisions older than this, e.g. 90d.")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something fails.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def purge(older_than: str, dry_run: bool, quiet: bool, as_json: bool) -> None:
    """Delete decisions (with their rule hits and reviews) and suggestscore feedback logged more than AGE ago."""
    cutoff = datetime.now(UTC) - parse_age(older_than)
    total = count_older_than(cutoff)
    if dry_run:
        deleted = 0
    elif total and not quiet and not as_json and on_terminal():
        with click.progressbar(length=total, label="Deleting decisions", file=sys.stderr) as bar:
            deleted = purge_decisions(cutoff, progress=bar.update)
    else:
        deleted = purge_decisions(cutoff)
    if not dry_run:
        # Feedback holds comment texts too, so it keeps no longer than the decisions.
        purge_feedback(cutoff)
    if as_json:
        result = {"older_than": older_than, "cutoff": cutoff.isoformat(), "dry_run": dry_run, "matched": total, "deleted": deleted}
        click.echo(json.dumps(result))
    elif not quiet:
        verb = "Would delete" if dry_run else "Deleted"
        count = total if dry_run else deleted
        click.echo(f"{verb} {count} decision(s) logged before {cutoff.isoformat(timespec='seconds')}.")


@log_group.command("migrate")
def migrate() -> None:
    """Bring the log's schema to the newest revision (the service also does this at start) and print it."""
    engine = current_app.extensions["moderation.db"]
    upgrade_to_head(engine)
    click.echo(f"{engine.url.render_as_string(hide_password=True)}: revision {current_revision(engine)}")
