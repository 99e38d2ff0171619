"""PostgreSQL's statistics of the records whose address match key differs from its sort key

An address value is found in two cases: its sort key, or (for a value written with
spaces around it) its match key, through a partial index of those few records.
PostgreSQL cannot tell how few they are from the two columns' statistics: it guessed
45,000 of 1,000,000 people of one country and walked a whole sort index looking for
them (2.4 s). The statistics of the expression itself, read where the search writes it
as `(...) IS TRUE` too (dialect.Uncommon), tell it they are next to none (0.2 ms).
SQLite keeps no such statistics and needs none: nothing changes there.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# As declared at this revision (ADDRESS_KEYS, record_tables.padded_statistics), written
# out: a later change to the declarations must come with a migration of its own.
_TABLES = ("people", "leads", "companies")
_KEYS = {
    "city": ("city_key", "city_match"),
    "state": ("state_key", "state_match"),
    "postal_code": ("zip_key", "postal_code_match"),
    "country": ("country_key", "country_match"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        for part, (key, match) in _KEYS.items():
            op.execute(
                f"CREATE STATISTICS IF NOT EXISTS st_{table}_{part}_padded"
                f" ON ({key} IS DISTINCT FROM {match}) FROM {table}"
            )
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        for part in _KEYS:
            op.execute(f"DROP STATISTICS IF EXISTS st_{table}_{part}_padded")
