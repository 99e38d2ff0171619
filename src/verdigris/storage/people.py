"""People's own rules: emails unique in the account (SPEC.md 2), lookup by email, and
what a deleted person takes with it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from verdigris.domain.text import match_key
from verdigris.domain.types import Record, RecordType
from verdigris.errors import NotFound, Unprocessable
from verdigris.parsing.records import Changes
from verdigris.storage import schema
from verdigris.storage.ids import lock
from verdigris.storage.projection import record_emails
from verdigris.storage.records import get_record
from verdigris.storage.rules import Rules

PERSON = RecordType.PERSON


class PersonRules(Rules):
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        if old is None or "emails" in changes:
            if old is not None:  # a create's id sequence lock already serialises it
                lock(conn, account_id, "person")
            check_unique_emails(conn, account_id, new)


def fetch_person_by_email(conn: Connection, account_id: int, email: str) -> Record:
    """The person with this email (case-insensitive), or 404."""
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


def check_unique_emails(conn: Connection, account_id: int, record: dict[str, Any]) -> None:
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
