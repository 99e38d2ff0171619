"""an address value within a date range: (state or country, created or modified date)

A state's records created in a window were counted by reading the row of each of the
state's records (California, 227,000 of 1,000,000 people: 391 ms); an index of the
state's key and the date makes them one range of entries (5 ms). Decision 0206.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The tables and ranged pairs as declared at this revision (contacts.ADDRESS), written
# out: a later change to the declarations must come with a migration of its own.
_TABLES = {"people": [], "leads": ["is_converted"], "companies": []}
_KEYS = {"state": "state_key", "country": "country_key"}
_DATES = ("date_created", "date_modified")


def _indexes() -> list[tuple[str, str, list[str]]]:
    return [
        (table, f"ix_{table}_{part}_{date}", ["account_id", key, date, "id", *flag])
        for table, flag in _TABLES.items()
        for part, key in _KEYS.items()
        for date in _DATES
    ]


def upgrade() -> None:
    for table, name, columns in _indexes():
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "sqlite":
        # Sampled, as a load's ANALYZE is (storage/bulk.py), so the planner knows them.
        op.execute("PRAGMA analysis_limit=1000")
        for table in _TABLES:
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    for table, name, _columns in _indexes():
        op.drop_index(name, table_name=table)
