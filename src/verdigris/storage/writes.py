"""Create, update and delete records of any declared type, inside the caller's write
transaction: apply a validated body, check the ids it references, run the type's own
rules (rules.py), keep search rows and counters in step (search_rows.py), and report
the change (events.py). A failure anywhere leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, singledispatch
from typing import Any

from sqlalchemy import Connection

from verdigris.domain.custom_fields import unset_value
from verdigris.domain.declarations import Declaration, declaration
from verdigris.domain.declarations.fields import (
    Choice,
    Count,
    CustomFields,
    Entries,
    Field,
    JsonList,
    Related,
    Tags,
    Text,
    Timestamp,
)
from verdigris.domain.definitions import Definition
from verdigris.domain.names import derive_names
from verdigris.domain.types import Record, RecordType
from verdigris.errors import Unprocessable
from verdigris.parsing.records import Changes
from verdigris.storage import events, joined_keys, relations
from verdigris.storage.cascade import forget_record
from verdigris.storage.companies import CompanyRules
from verdigris.storage.ids import lock, next_id
from verdigris.storage.leads import LeadRules
from verdigris.storage.lookups import require_row
from verdigris.storage.opportunities import OpportunityRules
from verdigris.storage.people import PersonRules
from verdigris.storage.records import (
    custom_field_definitions,
    definitions_read_once,
    get_record,
    get_stored,
)
from verdigris.storage.rules import Rules
from verdigris.storage.search_rows import delete_records, insert_records, replace_record
from verdigris.storage.tasks import ProjectRules, TaskRules

RULES: dict[RecordType, Rules] = {
    RecordType.PERSON: PersonRules(),
    RecordType.LEAD: LeadRules(),
    RecordType.OPPORTUNITY: OpportunityRules(),
    RecordType.COMPANY: CompanyRules(),
    RecordType.TASK: TaskRules(),
    RecordType.PROJECT: ProjectRules(),
}


def rules_for(record_type: RecordType) -> Rules:
    return RULES.get(record_type) or Rules()


@singledispatch
def empty_value(field: Field, now: int) -> Any:
    """A field's value on a new record before a body is applied."""
    return None


@empty_value.register(Entries)
@empty_value.register(Tags)
@empty_value.register(JsonList)
@empty_value.register(CustomFields)
def _(field: Field, now: int) -> Any:
    return []


@empty_value.register
def _(field: Related, now: int) -> Any:
    return None if field.null_when_none else {"id": None, "type": None}


@empty_value.register
def _(field: Count, now: int) -> Any:
    return 0


@empty_value.register
def _(field: Choice, now: int) -> Any:
    return field.default


@empty_value.register
def _(field: Timestamp, now: int) -> Any:
    return now if field.default_now or field.default_from else None


def blank(decl: Declaration, now: int) -> Record:
    """A record with every field (and stored-only value) at its empty value, at `now`."""
    return {name: empty(field, now) for name, empty, field in _empty_values(decl)}


@cache
def _empty_values(decl: Declaration) -> tuple[tuple[str, Any, Field], ...]:
    """Each field with its `empty_value` implementation, dispatched once (a bulk create
    makes hundreds of blank records)."""
    fields = (*decl.fields, *decl.stored)
    return tuple((f.name, empty_value.dispatch(type(f)), f) for f in fields)


def apply(
    decl: Declaration, record: Record, changes: Changes, definitions: Sequence[Definition]
) -> Record:
    """A new record: `record` with `changes` applied, names derived, custom fields merged;
    Unprocessable when it is left without a name."""
    new = {**record, **changes.values}
    if decl.custom_fields is not None:
        current = {e["custom_field_definition_id"]: e["value"] for e in record["custom_fields"]}
        current.update(changes.custom or {})
        new["custom_fields"] = [
            {"custom_field_definition_id": d.id, "value": _shown(d, current.get(d.id))}
            for d in definitions
            if d.is_on(decl.name)
        ]
    if decl.person_name:
        derive_names(new, changes.values.keys())
    _check_name(decl, new)
    return new


def _shown(definition: Definition, value: Any) -> Any:
    return unset_value(definition.data_type) if value is None else value


