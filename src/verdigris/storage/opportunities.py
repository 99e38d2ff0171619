"""Opportunities' own rules: their pipeline and stage agree (pipelines.py), a stage
change stamps `date_stage_changed`; `related_people` (our extension) sets the people
related to it in the relation store."""

from __future__ import annotations

from sqlalchemy import Connection

from verdigris.domain.types import Record, RecordType
from verdigris.parsing.records import Changes
from verdigris.storage import relations
from verdigris.storage.lookups import require_row
from verdigris.storage.pipelines import place_opportunity
from verdigris.storage.rules import Rules

OPPORTUNITY = RecordType.OPPORTUNITY


class OpportunityRules(Rules):
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        place_opportunity(conn, account_id, old, new, changes)
        if old is not None and new["pipeline_stage_id"] != old["pipeline_stage_id"]:
            new["date_stage_changed"] = now
        for person_id in changes.extras.get("related_people", ()):
            require_row(conn, account_id, "people", "related_people", person_id)

    def after_write(
        self, conn: Connection, account_id: int, record: Record, changes: Changes, now: int
    ) -> None:
        if "related_people" in changes.extras:
            me = (OPPORTUNITY, int(record["id"]))
            people = changes.extras["related_people"]
            relations.set_people(conn, account_id, me, people, record["primary_contact_id"])
