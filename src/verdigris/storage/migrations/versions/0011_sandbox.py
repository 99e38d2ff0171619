"""sandbox tables: accounts' settings, templates, checkpoints, fault rules, journal

The control plane of `verdigris sandbox` (docs/testing.md). `verdigris serve` never
reads or writes them.

Revision ID: 0011
Revises: 0010
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_SERIAL: Any = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.BigInteger, nullable=False, autoincrement=False)


def upgrade() -> None:
    op.create_table(
        "sandbox_accounts",
        sa.Column("account_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("template", sa.Text),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("spare", sa.Boolean, nullable=False),
        sa.Column("frozen_at", sa.Float),
        sa.Column("clock_offset", sa.Float, nullable=False),
        sa.Column("rate_requests", sa.Integer),
        sa.Column("rate_seconds", sa.Float),
        sa.Column("rate_retry_after", sa.Boolean, nullable=False),
    )
    op.create_table(
        "sandbox_templates",
        sa.Column("name", sa.String(200), primary_key=True),
        _id("account_id"),
    )
    op.create_table(
        "sandbox_checkpoints",
        _id("account_id"),
        sa.Column("name", sa.String(200), nullable=False),
        _id("copy_id"),
        sa.PrimaryKeyConstraint("account_id", "name"),
    )
    op.create_table(
        "sandbox_faults",
        sa.Column("id", _SERIAL, primary_key=True, autoincrement=True),
        _id("account_id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("matched", sa.BigInteger, nullable=False),
        sa.Column("fired", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_sandbox_faults_account", "sandbox_faults", ["account_id", "id"])
    op.create_table(
        "sandbox_journal",
        sa.Column("seq", _SERIAL, primary_key=True, autoincrement=True),
        _id("account_id"),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("route", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("entry", sa.Text, nullable=False),
    )
    op.create_index("ix_sandbox_journal_account", "sandbox_journal", ["account_id", "seq"])


def downgrade() -> None:
    for name in ("sandbox_journal", "sandbox_faults", "sandbox_checkpoints",
                 "sandbox_templates", "sandbox_accounts"):  # fmt: skip
        op.drop_table(name)
