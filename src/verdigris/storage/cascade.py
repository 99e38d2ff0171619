"""What goes or changes with a deleted record: its activities, its followers' and related
rows, and the references other records hold to it.

A writable reference to the deleted row is cleared on every record that holds it (a
deleted company's people and opportunities lose their `company_id`, a deleted person's
opportunities their `primary_contact_id`), with its counters moved to "none" and an
update reported for each. Server-kept references stay as history (a lead converted into
a deleted person keeps its `converted_contact_id`).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, Table, delete, func, select, update

from verdigris.domain.declarations import DECLARATIONS, Declaration
from verdigris.domain.declarations.fields import Ref
from verdigris.domain.types import Record, RecordType
from verdigris.storage import events, schema
from verdigris.storage.search_rows import change_counts


def forget_record(conn: Connection, account_id: int, record_type: RecordType, old: Record) -> None:
    """Drop the deleted record's activities and relation rows; clear references to it."""
    a = schema.activities
    conn.execute(
        delete(a).where(
            a.c.account_id == account_id,
            a.c.parent_type == int(record_type),
            a.c.parent_id == old["id"],
        )
    )
    if record_type is RecordType.PERSON:
        related = schema.opportunity_people
        conn.execute(
            delete(related).where(
                related.c.account_id == account_id, related.c.person_id == old["id"]
            )
        )
    target = schema.RECORD_TABLES[record_type].name
    for decl in DECLARATIONS:
        for ref in decl.references:
            if ref.target == target:
                _clear(conn, account_id, decl, ref, old)


def _clear(conn: Connection, account_id: int, decl: Declaration, ref: Ref, old: Record) -> None:
    table = schema.RECORD_TABLES[decl.record_type]
    holds = (table.c.account_id == account_id) & (table.c[ref.column] == old["id"])
    ids = [int(i) for i in conn.execute(select(table.c.id).where(holds)).scalars()]
    if not ids:
        return
    if ref.counted:
        _move_counts(conn, account_id, decl, table, ref, old["id"], ids)
    conn.execute(update(table).where(holds).values({ref.column: None}))
    updated = {ref.name: (old["id"], None)}
    for joined in decl.joins:
        if joined.via == ref.name:
            updated[joined.name] = (old.get(joined.target_column), None)
    changes = [events.Change(decl.name, "update", i, updated) for i in ids]
    events.emit(conn, account_id, changes)


def _move_counts(
    conn: Connection,
    account_id: int,
    decl: Declaration,
    table: Table,
    ref: Ref,
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
        field = prefix + ref.name
        counts = Counter({(field, str(target_id)): n})
        change_counts(conn, account_id, decl.record_type, counts, -1)
        change_counts(conn, account_id, decl.record_type, Counter({(field, ""): n}), +1)
