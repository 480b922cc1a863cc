"""Alembic revisions of the decision log, oldest first."""
