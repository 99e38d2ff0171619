"""the records whose converted flag is set, indexed apart (converted leads)

A search of leads leaves converted ones out. Where the matches' ids come from a custom
field's value index, testing each one's flag cost a seek of the leads' index per match
(100,000 leads holding a checkbox: 71 ms on SQLite; PostgreSQL hashed every open lead,
125 ms); reading the few converted leads' ids once from an index of their own and
leaving them out takes 30-35 ms on both. Decision 0207.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# As declared at this revision (record_tables.flag_set_index), written out.
_NAME, _TABLE, _FLAG = "ix_leads_is_converted_set", "leads", "is_converted"


def upgrade() -> None:
    op.create_index(
        _NAME,
        _TABLE,
        ["account_id", "id"],
        sqlite_where=sa.text(f"{_FLAG} = 1"),
        postgresql_where=sa.text(_FLAG),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA analysis_limit=1000")
        op.execute(f"ANALYZE {_NAME}")


def downgrade() -> None:
    op.drop_index(_NAME, table_name=_TABLE)
