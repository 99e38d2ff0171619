"""Read people and leads in Copper's shape: one query for the rows, one for definitions.

Search renders every result page through `load_records`, so it stays two queries
whatever the page size. Writes live in people.py and leads.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Select, select

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


def custom_field_definitions(conn: Connection, account_id: int) -> list[Definition]:
    """The account's definitions in id order, each with its options by (rank, id)."""
    d, o = schema.custom_field_definitions, schema.custom_field_options
    options: dict[int, list[Option]] = {}
    option_rows = conn.execute(
        select(o.c.definition_id, o.c.id, o.c.name, o.c.rank)
        .where(o.c.account_id == account_id)
        .order_by(o.c.rank, o.c.id)
    )
    for row in option_rows:
        options.setdefault(row.definition_id, []).append(Option(row.id, row.name, row.rank))
    rows = conn.execute(
        select(d.c.id, d.c.name, d.c.data_type, d.c.available_on)
        .where(d.c.account_id == account_id)
        .order_by(d.c.id)
    )
    return [
        Definition(r.id, r.name, r.data_type, tuple(orjson.loads(r.available_on)),
                   tuple(options.get(r.id, ())))
        for r in rows
    ]  # fmt: skip


def _select(account_id: int, record_type: RecordType) -> Select[Any]:
    """Rows with their joined display names (company of a person, status of a lead)."""
    if record_type is RecordType.PERSON:
        p, c = schema.people, schema.companies
        on = (c.c.account_id == p.c.account_id) & (c.c.id == p.c.company_id)
        columns = [p.c[k] for k in _SHARED + _PERSON] + [c.c.name.label("company_name")]
        return select(*columns).select_from(p.outerjoin(c, on)).where(p.c.account_id == account_id)
    lead, s = schema.leads, schema.lead_statuses
    on = (s.c.account_id == lead.c.account_id) & (s.c.id == lead.c.status_id)
    columns = [lead.c[k] for k in _SHARED + _LEAD] + [s.c.name.label("status")]
    joined = lead.outerjoin(s, on)
    return select(*columns).select_from(joined).where(lead.c.account_id == account_id)


def _rows(
    conn: Connection, account_id: int, record_type: RecordType, ids: Sequence[int]
) -> dict[int, Any]:
    table = schema.people if record_type is RecordType.PERSON else schema.leads
    # An id past BIGINT (a path or body can say anything) names no record; PostgreSQL
    # would reject it outright.
    valid = [i for i in ids if -MAX_INT <= i < MAX_INT]
    query = _select(account_id, record_type).where(table.c.id.in_(valid))
    return {row.id: row._mapping for row in conn.execute(query)}


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
