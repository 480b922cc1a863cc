"""Alembic environment: migrate the connection the app hands over, or the configured URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from moderation.storage.tables import metadata

config = context.config


def _url() -> str:
    """The database to migrate from the alembic command line: sqlalchemy.url, else MODERATION_DATABASE_URL."""
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("MODERATION_DATABASE_URL")
    if not url:
        raise SystemExit("Set MODERATION_DATABASE_URL to the database to migrate.")
    return url


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the app's connection (the usual way) or on sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from moderation.storage.engine import make_engine

    engine = make_engine(_url())
    with engine.connect() as own_connection:
        _run(own_connection)
        own_connection.commit()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
