"""Tasks' own rules: `completed_date` follows the status (set when it becomes Completed,
cleared when it goes back); a new task without a type gets the account's default task
type; its related record must exist and may be of a type tasks relate to."""

from __future__ import annotations

from sqlalchemy import Connection, select

from verdigris.domain.types import Record, RecordType
from verdigris.parsing.records import Changes
from verdigris.storage import schema
from verdigris.storage.lookups import require_row
from verdigris.storage.rules import Rules


class TaskRules(Rules):
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        was_completed = old is not None and old["status"] == "Completed"
        if new["status"] == "Completed" and not was_completed:
            new["completed_date"] = now
        elif new["status"] != "Completed":
            new["completed_date"] = None
        if old is None and new.get("custom_activity_type_id") is None:
            new["custom_activity_type_id"] = default_task_type(conn, account_id)
        check_related(conn, account_id, "related_resource", changes.get("related_resource"))


class ProjectRules(Rules):
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        check_related(conn, account_id, "related_resource", changes.get("related_resource"))


def check_related(conn: Connection, account_id: int, key: str, resource: object) -> None:
    """A related resource a body sets names a record of the account (else 400)."""
    if not isinstance(resource, dict) or resource.get("id") is None:
        return
    kind = RecordType.from_api_name(str(resource["type"]))
    table = schema.RECORD_TABLES[kind].name
    require_row(conn, account_id, table, f"{key}.id", int(resource["id"]))


def default_task_type(conn: Connection, account_id: int) -> int | None:
    """The user activity type marked as the default task type, if the account has one."""
    t = schema.activity_types
    found = conn.execute(
        select(t.c.id).where(
            t.c.account_id == account_id, t.c.category == "user", t.c.is_default_task_type
        )
    ).scalar()
    return None if found is None else int(found)
