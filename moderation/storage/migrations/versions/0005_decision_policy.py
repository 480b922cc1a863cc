"""Sites: the policy that decided each comment ("default", or the site whose overlay applied).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add decisions.policy (nullable: rows logged before sites existed were decided by the shared rules)."""
    op.add_column("decisions", sa.Column("policy", sa.String(64)))


def downgrade() -> None:
    """Drop decisions.policy."""
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("policy")
