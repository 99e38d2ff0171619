"""name tokens carry their record's converted flag and default sort key

A name search sorted the default way (people by first name, leads by name) read each
match's row for its sort key and, for leads, its converted flag: 26,903 leads of a
misspelt common name took 100 ms on SQLite and 300 ms on PostgreSQL. Carried in the
token rows and their index, the matches are counted and paged from that index alone.
Decision 0213.

Revision ID: 0019
Revises: 0018
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# As declared at this revision (the types' default sorts), written out: a later change
# to the declarations must come with a migration of its own.
_INDEX = "ix_name_tokens_token"
_KEY: Any = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
_SOURCES = (
    # record type, table, default sort key column, converted flag column
    (1, "people", "first_name_key", None),
    (2, "leads", "name_key", "is_converted"),
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column(
        "name_tokens",
        sa.Column("converted", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("name_tokens", sa.Column("default_key", _KEY))
    for record_type, table, key, flag in _SOURCES:
        op.execute(_backfill(sqlite, record_type, table, key, flag))
    op.drop_index(_INDEX, table_name="name_tokens")
    op.create_index(
        _INDEX,
        "name_tokens",
        ["account_id", "record_type", "token", "record_id", "converted", "default_key"],
    )
    if sqlite:
        op.execute("PRAGMA analysis_limit=1000")
        op.execute(f"ANALYZE {_INDEX}")
    else:
        op.execute("ANALYZE name_tokens")


def _backfill(sqlite: bool, record_type: int, table: str, key: str, flag: str | None) -> str:
    values = f"{key}" if flag is None else f"{flag}, {key}"
    targets = "default_key" if flag is None else "(converted, default_key)"
    if sqlite:
        found = (
            f"(SELECT {values} FROM {table} r WHERE r.account_id = name_tokens.account_id"
            f" AND r.id = name_tokens.record_id)"
        )
        return f"UPDATE name_tokens SET {targets} = {found} WHERE record_type = {record_type}"
    assigned = f"default_key = r.{key}" + ("" if flag is None else f", converted = r.{flag}")
    return (
        f"UPDATE name_tokens SET {assigned} FROM {table} r WHERE r.account_id ="
        f" name_tokens.account_id AND r.id = name_tokens.record_id AND"
        f" name_tokens.record_type = {record_type}"
    )


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="name_tokens")
    op.create_index(_INDEX, "name_tokens", ["account_id", "record_type", "token", "record_id"])
    op.drop_column("name_tokens", "default_key")
    op.drop_column("name_tokens", "converted")
