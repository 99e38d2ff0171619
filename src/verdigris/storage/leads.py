"""Leads' own rules: a lead always has a status (the account's default when none is
given), and a status change stamps `date_status_changed`."""

from __future__ import annotations

from sqlalchemy import Connection, select

from verdigris.domain.types import Record, RecordType
from verdigris.parsing.records import Changes
from verdigris.storage import schema
from verdigris.storage.ids import next_id
from verdigris.storage.rules import Rules

LEAD = RecordType.LEAD
FALLBACK_STATUS = "New"


class LeadRules(Rules):
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        if new["status_id"] is None:  # on update, `status_id: null` means the default
            new["status_id"] = default_status_id(conn, account_id)
        if old is None or new["status_id"] != old["status_id"]:
            new["date_status_changed"] = now


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
