"""child tables keyed by record, rows in their key on SQLite

name_tokens is keyed by (account, type, record, token) like the other child tables,
with a covering index by token for name search: a bulk load appends to its key
instead of inserting at random. On SQLite the tables that are all key keep their rows
in the key's B-tree (WITHOUT ROWID), which SQLite can only do by rebuilding them.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_RECORD_KEY = ("account_id", "record_type", "record_id")


def _id(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), autoincrement=False, nullable=False)


def _kind() -> sa.Column[int]:
    return sa.Column("record_type", sa.SmallInteger(), nullable=False)


def _child(name: str, value: str) -> sa.Table:
    return sa.Table(
        name,
        sa.MetaData(),
        _id("account_id"),
        _kind(),
        _id("record_id"),
        sa.Column(value, sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(*_RECORD_KEY, value),
        sa.Index(f"ix_{name}_value", "account_id", "record_type", value, "record_id"),
        sqlite_with_rowid=False,
    )


def _tables() -> list[sa.Table]:
    """The tables as this revision leaves them (frozen here, not read from schema.py)."""
    return [
        _child("record_tags", "tag_key"),
        _child("record_emails", "email_key"),
        _child("record_phones", "digits"),
        _child("record_socials", "url_key"),
        sa.Table(
            "followers",
            sa.MetaData(),
            _id("account_id"),
            _kind(),
            _id("user_id"),
            _id("record_id"),
            sa.PrimaryKeyConstraint("account_id", "record_type", "user_id", "record_id"),
            sa.Index("ix_followers_record", *_RECORD_KEY),
            sqlite_with_rowid=False,
        ),
        sa.Table(
            "custom_field_values",
            sa.MetaData(),
            _id("account_id"),
            _kind(),
            _id("record_id"),
            _id("definition_id"),
            sa.Column("value_number", sa.Float(), nullable=True),
            sa.Column("value_text", sa.Text(), nullable=True),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint(*_RECORD_KEY, "definition_id", "position"),
            sa.Index(
                "ix_cfv_number",
                "account_id",
                "record_type",
                "definition_id",
                "value_number",
                "record_id",
            ),
            sa.Index("ix_cfv_text", "account_id", "record_type", "definition_id", "value_text"),
            sqlite_with_rowid=False,
        ),
        _name_tokens(),
        sa.Table(
            "token_variants",
            sa.MetaData(),
            _id("account_id"),
            sa.Column("variant", sa.Text(), nullable=False),
            sa.Column("token", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("account_id", "variant", "token"),
            sqlite_with_rowid=False,
        ),
        sa.Table(
            "value_counts",
            sa.MetaData(),
            _id("account_id"),
            _kind(),
            sa.Column("field", sa.String(length=32), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.Column("n", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("account_id", "record_type", "field", "value"),
            sqlite_with_rowid=False,
        ),
    ]


def _name_tokens() -> sa.Table:
    return sa.Table(
        "name_tokens",
        sa.MetaData(),
        _id("account_id"),
        _kind(),
        sa.Column("token", sa.Text(), nullable=False),
        _id("record_id"),
        sa.PrimaryKeyConstraint(*_RECORD_KEY, "token"),
        sa.Index("ix_name_tokens_token", "account_id", "record_type", "token", "record_id"),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint("name_tokens_pkey", "name_tokens", type_="primary")
        op.create_primary_key("name_tokens_pkey", "name_tokens", [*_RECORD_KEY, "token"])
        by_token = ["account_id", "record_type", "token", "record_id"]
        op.create_index("ix_name_tokens_token", "name_tokens", by_token)
        return
    for table in _tables():
        _rebuild(bind, table)


def _rebuild(bind: sa.Connection, table: sa.Table) -> None:
    """Recreate a SQLite table from its definition above, keeping its rows."""
    old = f"_old_{table.name}"
    op.execute(f'ALTER TABLE "{table.name}" RENAME TO "{old}"')
    for index in table.indexes:  # they moved with the table, under the same names
        op.execute(f'DROP INDEX IF EXISTS "{index.name}"')
    table.create(bind)
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    op.execute(f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM "{old}"')
    op.execute(f'DROP TABLE "{old}"')


def downgrade() -> None:
    raise NotImplementedError("migrations are forward only")
