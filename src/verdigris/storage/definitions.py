"""Custom field definitions: create, update (rename, available_on, options), delete.

Removing an option rewrites the records that hold it; deleting a definition
drops its options and search rows (render already ignores values of missing ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, select

from verdigris.domain import custom_fields as cf
from verdigris.domain.definitions import Definition, Option
from verdigris.domain.types import RecordType
from verdigris.errors import BadRequest, NotFound
from verdigris.parsing.definitions import DefinitionBody, OptionEntry
from verdigris.storage import schema
from verdigris.storage.columns import dumps
from verdigris.storage.ids import lock, next_id
from verdigris.storage.records import custom_field_definitions, get_stored
from verdigris.storage.search_rows import replace_record


def get_definition(conn: Connection, account_id: int, definition_id: int) -> Definition:
    for definition in custom_field_definitions(conn, account_id):
        if definition.id == definition_id:
            return definition
    raise NotFound(f"custom field definition {definition_id} not found")


def create_definition(conn: Connection, account_id: int, body: DefinitionBody) -> Definition:
    """A new definition; its id and its options' ids assigned here."""
    data_type = body.data_type or "String"
    entries = _checked_options(body.options or (), data_type)
    if any(e.id is not None for e in entries):
        raise BadRequest("options: a new definition's options cannot carry ids")
    ranked = [
        OptionEntry(None, e.name, i if e.rank is None else e.rank) for i, e in enumerate(entries)
    ]
    definition_id = next_id(conn, account_id, "custom_field_definition")
    conn.execute(
        schema.custom_field_definitions.insert(),
        {"account_id": account_id, "id": definition_id, "name": body.name,
         "data_type": data_type, "available_on": dumps(list(body.available_on or ()))},
    )  # fmt: skip
    _add_options(conn, account_id, definition_id, ranked)
    return get_definition(conn, account_id, definition_id)


def _checked_options(entries: Sequence[OptionEntry], data_type: str) -> Sequence[OptionEntry]:
    if entries and data_type not in cf.OPTION_TYPES:
        raise BadRequest(f"options: a {data_type} field has no options")
    return entries


def _add_options(
    conn: Connection, account_id: int, definition_id: int, entries: Sequence[OptionEntry]
) -> None:
    rows = [
        {"account_id": account_id, "definition_id": definition_id,
         "id": next_id(conn, account_id, "custom_field_option"), "name": e.name,
         "rank": e.rank}
        for e in entries
    ]  # fmt: skip
    if rows:
        conn.execute(schema.custom_field_options.insert(), rows)


def update_definition(
    conn: Connection, account_id: int, definition_id: int, body: DefinitionBody
) -> Definition:
    """Rename, change available_on, add/rename/remove options; data_type is fixed."""
    old = get_definition(conn, account_id, definition_id)
    if body.data_type is not None and body.data_type != old.data_type:
        raise BadRequest(f"data_type: cannot change a {old.data_type} field's type")
    d = schema.custom_field_definitions
    values: dict[str, Any] = {}
    if body.name is not None:
        values["name"] = body.name
    if body.available_on is not None:
        values["available_on"] = dumps(list(body.available_on))
    if values:
        where = (d.c.account_id == account_id) & (d.c.id == definition_id)
        conn.execute(d.update().where(where).values(**values))
    if body.options is not None:
        _replace_options(conn, account_id, old, _checked_options(body.options, old.data_type))
    return get_definition(conn, account_id, definition_id)


def _replace_options(
    conn: Connection, account_id: int, old: Definition, entries: Sequence[OptionEntry]
) -> None:
    """Entries with an id rename/re-rank that option (rank kept when not given); entries
    without one are new; options left out are removed."""
    known = {option.id: option for option in old.options}
    for i, entry in enumerate(entries):
        if entry.id is None:
            continue
        if entry.id not in known:
            raise BadRequest(f"options[{i}].id: {entry.id} is not an option of {old.id}")
        current = known[entry.id]
        rank = current.rank if entry.rank is None else entry.rank
        changed = Option(current.id, entry.name or current.name, rank)
        if changed != current:
            _rename_option(conn, account_id, old.id, changed)
    new = [
        OptionEntry(None, e.name, i if e.rank is None else e.rank)
        for i, e in enumerate(entries)
        if e.id is None
    ]
    _add_options(conn, account_id, old.id, new)
    removed = sorted(set(known) - {e.id for e in entries if e.id is not None})
    if removed:
        _remove_options(conn, account_id, old.id, removed)


def _rename_option(conn: Connection, account_id: int, definition_id: int, option: Option) -> None:
    o = schema.custom_field_options
    where = (o.c.account_id == account_id) & (o.c.definition_id == definition_id)
    conn.execute(
        o.update().where(where, o.c.id == option.id).values(name=option.name, rank=option.rank)
    )


def _remove_options(
    conn: Connection, account_id: int, definition_id: int, removed: list[int]
) -> None:
    """Drop options, then rewrite each person and lead holding one (render leaves the
    option out now, so re-storing the record as rendered removes it from its value)."""
    o, v = schema.custom_field_options, schema.custom_field_values
    lock(conn, account_id, "custom_field_option")  # seed first: removed ids stay used
    conn.execute(
        delete(o).where(o.c.account_id == account_id, o.c.definition_id == definition_id,
                        o.c.id.in_(removed))
    )  # fmt: skip
    holders = conn.execute(
        select(v.c.record_type, v.c.record_id).distinct().where(
            v.c.account_id == account_id, v.c.definition_id == definition_id,
            v.c.value_number.in_([float(i) for i in removed]),
        )
    ).all()  # fmt: skip
    types = {d.id: d.data_type for d in custom_field_definitions(conn, account_id)}
    for holder in holders:
        kind = RecordType(holder.record_type)
        record = get_stored(conn, account_id, kind, holder.record_id)
        replace_record(conn, account_id, kind, record, record, types)


def delete_definition(conn: Connection, account_id: int, definition_id: int) -> None:
    """Remove a definition, its options and its search rows; its id is never reused."""
    get_definition(conn, account_id, definition_id)
    lock(conn, account_id, "custom_field_definition")
    lock(conn, account_id, "custom_field_option")
    d, o, v = (
        schema.custom_field_definitions,
        schema.custom_field_options,
        schema.custom_field_values,
    )
    conn.execute(delete(d).where(d.c.account_id == account_id, d.c.id == definition_id))
    conn.execute(delete(o).where(o.c.account_id == account_id, o.c.definition_id == definition_id))
    conn.execute(delete(v).where(v.c.account_id == account_id, v.c.definition_id == definition_id))
