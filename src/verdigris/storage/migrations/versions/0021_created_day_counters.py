"""records counted by the day they were created (`value_counts` field `created_day`)

A search by a created window alone sums its whole days from these counters and counts
only its two partial days through the index (search/created_window.py). Existing
records are counted here, grouped by day inside the database.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# As declared at this revision (schema.RECORD_TABLES, storage/created_days.py).
_TABLES = {"people": 1, "leads": 2, "companies": 3, "opportunities": 4, "tasks": 5,
           "projects": 6}  # fmt: skip
_CONVERTED = {"leads": "is_converted"}
_FIELD = "created_day"
_DAY = 86_400
_SHIFT = 2**47
_WIDTH = 15
# The floor of seconds / day on both databases (their % truncates towards zero).
_DAY_OF = f"(date_created - ((date_created % {_DAY}) + {_DAY}) % {_DAY}) / {_DAY}"


def upgrade() -> None:
    conn = op.get_bind()
    for table, kind in _TABLES.items():
        converted = _CONVERTED.get(table)
        if converted is None:
            _count(conn, table, kind, _FIELD, "")
        else:
            _count(conn, table, kind, f"all:{_FIELD}", "")
            _count(conn, table, kind, _FIELD, f"WHERE NOT {converted}")


def _count(conn: sa.Connection, table: str, kind: int, field: str, where: str) -> None:
    days = conn.execute(
        sa.text(
            f"SELECT account_id, {_DAY_OF} AS d, count(*) AS n FROM {table} {where}"
            " GROUP BY account_id, d"
        )
    )
    rows = [
        {"a": a, "k": kind, "f": field, "v": str(int(d) + _SHIFT).zfill(_WIDTH), "n": n}
        for a, d, n in days
    ]
    if rows:
        conn.execute(
            sa.text(
                "INSERT INTO value_counts (account_id, record_type, field, value, n)"
                " VALUES (:a, :k, :f, :v, :n)"
            ),
            rows,
        )


def downgrade() -> None:
    op.execute(f"DELETE FROM value_counts WHERE field IN ('{_FIELD}', 'all:{_FIELD}')")
