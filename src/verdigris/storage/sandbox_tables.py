"""The test kit's control plane (storage/sandbox.py; `verdigris sandbox` only), on the one
`schema.metadata` (schema.py imports this module last).

None of these is copied when an account is cloned (`NOT_CLONED`): they describe an
account, they are not its Copper data.
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

sandbox_accounts = Table(
    "sandbox_accounts",
    metadata,
    Column("account_id", BigInteger, primary_key=True, autoincrement=False),
    Column("template", Text),  # what `reset` goes back to
    Column("hidden", Boolean, nullable=False, default=False),  # a template or checkpoint
    Column("spare", Boolean, nullable=False, default=False),  # a ready clone of `template`
    Column("frozen_at", Float),  # the account's clock, frozen at this time
    Column("clock_offset", Float, nullable=False, default=0.0),  # else real time plus this
    Column("rate_requests", Integer),  # Copper's rate limit, on for this account
    Column("rate_seconds", Float),
    Column("rate_retry_after", Boolean, nullable=False, default=True),
    info=NOT_CLONED,
)

sandbox_templates = Table(
    "sandbox_templates",
    metadata,
    Column("name", String(200), primary_key=True),
    id_column("account_id"),
    info=NOT_CLONED,
)

sandbox_checkpoints = Table(
    "sandbox_checkpoints",
    metadata,
    id_column("account_id"),
    Column("name", String(200), nullable=False),
    id_column("copy_id"),  # the hidden account holding the copy
    PrimaryKeyConstraint("account_id", "name"),
    info=NOT_CLONED,
)

sandbox_faults = Table(
    "sandbox_faults",
    metadata,
    Column("id", SERIAL, primary_key=True, autoincrement=True),
    id_column("account_id"),
    Column("name", String(200), nullable=False),
    Column("rule", Text, nullable=False),  # the rule as given, JSON
    Column("matched", BigInteger, nullable=False, default=0),
    Column("fired", BigInteger, nullable=False, default=0),
    Index("ix_sandbox_faults_account", "account_id", "id"),
    info=NOT_CLONED,
)

sandbox_journal = Table(
    "sandbox_journal",
    metadata,
    Column("seq", SERIAL, primary_key=True, autoincrement=True),
    id_column("account_id"),  # 0: a token no account has
    Column("method", String(16), nullable=False),
    Column("route", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("entry", Text, nullable=False),  # the whole entry, JSON
    Index("ix_sandbox_journal_account", "account_id", "seq"),
    info=NOT_CLONED,
)
