"""Read people and leads in Copper's shape: one query for the rows, one for definitions.

Search renders every result page through `load_records`, so it stays two queries
whatever the page size. Writes live in people.py and leads.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Select, bindparam, select

from verdigris.domain.definitions import Definition, Option
from verdigris.domain.types import Record, RecordType
from verdigris.domain.validation import MAX_INT
from verdigris.errors import NotFound
from verdigris.render.lead import render_lead
from verdigris.render.person import render_person
from verdigris.storage import schema

_SHARED = (
    "id", "name", "prefix", "first_name", "middle_name", "last_name", "suffix", "address",
    "assignee_id", "details", "phone_numbers", "socials", "tags", "title", "websites",
    "custom_fields", "date_created", "date_modified", "date_last_contacted", "interaction_count",
)  # fmt: skip
_PERSON = ("company_id", "contact_type_id", "emails", "leads_converted_from", "date_lead_created")
_LEAD = (
    "company_name", "customer_source_id", "email", "monetary_unit", "monetary_value",
    "status_id", "date_status_changed", "converted_opportunity_id", "converted_contact_id",
    "converted_at",
)  # fmt: skip


def _definitions_query() -> Select[Any]:
    d, o = schema.custom_field_definitions, schema.custom_field_options
    on = (o.c.account_id == d.c.account_id) & (o.c.definition_id == d.c.id)
    columns = (d.c.id, d.c.name, d.c.data_type, d.c.available_on)
    options = (o.c.id.label("option_id"), o.c.name.label("option_name"), o.c.rank)
    return (
        select(*columns, *options)
        .select_from(d.outerjoin(o, on))
        .where(d.c.account_id == bindparam("account_id"))
        .order_by(d.c.id, o.c.rank, o.c.id)
    )


# Built once: a point read is dominated by statement construction otherwise.
_DEFINITIONS = _definitions_query()


def custom_field_definitions(conn: Connection, account_id: int) -> list[Definition]:
    """The account's definitions in id order, each with its options by (rank, id)."""
    heads: dict[int, Any] = {}
    options: dict[int, list[Option]] = {}
    for row in conn.execute(_DEFINITIONS, {"account_id": account_id}):
        heads.setdefault(row.id, row)
        if row.option_id is not None:
            options.setdefault(row.id, []).append(Option(row.option_id, row.option_name, row.rank))
    return [
        Definition(r.id, r.name, r.data_type, tuple(orjson.loads(r.available_on)),
                   tuple(options.get(r.id, ())))
        for r in heads.values()
    ]  # fmt: skip


def _select(record_type: RecordType) -> Select[Any]:
    """Rows by id with their joined display names (company of a person, status of a lead)."""
    if record_type is RecordType.PERSON:
        table, names = schema.people, schema.companies
        on = (names.c.account_id == table.c.account_id) & (names.c.id == table.c.company_id)
        columns = [table.c[k] for k in _SHARED + _PERSON] + [names.c.name.label("company_name")]
    else:
        table, names = schema.leads, schema.lead_statuses
        on = (names.c.account_id == table.c.account_id) & (names.c.id == table.c.status_id)
        columns = [table.c[k] for k in _SHARED + _LEAD] + [names.c.name.label("status")]
    return (
        select(*columns)
        .select_from(table.outerjoin(names, on))
        .where(table.c.account_id == bindparam("account_id"))
        .where(table.c.id.in_(bindparam("ids", expanding=True)))
    )


_ROWS = {record_type: _select(record_type) for record_type in (RecordType.PERSON, RecordType.LEAD)}


def _rows(
    conn: Connection, account_id: int, record_type: RecordType, ids: Sequence[int]
) -> dict[int, Any]:
    # An id past BIGINT (a path or body can say anything) names no record; PostgreSQL
    # would reject it outright.
    valid = [i for i in ids if -MAX_INT <= i < MAX_INT]
    found = conn.execute(_ROWS[record_type], {"account_id": account_id, "ids": valid})
    return {row.id: row._mapping for row in found}


def load_records(
    conn: Connection, account_id: int, record_type: RecordType, ids: Sequence[int]
) -> list[Record]:
    """Rendered records in the order of `ids`; ids not in the account are skipped."""
    if not ids:
        return []
    rows = _rows(conn, account_id, record_type, ids)
    if not rows:
        return []
    definitions = custom_field_definitions(conn, account_id)
    render = render_person if record_type is RecordType.PERSON else render_lead
    return [render(rows[i], definitions) for i in ids if i in rows]


def get_record(
    conn: Connection, account_id: int, record_type: RecordType, record_id: int
) -> Record:
    """One rendered record, or NotFound (also for another account's ids)."""
    found = load_records(conn, account_id, record_type, [record_id])
    if not found:
        raise NotFound(f"{record_type.api_name} {record_id} not found")
    return found[0]


def get_stored(
    conn: Connection, account_id: int, record_type: RecordType, record_id: int
) -> Record:
    """The rendered record plus the stored-only keys writes need (a lead's
    `date_status_changed`); the input of indexing.replace_record/delete_records."""
    rows = _rows(conn, account_id, record_type, [record_id])
    if record_id not in rows:
        raise NotFound(f"{record_type.api_name} {record_id} not found")
    row = rows[record_id]
    definitions = custom_field_definitions(conn, account_id)
    if record_type is RecordType.PERSON:
        return render_person(row, definitions)
    return render_lead(row, definitions) | {"date_status_changed": row["date_status_changed"]}
