"""What goes or changes with a deleted record: its activities, and the references other
records hold to it (its relations go in writes.py through relations.forget).

A writable reference to the deleted row is cleared on every record that holds it (a
deleted company's people and opportunities lose their `company_id`, a deleted person's
opportunities their `primary_contact_id`, a task its `related_resource`), with its
counters moved to "none" and an update reported for each. Server-kept references stay
as history (a lead converted into a deleted person keeps its `converted_contact_id`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, delete, func, select, update

from verdigris.domain.declarations import DECLARATIONS, Declaration
from verdigris.domain.declarations.fields import Related
from verdigris.domain.types import Record, RecordType
from verdigris.storage import events, schema
from verdigris.storage.joined_keys import cleared
from verdigris.storage.search_rows import change_counts


def forget_record(conn: Connection, account_id: int, record_type: RecordType, old: Record) -> None:
    """Drop the deleted record's activities; clear references to it."""
    a = schema.activities
    conn.execute(
        delete(a).where(
            a.c.account_id == account_id,
            a.c.parent_type == int(record_type),
            a.c.parent_id == old["id"],
        )
    )
    target = schema.RECORD_TABLES[record_type].name
    for decl in DECLARATIONS:
        for ref in decl.references:
            if ref.target == target:
                _clear_reference(conn, account_id, decl, ref.name, old)
        for field in decl.fields:
            if isinstance(field, Related) and record_type.api_name in field.types:
                _clear_related(conn, account_id, decl, field, record_type, old["id"])


def _clear_reference(
    conn: Connection, account_id: int, decl: Declaration, name: str, old: Record
) -> None:
    table = schema.RECORD_TABLES[decl.record_type]
    ref = decl.by_name[name]
    holds = (table.c.account_id == account_id) & (table.c[ref.column] == old["id"])
    ids = _ids(conn, table, holds)
    if not ids:
        return
    if getattr(ref, "counted", False):
        _move_counts(conn, account_id, decl, table, name, old["id"], ids)
    conn.execute(update(table).where(holds).values({ref.column: None} | cleared(decl, name)))
    updated = {name: (old["id"], None)}
    for joined in decl.joins:
        if joined.via == name:
            updated[joined.name] = (old.get(joined.target_column), None)
    _report(conn, account_id, decl, ids, updated)


def _clear_related(
    conn: Connection,
    account_id: int,
    decl: Declaration,
    field: Related,
    record_type: RecordType,
    record_id: int,
) -> None:
    table = schema.RECORD_TABLES[decl.record_type]
    holds = (
        (table.c.account_id == account_id)
        & (table.c.related_type == record_type.api_name)
        & (table.c.related_id == record_id)
    )
    ids = _ids(conn, table, holds)
    if not ids:
        return
    conn.execute(update(table).where(holds).values(related_type=None, related_id=None))
    none = None if field.null_when_none else {"id": None, "type": None}
    was = {"id": record_id, "type": record_type.api_name}
    _report(conn, account_id, decl, ids, {field.name: (was, none)})


def _ids(conn: Connection, table: Table, holds: ColumnElement[bool]) -> list[int]:
    return [int(i) for i in conn.execute(select(table.c.id).where(holds)).scalars()]


def _report(
    conn: Connection,
    account_id: int,
    decl: Declaration,
    ids: Iterable[int],
    updated: Mapping[str, tuple[Any, Any]],
) -> None:
    changes = [events.Change(decl.name, "update", i, updated) for i in ids]
    events.emit(conn, account_id, changes)


def _move_counts(
    conn: Connection,
    account_id: int,
    decl: Declaration,
    table: Table,
    field: str,
    target_id: int,
    ids: list[int],
) -> None:
    """The records' counts under the reference's value move to "none"."""
    moved = {"": len(ids)}
    if decl.converted_column is not None:
        counted = (table.c.account_id == account_id) & table.c.id.in_(ids)
        still_open = select(func.count()).where(counted, ~table.c[decl.converted_column])
        moved = {"all:": len(ids), "": int(conn.execute(still_open).scalar_one())}
    for prefix, n in moved.items():
        name = prefix + field
        counts = Counter({(name, str(target_id)): n})
        change_counts(conn, account_id, decl.record_type, counts, -1)
        change_counts(conn, account_id, decl.record_type, Counter({(name, ""): n}), +1)
