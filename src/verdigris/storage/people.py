"""People's own rules: emails unique in the account (SPEC.md 2), lookup by email, and
what a deleted person takes with it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select

from verdigris.domain.text import match_key
from verdigris.domain.types import Record, RecordType
from verdigris.errors import NotFound, Unprocessable, VerdigrisError
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

    def prepare_new(
        self, conn: Connection, account_id: int, records: Sequence[Record],
        bodies: Sequence[Changes], now: int,
    ) -> list[VerdigrisError | None]:  # fmt: skip
        keys = [record_emails(PERSON, record) for record in records]
        taken = emails_taken(conn, account_id, sorted({k for ks in keys for k in ks}))
        return [_email_clash(ks, taken) for ks in keys]

    def claim(self, record: Record, claimed: dict[str, int]) -> None:
        keys = record_emails(PERSON, record)
        for key in keys:
            if key in claimed:
                raise Unprocessable(f"emails: {key} is already used by person {claimed[key]}")
        claimed.update(dict.fromkeys(keys, int(record["id"])))


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


_e = schema.record_emails
_TAKEN = select(_e.c.email_key, _e.c.record_id).where(
    _e.c.account_id == bindparam("account_id"),
    _e.c.record_type == int(PERSON),
    _e.c.email_key.in_(bindparam("keys", expanding=True)),
    _e.c.record_id != bindparam("other_than"),
)
"""Built once: single creates and updates check with it (building it was their cost)."""


def emails_taken(
    conn: Connection, account_id: int, keys: Sequence[str], other_than: int = 0
) -> dict[str, int]:
    """Which of these folded emails a person of the account (other than `other_than`)
    has, and which person."""
    if not keys:
        return {}
    params = {"account_id": account_id, "keys": list(keys), "other_than": other_than}
    return {row.email_key: row.record_id for row in conn.execute(_TAKEN, params)}


def _email_clash(keys: Sequence[str], taken: dict[str, int]) -> Unprocessable | None:
    key = next((k for k in keys if k in taken), None)
    if key is None:
        return None
    return Unprocessable(f"emails: {key} is already used by person {taken[key]}")


def check_unique_emails(conn: Connection, account_id: int, record: dict[str, Any]) -> None:
    """Person emails are unique in the account, case-insensitively (SPEC.md 2): 422."""
    keys = record_emails(PERSON, record)
    clash = _email_clash(keys, emails_taken(conn, account_id, keys, int(record["id"])))
    if clash is not None:
        raise clash
