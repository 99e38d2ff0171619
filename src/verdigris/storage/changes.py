"""What people.py and leads.py share: apply a validated body to a record, check the
ids it references, and store the result through indexing (search rows stay in step).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, select

from verdigris.domain.custom_fields import unset_value
from verdigris.domain.definitions import Definition
from verdigris.domain.types import Record, RecordType
from verdigris.domain.validation import Cleaned, derive_names
from verdigris.errors import BadRequest
from verdigris.storage import schema
from verdigris.storage.indexing import insert_records, replace_record
from verdigris.storage.records import get_record

REFERENCES: dict[str, Column[int]] = {
    "assignee_id": schema.users.c.id,
    "company_id": schema.companies.c.id,
    "contact_type_id": schema.contact_types.c.id,
    "customer_source_id": schema.customer_sources.c.id,
    "status_id": schema.lead_statuses.c.id,
}


def apply(
    record: Record, changes: Cleaned, definitions: Sequence[Definition], type_name: str
) -> Record:
    """A new record: `record` with `changes` applied, names derived, custom fields merged."""
    new = {**record, **{k: v for k, v in changes.items() if k != "custom_fields"}}
    current = {e["custom_field_definition_id"]: e["value"] for e in record["custom_fields"]}
    current.update(changes.get("custom_fields", {}))
    new["custom_fields"] = [
        {"custom_field_definition_id": d.id, "value": _shown(d, current.get(d.id))}
        for d in definitions
        if d.is_on(type_name)
    ]
    derive_names(new, changes)
    return new


def _shown(definition: Definition, value: Any) -> Any:
    return unset_value(definition.data_type) if value is None else value


def check_references(conn: Connection, account_id: int, changes: Mapping[str, Any]) -> None:
    """Each id the body sets must name a row of the account, else 400 naming the field."""
    for key, column in REFERENCES.items():
        value = changes.get(key)
        if value is None:
            continue
        table = column.table
        found = conn.execute(
            select(column).where(table.c.account_id == account_id, column == value)
        ).first()
        if found is None:
            raise BadRequest(f"{key}: no {key.removesuffix('_id').replace('_', ' ')} {value}")


def custom_types(definitions: Sequence[Definition]) -> dict[int, str]:
    return {d.id: d.data_type for d in definitions}


def store_new(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    record: Record,
    definitions: Sequence[Definition],
) -> Record:
    insert_records(conn, account_id, record_type, [record], custom_types(definitions))
    return get_record(conn, account_id, record_type, record["id"])


def store_update(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    old: Record,
    new: Record,
    definitions: Sequence[Definition],
) -> Record:
    replace_record(conn, account_id, record_type, old, new, custom_types(definitions))
    return get_record(conn, account_id, record_type, new["id"])
