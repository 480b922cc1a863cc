"""Reviews: current status, audit trail, per-rule hits and filter columns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL_BATCH = 1000


def _backfill() -> None:
    """Fill the new columns and the hits table for decisions logged before this revision."""
    bind = op.get_bind()
    old = sa.table(
        "decisions",
        sa.column("id", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("author", sa.JSON),
        sa.column("article", sa.JSON),
        sa.column("reasons", sa.JSON),
        sa.column("decision", sa.String),
        sa.column("status", sa.String),
        sa.column("author_id", sa.String),
        sa.column("article_id", sa.String),
        sa.column("article_url", sa.String),
    )
    hits = sa.table(
        "decision_hits",
        sa.column("decision_id", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("rule", sa.String),
        sa.column("category", sa.String),
        sa.column("subcategory", sa.String),
        sa.column("mode", sa.String),
    )
    bind.execute(old.update().values(status=old.c.decision))
    after = ""
    while True:
        rows = bind.execute(
            sa.select(old.c.id, old.c.created_at, old.c.author, old.c.article, old.c.reasons)
            .where(old.c.id > after)
            .order_by(old.c.id)
            .limit(_BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            author, article = row.author or {}, row.article or {}
            bind.execute(
                old.update()
                .where(old.c.id == row.id)
                .values(author_id=author.get("id"), article_id=article.get("id"), article_url=article.get("url"))
            )
        new_hits = [
            {
                "decision_id": row.id,
                "created_at": row.created_at,
                "rule": reason["rule"],
                "category": reason["category"],
                "subcategory": reason.get("subcategory"),
                "mode": reason["mode"],
            }
            for row in rows
            for reason in row.reasons or []
        ]
        if new_hits:
            bind.execute(hits.insert(), new_hits)
        after = rows[-1].id


def upgrade() -> None:
    """Add the review columns, the hits and reviews tables, and backfill older rows."""
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("status", sa.String(10), nullable=False, server_default="approve"))
        batch.add_column(sa.Column("review_status", sa.String(12), nullable=False, server_default="unreviewed"))
        batch.add_column(sa.Column("review_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("reviewed_by", sa.String(200)))
        batch.add_column(sa.Column("author_id", sa.String(500)))
        batch.add_column(sa.Column("article_id", sa.String(500)))
        batch.add_column(sa.Column("article_url", sa.String(2000)))
        batch.create_index("ix_decisions_status", ["status"])
        batch.create_index("ix_decisions_review_status", ["review_status"])
        batch.create_index("ix_decisions_author_id", ["author_id"])
        batch.create_index("ix_decisions_article_id", ["article_id"])
    op.create_table(
        "decision_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("subcategory", sa.String(40)),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name="fk_decision_hits_decision_id_decisions", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_decision_hits"),
    )
    op.create_index("ix_decision_hits_decision_id", "decision_hits", ["decision_id"])
    op.create_index("ix_decision_hits_rule_created_at", "decision_hits", ["rule", "created_at"])
    op.create_index("ix_decision_hits_category_created_at", "decision_hits", ["category", "created_at"])
    op.create_table(
        "decision_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("reviewer_role", sa.String(20), nullable=False),
        sa.Column("status_before", sa.String(10), nullable=False),
        sa.Column("status_after", sa.String(10), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name="fk_decision_reviews_decision_id_decisions", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_decision_reviews"),
    )
    op.create_index("ix_decision_reviews_decision_id", "decision_reviews", ["decision_id"])
    _backfill()


def downgrade() -> None:
    """Drop the review tables and columns (the audit trail is lost)."""
    op.drop_table("decision_reviews")
    op.drop_table("decision_hits")
    with op.batch_alter_table("decisions") as batch:
        for index in ("status", "review_status", "author_id", "article_id"):
            batch.drop_index(f"ix_decisions_{index}")
        for column in ("status", "review_status", "review_count", "reviewed_at", "reviewed_by", "author_id", "article_id", "article_url"):
            batch.drop_column(column)
