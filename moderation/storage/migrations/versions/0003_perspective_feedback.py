"""Perspective: a keyed digest of each Perspective comment's text, and moderators' feedback that matched no decision.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add decisions.text_digest (nullable, so no rewrite of older rows) and the feedback table."""
    op.add_column("decisions", sa.Column("text_digest", sa.String(80)))
    op.create_index("ix_decisions_text_digest", "decisions", ["text_digest"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("site", sa.String(200)),
        sa.Column("client_token", sa.String(200)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_digest", sa.String(80), nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])
    op.create_index("ix_feedback_site", "feedback", ["site"])


def downgrade() -> None:
    """Drop the feedback table and the digest column."""
    op.drop_table("feedback")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_index("ix_decisions_text_digest")
        batch.drop_column("text_digest")
