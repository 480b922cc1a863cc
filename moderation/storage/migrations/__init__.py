"""Alembic migrations of the decision log (run by moderation.storage.migrate at start)."""