def _check_name(decl: Declaration, record: Record) -> None:
    name = decl.by_name.get("name")
    if not isinstance(name, Text) or (not name.required and not decl.person_name):
        return
    if not record.get("name"):
        if decl.person_name:
            raise Unprocessable("name: a name (or a first_name or last_name) is required")
        raise Unprocessable(f"name: a {decl.name} needs a name")


def check_references(
    conn: Connection, account_id: int, decl: Declaration, changes: Changes
) -> None:
    """Each id the body sets must name a row of the account, else 400 naming the field."""
    for ref in decl.references:
        value = changes.get(ref.name)
        if value is not None:
            require_row(conn, account_id, ref.target, ref.name, value)


def custom_types(definitions: Sequence[Definition]) -> dict[int, str]:
    return {d.id: d.data_type for d in definitions}


@definitions_read_once
def create_record(
    conn: Connection, account_id: int, record_type: RecordType, changes: Changes, now: int
) -> Record:
    """A new record from a validated create body; its id is assigned here."""
    decl = declaration(record_type)
    definitions = custom_field_definitions(conn, account_id)
    record = apply(decl, blank(decl, now), changes, definitions)
    check_references(conn, account_id, decl, changes)
    record["id"] = next_id(conn, account_id, decl.name)
    rules = rules_for(record_type)
    rules.prepare(conn, account_id, None, record, changes, now)
    joined_keys.fill(conn, account_id, decl, None, record)
    insert_records(conn, account_id, record_type, [record], custom_types(definitions))
    relations.sync(conn, account_id, record_type, None, record)
    rules.after_write(conn, account_id, record, changes, now)
    events.emit(conn, account_id, [events.Change(decl.name, "new", record["id"])])
    return get_record(conn, account_id, record_type, record["id"])


@definitions_read_once
def update_record(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    record_id: int,
    changes: Changes,
    now: int,
) -> Record:
    """Apply a validated update body: only the keys present change (404 when absent)."""
    decl = declaration(record_type)
    old = get_stored(conn, account_id, record_type, record_id)
    definitions = custom_field_definitions(conn, account_id)
    new = apply(decl, old, changes, definitions) | {"date_modified": now}
    check_references(conn, account_id, decl, changes)
    return store_update(conn, account_id, record_type, old, new, changes, now, definitions)


@definitions_read_once
def store_update(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    old: Record,
    new: Record,
    changes: Changes,
    now: int,
    definitions: Sequence[Definition] | None = None,
) -> Record:
    """Store `new` in place of `old` (as get_stored read it), with the type's rules, and
    report the fields that changed."""
    if definitions is None:
        definitions = custom_field_definitions(conn, account_id)
    rules = rules_for(record_type)
    rules.prepare(conn, account_id, old, new, changes, now)
    joined_keys.fill(conn, account_id, declaration(record_type), old, new)
    replace_record(conn, account_id, record_type, old, new, custom_types(definitions))
    joined_keys.follow_rename(conn, account_id, record_type, old, new)
    relations.sync(conn, account_id, record_type, old, new)
    rules.after_write(conn, account_id, new, changes, now)
    stored = get_record(conn, account_id, record_type, new["id"])
    updated = events.updated_fields(old, stored)
    name = declaration(record_type).name
    events.emit(conn, account_id, [events.Change(name, "update", new["id"], updated)])
    return stored


def delete_record(
    conn: Connection, account_id: int, record_type: RecordType, record_id: int
) -> dict[str, Any]:
    """Delete a record with its search rows, followers and what links to it (404 when
    absent): `{"id", "is_deleted": true}`."""
    decl = declaration(record_type)
    old = get_stored(conn, account_id, record_type, record_id)
    lock(conn, account_id, decl.name)  # seeds the counter first: a deleted id is never reused
    delete_records(conn, account_id, record_type, [old])
    relations.forget(conn, account_id, (record_type, record_id))
    forget_record(conn, account_id, record_type, old)
    rules_for(record_type).after_delete(conn, account_id, old)
    events.emit(conn, account_id, [events.Change(decl.name, "delete", record_id)])
    return {"id": record_id, "is_deleted": True}
