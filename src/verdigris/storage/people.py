"""Create, update, delete and look up people; each call runs inside the caller's
write transaction, so a failure anywhere leaves nothing behind."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from verdigris.domain.text import match_key
from verdigris.domain.types import Record, RecordType
from verdigris.domain.validation import PERSON_WRITABLE, Cleaned, clean
from verdigris.errors import BadRequest, NotFound, Unprocessable
from verdigris.storage import schema
from verdigris.storage.changes import apply, check_references, store_new, store_update
from verdigris.storage.ids import lock, next_id
from verdigris.storage.indexing import delete_records
from verdigris.storage.projection import record_emails
from verdigris.storage.records import custom_field_definitions, get_record, get_stored
from verdigris.storage.references import forget_record

PERSON = RecordType.PERSON
TYPE_NAME = "person"


def blank_person(now: int) -> Record:
    """A person with every key at its empty value, created at `now`."""
    return {
        "id": None, "name": None, "prefix": None, "first_name": None, "middle_name": None,
        "last_name": None, "suffix": None, "address": None, "assignee_id": None,
        "company_id": None, "company_name": None, "contact_type_id": None, "details": None,
        "emails": [], "phone_numbers": [], "socials": [], "tags": [], "title": None,
        "websites": [], "custom_fields": [], "date_created": now, "date_modified": now,
        "date_last_contacted": None, "interaction_count": 0, "leads_converted_from": [],
        "date_lead_created": None,
    }  # fmt: skip


def create_person(conn: Connection, account_id: int, body: dict[str, Any], now: int) -> Record:
    """A new person from a POST body (422 without a name, 400 for a bad field)."""
    definitions = custom_field_definitions(conn, account_id)
    changes = clean(body, PERSON_WRITABLE, definitions, TYPE_NAME)
    record = apply(blank_person(now), changes, definitions, TYPE_NAME)
    check_references(conn, account_id, changes)
    record["id"] = next_id(conn, account_id, "person")
    _check_unique_emails(conn, account_id, record)
    return store_new(conn, account_id, PERSON, record, definitions)


def update_person(
    conn: Connection, account_id: int, person_id: int, body: dict[str, Any], now: int
) -> Record:
    """Apply a PUT body: only the keys present change (404 when absent)."""
    old = get_stored(conn, account_id, PERSON, person_id)
    definitions = custom_field_definitions(conn, account_id)
    changes: Cleaned = clean(body, PERSON_WRITABLE, definitions, TYPE_NAME)
    new = apply(old, changes, definitions, TYPE_NAME) | {"date_modified": now}
    check_references(conn, account_id, changes)
    if "emails" in changes:
        lock(conn, account_id, "person")
        _check_unique_emails(conn, account_id, new)
    return store_update(conn, account_id, PERSON, old, new, definitions)


def delete_person(conn: Connection, account_id: int, person_id: int) -> None:
    """Delete a person with its search rows and followers (404 when absent)."""
    old = get_stored(conn, account_id, PERSON, person_id)
    lock(conn, account_id, "person")  # seeds the counter first: a deleted id is never reused
    delete_records(conn, account_id, PERSON, [old])
    forget_record(conn, account_id, PERSON, person_id)


def fetch_person_by_email(conn: Connection, account_id: int, email: Any) -> Record:
    """The person with this email (case-insensitive), or 404."""
    if not isinstance(email, str):
        raise BadRequest("email: must be a string")
    key = match_key(email)
    e = schema.record_emails
    found = conn.execute(
        select(e.c.record_id)
        .where(e.c.account_id == account_id, e.c.record_type == int(PERSON), e.c.email_key == key)
        .order_by(e.c.record_id)
    ).first()
    if key is None or found is None:
        raise NotFound(f"no person with email {email!r}")
    return get_record(conn, account_id, PERSON, found.record_id)


def _check_unique_emails(conn: Connection, account_id: int, record: Record) -> None:
    """Person emails are unique in the account, case-insensitively (SPEC.md 2): 422."""
    keys = record_emails(PERSON, record)
    if not keys:
        return
    e = schema.record_emails
    taken = conn.execute(
        select(e.c.email_key, e.c.record_id).where(
            e.c.account_id == account_id,
            e.c.record_type == int(PERSON),
            e.c.email_key.in_(keys),
            e.c.record_id != record["id"],
        )
    ).first()
    if taken is not None:
        owner = taken.record_id
        raise Unprocessable(f"emails: {taken.email_key} is already used by person {owner}")
