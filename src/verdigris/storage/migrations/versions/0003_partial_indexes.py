"""partial indexes for address matches and custom field values

An address part's match key is its sort key trimmed, so equality filters look up the
sort key's index; only the values with spaces around them (match key distinct from
sort key) keep an index on the match key. Custom field values are numbers or texts:
each of the two value indexes holds only its kind. Ten fewer full indexes to keep and
to rebuild after a bulk load.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ADDRESS = {
    "city": ("city_key", "city_match"),
    "state": ("state_key", "state_match"),
    "postal_code": ("zip_key", "postal_code_match"),
    "country": ("country_key", "country_match"),
}
_VALUE_INDEXES = {
    "ix_cfv_number": (["account_id", "record_type", "definition_id", "value_number", "record_id"],
                      "value_number"),
    "ix_cfv_text": (["account_id", "record_type", "definition_id", "value_text"], "value_text"),
}  # fmt: skip


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    distinct = "IS NOT" if sqlite else "IS DISTINCT FROM"
    for table in ("people", "leads"):
        for part, (key, match) in _ADDRESS.items():
            op.drop_index(f"ix_{table}_{match}", table_name=table)
            where = sa.text(f"{key} {distinct} {match}")
            op.create_index(
                f"ix_{table}_{part}_padded", table, ["account_id", match, "id"],
                sqlite_where=where, postgresql_where=where,
            )  # fmt: skip
    for name, (columns, value) in _VALUE_INDEXES.items():
        op.drop_index(name, table_name="custom_field_values")
        where = sa.text(f"{value} IS NOT NULL")
        op.create_index(
            name, "custom_field_values", columns, sqlite_where=where, postgresql_where=where
        )


def downgrade() -> None:
    raise NotImplementedError("migrations are forward only")
