"""Opportunities' own rules: a stage change stamps `date_stage_changed`; related people
are rows of `opportunity_people` (with the primary contact they drive the people
filter `opportunity_ids` and the related-items list)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select

from verdigris.domain.types import Record, RecordType
from verdigris.errors import BadRequest
from verdigris.parsing.records import Changes
from verdigris.storage import schema
from verdigris.storage.cascade import forget_record
from verdigris.storage.records import get_stored
from verdigris.storage.rules import Rules

OPPORTUNITY = RecordType.OPPORTUNITY


class OpportunityRules(Rules):
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        if "pipeline_stage_id" in changes:
            new["date_stage_changed"] = now
        for person_id in changes.extras.get("related_people", ()):
            _require_person(conn, account_id, person_id)

    def after_write(
        self, conn: Connection, account_id: int, record: Record, changes: Changes, now: int
    ) -> None:
        if "related_people" in changes.extras:
            set_related(conn, account_id, record["id"], changes.extras["related_people"])

    def after_delete(self, conn: Connection, account_id: int, old: Record) -> None:
        set_related(conn, account_id, old["id"], [])
        forget_record(conn, account_id, OPPORTUNITY, old)


def _require_person(conn: Connection, account_id: int, person_id: int) -> None:
    p = schema.people
    found = conn.execute(select(p.c.id).where(p.c.account_id == account_id, p.c.id == person_id))
    if found.first() is None:
        raise BadRequest(f"related_people: no person {person_id}")


def set_related(conn: Connection, account_id: int, opp_id: int, people: list[int]) -> None:
    op = schema.opportunity_people
    conn.execute(delete(op).where(op.c.account_id == account_id, op.c.opportunity_id == opp_id))
    rows = [{"account_id": account_id, "opportunity_id": opp_id, "person_id": p} for p in people]
    if rows:
        conn.execute(op.insert(), rows)


def related(conn: Connection, account_id: int, opp_id: int) -> list[dict[str, Any]]:
    """Copper's related-items list of people: the primary contact first, then the rest."""
    primary = get_stored(conn, account_id, OPPORTUNITY, opp_id)["primary_contact_id"]
    op = schema.opportunity_people
    people = conn.execute(
        select(op.c.person_id)
        .where(op.c.account_id == account_id, op.c.opportunity_id == opp_id)
        .order_by(op.c.person_id)
    ).scalars()
    ids = [primary] if primary is not None else []
    ids += [p for p in people if p != primary]
    return [{"id": i, "type": "person"} for i in ids]
