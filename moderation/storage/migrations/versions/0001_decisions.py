"""The first decision log: one decisions table (kept when an older build already created it).

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the decisions table unless a build from before migrations already made it."""
    # Builds before Alembic created this exact table with metadata.create_all; adopt it as revision 0001.
    if sa.inspect(op.get_bind()).has_table("decisions"):
        return
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("site", sa.String(200)),
        sa.Column("comment_id", sa.String(200)),
        sa.Column("language", sa.String(35)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.JSON()),
        sa.Column("article", sa.JSON()),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("ruleset", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
    )
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"])
    op.create_index("ix_decisions_site", "decisions", ["site"])
    op.create_index("ix_decisions_decision", "decisions", ["decision"])


def downgrade() -> None:
    """Drop the decisions table."""
    op.drop_table("decisions")
