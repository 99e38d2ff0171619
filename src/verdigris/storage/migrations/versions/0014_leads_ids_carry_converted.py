"""leads' ids carry the converted flag

A lead search tests the ids a child-table filter gathers (tags, custom fields, emails,
names) against the primary key, and then read each lead's row for `is_converted`. The
index (account_id, id, is_converted) answers both from the index (decision 0205).

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_NAME = "ix_leads_id_is_converted"


def upgrade() -> None:
    op.create_index(_NAME, "leads", ["account_id", "id", "is_converted"])
    if op.get_bind().dialect.name == "sqlite":
        # Sampled, as a load's ANALYZE is (storage/bulk.py), so the planner knows it.
        op.execute("PRAGMA analysis_limit=1000")
        op.execute("ANALYZE leads")


def downgrade() -> None:
    op.drop_index(_NAME, table_name="leads")
