"""leads' indexes carry the converted flag

Every lead search leaves converted leads out unless asked, so every index entry it walks
or counts was followed by a row read for `is_converted`. Each (account_id, column, id)
index of leads now ends with `is_converted` (decision 0205): the same order, and the
flag read from the index.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_COLUMNS = (
    "assignee_id", "city_key", "company_name_key", "country_key", "customer_source_id",
    "date_created", "date_last_contacted", "date_modified", "date_status_changed",
    "email_key", "first_name_key", "interaction_count", "last_name_key", "monetary_value",
    "name_key", "phone_key", "socials_key", "state_key", "status_id", "title_key", "zip_key",
)  # fmt: skip
_PADDED = {
    "city": ("city_key", "city_match"),
    "state": ("state_key", "state_match"),
    "postal_code": ("zip_key", "postal_code_match"),
    "country": ("country_key", "country_match"),
}
_FLAG = "is_converted"


def upgrade() -> None:
    _rebuild([_FLAG])


def downgrade() -> None:
    _rebuild([])


def _rebuild(flag: list[str]) -> None:
    _rebuild_indexes(flag)
    if op.get_bind().dialect.name == "sqlite":
        # Dropping an index drops its statistics; without them SQLite took a whole index
        # of leads to test three ids. Sampled, as a load's ANALYZE is (storage/bulk.py).
        op.execute("PRAGMA analysis_limit=1000")
        op.execute("ANALYZE leads")


def _rebuild_indexes(flag: list[str]) -> None:
    for column in _COLUMNS:
        name = f"ix_leads_{column}"
        op.drop_index(name, table_name="leads")
        op.create_index(name, "leads", ["account_id", column, "id", *flag])
    for part, (key, match) in _PADDED.items():
        name = f"ix_leads_{part}_padded"
        op.drop_index(name, table_name="leads")
        op.create_index(
            name,
            "leads",
            ["account_id", match, "id", *flag],
            postgresql_where=sa.text(f"{key} IS DISTINCT FROM {match}"),
            sqlite_where=sa.text(f"{key} IS NOT {match}"),
        )
