"""Stored sort keys of names shown from other rows (JoinedKey fields: an opportunity's
company name and primary contact): filled on every write of the holder, moved when the
named row is renamed, cleared with the reference (cascade.py); a snapshot load fills them
once the rows they name are in (storage/bulk.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select, update

from verdigris.domain.declarations import DECLARATIONS, Declaration, declaration
from verdigris.domain.declarations.fields import JoinedKey, Text
from verdigris.domain.text import sort_key
from verdigris.domain.types import Record, RecordType
from verdigris.storage import schema

_CHUNK = 5_000
"""Ids per query when a load reads the names its records show (SQLite binds at most
32,766 values)."""


def _holders(target: str) -> list[tuple[Declaration, JoinedKey]]:
    return [(d, key) for d in DECLARATIONS for key in d.joined_keys if key.target == target]


def fill(
    conn: Connection, account_id: int, decl: Declaration, old: Record | None, new: Record
) -> None:
    """Set `new`'s joined keys: kept from `old` while its reference is unchanged, else
    read from the row it now names."""
    for key in decl.joined_keys:
        named = new[key.via]
        if old is not None and old.get(key.via) == named:
            new[key.name] = old.get(key.name)
            continue
        new[key.name] = None if named is None else _key_of(conn, account_id, key, named)


def _key_of(conn: Connection, account_id: int, key: JoinedKey, row_id: int) -> Any:
    target = schema.metadata.tables[key.target]
    query = select(target.c[key.target_column]).where(
        target.c.account_id == account_id, target.c.id == row_id
    )
    return conn.execute(query).scalar()


def follow_rename(
    conn: Connection, account_id: int, record_type: RecordType, old: Record, new: Record
) -> None:
    """After a record of `record_type` changed: move the keys other records hold of its
    name, when that name changed."""
    decl = declaration(record_type)
    for holder, key in _holders(decl.table):
        source = next(f for f in decl.fields if isinstance(f, Text) and
                      f.sort_key == key.target_column)  # fmt: skip
        if old.get(source.name) == new.get(source.name):
            continue
        table = schema.RECORD_TABLES[holder.record_type]
        via = table.c[holder.by_name[key.via].column]
        conn.execute(
            update(table)
            .where(table.c.account_id == account_id, via == new["id"])
            .values({key.column: sort_key(new.get(source.name))})
        )


def cleared(decl: Declaration, via: str) -> dict[str, None]:
    """Column values clearing the keys held through the reference `via`."""
    return {key.column: None for key in decl.joined_keys if key.via == via}


def fill_many(
    conn: Connection, account_id: int, decl: Declaration, records: Sequence[Record]
) -> None:
    """Set the joined keys of many new records (a load), reading the rows they name
    `_CHUNK` ids at a time."""
    for key in decl.joined_keys:
        named = sorted({r[key.via] for r in records if r.get(key.via) is not None})
        target = schema.metadata.tables[key.target]
        found: dict[int, Any] = {}
        for start in range(0, len(named), _CHUNK):
            query = select(target.c.id, target.c[key.target_column]).where(
                target.c.account_id == account_id, target.c.id.in_(named[start : start + _CHUNK])
            )
            found.update(conn.execute(query).tuples().all())
        for record in records:
            record[key.name] = found.get(record.get(key.via))  # type: ignore[arg-type]
