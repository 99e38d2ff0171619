"""The few statements that differ between SQLite and PostgreSQL; nothing else branches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose primary key is already there."""
    if not rows:
        return
    module = sqlite if conn.dialect.name == "sqlite" else postgresql
    conn.execute(module.insert(table).on_conflict_do_nothing(), list(rows))


def add_to_counter(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Upsert rows of `table` adding their `n` to the stored `n`."""
    if not rows:
        return
    module = sqlite if conn.dialect.name == "sqlite" else postgresql
    statement = module.insert(table)
    keys = [c.name for c in table.primary_key.columns]
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={"n": table.c.n + statement.excluded.n}
    )
    conn.execute(statement, list(rows))
