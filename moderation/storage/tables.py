"""The decision log's tables (SQLAlchemy Core); Alembic migrations create and evolve them."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text

# Named constraints keep migrations reproducible on every backend (SQLite batch mode needs names).
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

VERDICTS = ("uphold", "overturn")
REVIEW_STATUSES = ("unreviewed", "upheld", "overturned")

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("site", String(200), index=True),
    Column("comment_id", String(200)),
    Column("language", String(35)),
    Column("text", Text, nullable=False),
    Column("author", JSON),
    Column("article", JSON),
    # The engine's decision, never changed; `status` is the decision as it stands after reviews.
    Column("decision", String(10), nullable=False, index=True),
    Column("categories", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("ruleset", String(32), nullable=False),
    # The site whose overlay decided ("default": the shared rules); null on rows logged before sites existed.
    Column("policy", String(64)),
    Column("status", String(10), nullable=False, index=True),
    Column("review_status", String(12), nullable=False, server_default="unreviewed", index=True),
    Column("review_count", Integer, nullable=False, server_default="0"),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("reviewed_by", String(200)),
    # Copies of JSON fields that moderators filter on, so the filters can use an index.
    Column("author_id", String(500), index=True),
    Column("article_id", String(500), index=True),
    Column("article_url", String(2000)),
    # A keyed digest of the text (Perspective requests only), so that a moderator's later verdict on the same text
    # finds its decision even when the text itself was not stored (doNotStore).
    Column("text_digest", String(80), index=True),
)

# One row per reason (rule that fired), for the category and rule filters and the per-rule statistics.
decision_hits = Table(
    "decision_hits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String(32), ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("subcategory", String(40)),
    Column("mode", String(10), nullable=False),
    Index("ix_decision_hits_rule_created_at", "rule", "created_at"),
    Index("ix_decision_hits_category_created_at", "category", "created_at"),
)

# The audit trail: every review ever made, kept even when a later review changes the verdict.
decision_reviews = Table(
    "decision_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String(32), ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("verdict", String(10), nullable=False),
    Column("note", Text),
    Column("reviewer", String(200), nullable=False),
    Column("reviewer_role", String(20), nullable=False),
    Column("status_before", String(10), nullable=False),
    Column("status_after", String(10), nullable=False),
)

DELIVERY_STATUSES = ("pending", "delivered", "failed")

# The webhook outbox: one row per event, written in the review's own transaction and sent later by the service's
# sender thread. A row is claimed by setting a lease (lease_until, leased_by), so several workers or hosts never
# send it at the same time; a sender that dies mid-delivery leaves a lease that simply runs out.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("event", String(40), nullable=False),
    # No foreign key: a delivery outlives a purge of its decision (the receiver still needs to hear about it).
    Column("decision_id", String(32), nullable=False, index=True),
    Column("site", String(200)),
    Column("body", Text, nullable=False),  # the exact JSON sent, so every retry sends (and signs) the same bytes
    Column("status", String(10), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True)),
    Column("leased_by", String(64)),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_status", Integer),
    Column("last_error", String(500)),
    Column("delivered_at", DateTime(timezone=True)),
    Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
)

# Signed-in review sessions, kept server-side: the cookie carries only a random id, whose digest is the key here.
# Signing out deletes the row, so a copied cookie is worth nothing afterwards.
review_sessions = Table(
    "review_sessions",
    metadata,
    Column("id_digest", String(64), primary_key=True),
    Column("key_name", String(200), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)
