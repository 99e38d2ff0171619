"""Custom field definitions: create, update (rename, available_on, options), delete.

Removing an option rewrites the people and leads that hold it; deleting a definition
drops its options and search rows (render already ignores values of missing ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, delete, select

from verdigris.domain import custom_fields as cf
from verdigris.domain.definitions import Definition, Option
from verdigris.domain.types import RecordType
from verdigris.domain.validation import check_strings, is_int
from verdigris.errors import BadRequest, NotFound
from verdigris.storage import schema
from verdigris.storage.ids import lock, next_id
from verdigris.storage.indexing import replace_record
from verdigris.storage.records import custom_field_definitions, get_stored


def get_definition(conn: Connection, account_id: int, definition_id: int) -> Definition:
    for definition in custom_field_definitions(conn, account_id):
        if definition.id == definition_id:
            return definition
    raise NotFound(f"custom field definition {definition_id} not found")


def _name(value: Any, key: str = "name") -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{key}: must be a non-empty string")
    return value.strip()


def _available_on(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or any(v not in cf.AVAILABLE_ON for v in value):
        raise BadRequest(f"available_on: must be a list of {', '.join(cf.AVAILABLE_ON)}")
    return tuple(dict.fromkeys(value))


def _data_type(value: Any) -> str:
    if value not in cf.DATA_TYPES:
        raise BadRequest(f"data_type: must be one of {', '.join(cf.DATA_TYPES)}")
    return str(value)


def _options(value: Any, data_type: str) -> list[dict[str, Any]]:
    """Checked option entries {id?, name, rank}; only Dropdown and MultiSelect have any."""
    if value is None or value == []:
        return []
    if data_type not in cf.OPTION_TYPES:
        raise BadRequest(f"options: a {data_type} field has no options")
    if not isinstance(value, list):
        raise BadRequest("options: must be a list of {name, rank}")
    out = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise BadRequest(f"options[{i}]: must be an object {{name, rank}}")
        rank = entry.get("rank")
        if (rank is not None and not is_int(rank)) or ("id" in entry and not is_int(entry["id"])):
            raise BadRequest(f"options[{i}]: id and rank must be integers")
        # An existing option (with its id) may leave its name out: it keeps it.
        keep = "id" in entry and entry.get("name") is None
        name = None if keep else _name(entry.get("name"), f"options[{i}].name")
        out.append({"id": entry.get("id"), "name": name, "rank": rank})
    names = [o["name"].casefold() for o in out if o["name"] is not None]
    if len(set(names)) != len(names):
        raise BadRequest("options: two options have the same name")
    return out


def create_definition(conn: Connection, account_id: int, body: dict[str, Any]) -> Definition:
    """A new definition from `{name, data_type, available_on, options}`; ids assigned."""
    check_strings(body)
    name = _name(body.get("name"))
    data_type = _data_type(body.get("data_type"))
    available_on = _available_on(body.get("available_on"))
    entries = _options(body.get("options"), data_type)
    if any(e["id"] is not None for e in entries):
        raise BadRequest("options: a new definition's options cannot carry ids")
    entries = [{**e, "rank": i if e["rank"] is None else e["rank"]} for i, e in enumerate(entries)]
    definition_id = next_id(conn, account_id, "custom_field_definition")
    conn.execute(
        schema.custom_field_definitions.insert(),
        {"account_id": account_id, "id": definition_id, "name": name, "data_type": data_type,
         "available_on": orjson.dumps(list(available_on)).decode()},
    )  # fmt: skip
    _add_options(conn, account_id, definition_id, entries)
    return get_definition(conn, account_id, definition_id)


def _add_options(
    conn: Connection, account_id: int, definition_id: int, entries: Sequence[dict[str, Any]]
) -> None:
    rows = [
        {"account_id": account_id, "definition_id": definition_id,
         "id": next_id(conn, account_id, "custom_field_option"), "name": e["name"],
         "rank": e["rank"]}
        for e in entries
    ]  # fmt: skip
    if rows:
        conn.execute(schema.custom_field_options.insert(), rows)


def update_definition(
    conn: Connection, account_id: int, definition_id: int, body: dict[str, Any]
) -> Definition:
    """Rename, change available_on, add/rename/remove options; data_type is fixed."""
    check_strings(body)
    old = get_definition(conn, account_id, definition_id)
    if "data_type" in body and body["data_type"] != old.data_type:
        raise BadRequest(f"data_type: cannot change a {old.data_type} field's type")
    d = schema.custom_field_definitions
    values: dict[str, Any] = {}
    if "name" in body:
        values["name"] = _name(body["name"])
    if "available_on" in body:
        values["available_on"] = orjson.dumps(list(_available_on(body["available_on"]))).decode()
    if values:
        where = (d.c.account_id == account_id) & (d.c.id == definition_id)
        conn.execute(d.update().where(where).values(**values))
    if "options" in body:
        _replace_options(conn, account_id, old, _options(body["options"], old.data_type))
    return get_definition(conn, account_id, definition_id)


def _replace_options(
    conn: Connection, account_id: int, old: Definition, entries: list[dict[str, Any]]
) -> None:
    """Entries with an id rename/re-rank that option (rank kept when not given); entries
    without one are new; options left out are removed."""
    known = {option.id: option for option in old.options}
    for i, entry in enumerate(entries):
        if entry["id"] is None:
            continue
        if entry["id"] not in known:
            raise BadRequest(f"options[{i}].id: {entry['id']} is not an option of {old.id}")
        current = known[entry["id"]]
        rank = current.rank if entry["rank"] is None else entry["rank"]
        changed = Option(current.id, entry["name"] or current.name, rank)
        if changed != current:
            _rename_option(conn, account_id, old.id, changed)
    new = [{**e, "rank": i if e["rank"] is None else e["rank"]} for i, e in enumerate(entries)]
    _add_options(conn, account_id, old.id, [e for e in new if e["id"] is None])
    removed = sorted(set(known) - {e["id"] for e in entries})
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
        if holder.record_type in (RecordType.PERSON, RecordType.LEAD):
            kind = RecordType(holder.record_type)
            record = get_stored(conn, account_id, kind, holder.record_id)
            replace_record(conn, account_id, kind, record, record, types)
    # Companies and opportunities keep their own JSON; their search rows go here.
    conn.execute(
        delete(v).where(v.c.account_id == account_id, v.c.definition_id == definition_id,
                        v.c.value_number.in_([float(i) for i in removed]))
    )  # fmt: skip


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
