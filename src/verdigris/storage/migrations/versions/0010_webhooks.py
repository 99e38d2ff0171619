"""webhooks: subscriptions, and the durable outbox of their notifications

Revision ID: 0010
Revises: 0009
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_SERIAL: Any = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.BigInteger, nullable=False, autoincrement=False)


def upgrade() -> None:
    op.create_table(
        "webhooks",
        _id("account_id"),
        _id("id"),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("computed_values", sa.Boolean, nullable=False),
        sa.Column("signing_secret", sa.Text),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    op.create_index("ix_webhooks_kind", "webhooks", ["account_id", "type", "event"])
    op.create_table(
        "webhook_events",
        sa.Column("seq", _SERIAL, primary_key=True, autoincrement=True),
        _id("account_id"),
        _id("webhook_id"),
        _id("record_id"),
        sa.Column("updated", sa.Text, nullable=False),
        sa.Column("queued_at", sa.Float, nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(36), primary_key=True),
        _id("account_id"),
        _id("webhook_id"),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("next_try_at", sa.Float, nullable=False),
        sa.Column("claimed_until", sa.Float),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_try_at"])
    op.create_index(
        "ix_webhook_deliveries_webhook",
        "webhook_deliveries",
        ["account_id", "webhook_id", "created_at"],
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("seq", _SERIAL, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.String(36), nullable=False),
        sa.Column("try", sa.Integer, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("duration_ms", sa.Float, nullable=False),
    )
    op.create_index("ix_webhook_attempts_delivery", "webhook_attempts", ["delivery_id", "seq"])


def downgrade() -> None:
    for table in ("webhook_attempts", "webhook_deliveries", "webhook_events", "webhooks"):
        op.drop_table(table)
