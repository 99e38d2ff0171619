"""Links from other resources to a person or lead that is being deleted.

Its activities go with it, and opportunities stop naming it (primary contact or related
person). A lead converted into a deleted person keeps its record of the conversion.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, update

from verdigris.domain.types import RecordType
from verdigris.storage import schema


def forget_record(
    conn: Connection, account_id: int, record_type: RecordType, record_id: int
) -> None:
    a = schema.activities
    conn.execute(
        delete(a).where(
            a.c.account_id == account_id,
            a.c.parent_type == int(record_type),
            a.c.parent_id == record_id,
        )
    )
    if record_type is RecordType.PERSON:
        _unlink_person(conn, account_id, record_id)


def _unlink_person(conn: Connection, account_id: int, person_id: int) -> None:
    related, o = schema.opportunity_people, schema.opportunities
    conn.execute(
        delete(related).where(related.c.account_id == account_id, related.c.person_id == person_id)
    )
    conn.execute(
        update(o)
        .where(o.c.account_id == account_id, o.c.primary_contact_id == person_id)
        .values(primary_contact_id=None)
    )
