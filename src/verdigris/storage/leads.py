"""Create, update and delete leads; each call runs inside the caller's write
transaction. A lead always has a status: the account's default when none is given."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from verdigris.domain.types import Record, RecordType
from verdigris.domain.validation import LEAD_WRITABLE, clean
from verdigris.storage import schema
from verdigris.storage.changes import apply, check_references, store_new, store_update
from verdigris.storage.ids import lock, next_id
from verdigris.storage.indexing import delete_records
from verdigris.storage.records import custom_field_definitions, get_stored
from verdigris.storage.references import forget_record

LEAD = RecordType.LEAD
TYPE_NAME = "lead"
FALLBACK_STATUS = "New"


def blank_lead(now: int) -> Record:
    """A lead with every key at its empty value, created (and its status set) at `now`."""
    return {
        "id": None, "name": None, "prefix": None, "first_name": None, "last_name": None,
        "middle_name": None, "suffix": None, "address": None, "assignee_id": None,
        "company_name": None, "customer_source_id": None, "details": None, "email": None,
        "interaction_count": 0, "monetary_unit": None, "monetary_value": None, "socials": [],
        "status": None, "status_id": None, "tags": [], "title": None, "websites": [],
        "phone_numbers": [], "custom_fields": [], "date_created": now, "date_modified": now,
        "date_last_contacted": None, "converted_opportunity_id": None,
        "converted_contact_id": None, "converted_at": None, "date_status_changed": now,
    }  # fmt: skip


def default_status_id(conn: Connection, account_id: int) -> int:
    """The status marked default, else the first by `order`; an account without any
    statuses gets a "New" one, so that a lead's status is never null (SPEC.md 4)."""
    s = schema.lead_statuses
    found = conn.execute(
        select(s.c.id)
        .where(s.c.account_id == account_id)
        .order_by(s.c.is_default.desc(), s.c.order, s.c.id)
        .limit(1)
    ).scalar()
    if found is not None:
        return int(found)
    status_id = next_id(conn, account_id, "lead_status")
    row = {"account_id": account_id, "id": status_id, "name": FALLBACK_STATUS, "order": 1}
    conn.execute(s.insert(), {**row, "is_default": True})
    return status_id


def create_lead(conn: Connection, account_id: int, body: dict[str, Any], now: int) -> Record:
    """A new lead from a POST body (422 without a name, 400 for a bad field)."""
    definitions = custom_field_definitions(conn, account_id)
    changes = clean(body, LEAD_WRITABLE, definitions, TYPE_NAME)
    record = apply(blank_lead(now), changes, definitions, TYPE_NAME)
    check_references(conn, account_id, changes)
    if record["status_id"] is None:
        record["status_id"] = default_status_id(conn, account_id)
    record["id"] = next_id(conn, account_id, "lead")
    return store_new(conn, account_id, LEAD, record, definitions)


def update_lead(
    conn: Connection, account_id: int, lead_id: int, body: dict[str, Any], now: int
) -> Record:
    """Apply a PUT body: only the keys present change; `status_id: null` means the
    default status; a status change stamps `date_status_changed`."""
    old = get_stored(conn, account_id, LEAD, lead_id)
    definitions = custom_field_definitions(conn, account_id)
    changes = clean(body, LEAD_WRITABLE, definitions, TYPE_NAME)
    new = apply(old, changes, definitions, TYPE_NAME) | {"date_modified": now}
    check_references(conn, account_id, changes)
    if new["status_id"] is None:
        new["status_id"] = default_status_id(conn, account_id)
    if new["status_id"] != old["status_id"]:
        new["date_status_changed"] = now
    return store_update(conn, account_id, LEAD, old, new, definitions)


def delete_lead(conn: Connection, account_id: int, lead_id: int) -> None:
    """Delete a lead with its search rows and followers (404 when absent)."""
    old = get_stored(conn, account_id, LEAD, lead_id)
    lock(conn, account_id, "lead")  # seeds the counter first: a deleted id is never reused
    delete_records(conn, account_id, LEAD, [old])
    forget_record(conn, account_id, LEAD, lead_id)
