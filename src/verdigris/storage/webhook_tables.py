"""Webhook tables (docs/webhooks.md), on the one `schema.metadata` (schema.py imports this
module last, so every table is there whichever is imported first).

- `webhooks`: the subscriptions, an account's data (cloned with it by the test kit).
- `webhook_events`: one row per reported change a subscription wants, written in the
  change's own transaction (storage/webhooks.py); the sender folds them into
- `webhook_deliveries`: one notification each (1 to 30 ids, its body fixed when it is
  made, so every retry sends the same), with its state and lease, and
- `webhook_attempts`: every try of a delivery.
The last three are a queue, not Copper data: an account's clone starts without them.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from verdigris.storage.schema import NOT_CLONED, SERIAL, id_column, metadata

webhooks = Table(
    "webhooks",
    metadata,
    id_column("account_id"),
    id_column("id"),
    Column("target", Text, nullable=False),
    Column("type", String(32), nullable=False),
    Column("event", String(16), nullable=False),
    Column("secret", Text, nullable=False),  # JSON object
    Column("headers", Text, nullable=False),  # JSON object
    Column("computed_values", Boolean, nullable=False),
    Column("signing_secret", Text),
    Column("created_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    Index("ix_webhooks_kind", "account_id", "type", "event"),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    Column("seq", SERIAL, primary_key=True, autoincrement=True),
    id_column("account_id"),
    id_column("webhook_id"),
    id_column("record_id"),
    Column("updated", Text, nullable=False),  # JSON {field: [old, new]}
    Column("queued_at", Float, nullable=False),
    info=NOT_CLONED,
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(36), primary_key=True),  # Verdigris-Delivery, a UUID
    id_column("account_id"),
    id_column("webhook_id"),
    Column("body", Text, nullable=False),  # the notification, JSON
    Column("status", String(16), nullable=False),  # pending, delivered, failed
    Column("tries", Integer, nullable=False),
    Column("next_try_at", Float, nullable=False),
    Column("claimed_until", Float),
    Column("created_at", Float, nullable=False),
    Index("ix_webhook_deliveries_due", "status", "next_try_at"),
    Index("ix_webhook_deliveries_webhook", "account_id", "webhook_id", "created_at"),
    info=NOT_CLONED,
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("seq", SERIAL, primary_key=True, autoincrement=True),
    Column("delivery_id", String(36), nullable=False),
    Column("try", Integer, nullable=False),
    Column("at", Float, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Float, nullable=False),
    Index("ix_webhook_attempts_delivery", "delivery_id", "seq"),
    info=NOT_CLONED,
)
