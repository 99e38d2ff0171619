"""Activities on people and leads, and the interaction counts and contact dates they move.

`interaction_count` and `date_last_contacted` are plain columns of the parent (not in
value_counts), so they are updated here with one statement, in the write's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, case, delete, func, or_, select, update

from verdigris.domain.numbers import fits_int64
from verdigris.domain.types import Record, RecordType
from verdigris.errors import BadRequest, NotFound
from verdigris.parsing.activities import ActivityChanges, NewActivity
from verdigris.render.activity import render_activity
from verdigris.storage import events, schema
from verdigris.storage.ids import next_id
from verdigris.storage.lookups import require_row
from verdigris.storage.search_rows import record_table

_acts = schema.activities


def _counts_as_interaction(conn: Connection, account_id: int, kind: tuple[str, int]) -> bool:
    t = schema.activity_types
    found = conn.execute(
        select(t.c.count_as_interaction).where(
            t.c.account_id == account_id, t.c.category == kind[0], t.c.id == kind[1]
        )
    ).first()
    if found is None:
        raise BadRequest(f"type: no {kind[0]} activity type {kind[1]} in this account")
    return bool(found.count_as_interaction)


def create_activity(
    conn: Connection, account_id: int, user_id: int, activity: NewActivity, now: int
) -> Record:
    """Log a user activity on a record of the account (404-like 400 for a missing one)."""
    parent = activity.parent_type
    require_row(conn, account_id, record_table(parent).name, "parent.id", activity.parent_id)
    kind = (activity.category, activity.type_id)
    counts = _counts_as_interaction(conn, account_id, kind)
    when = now if activity.activity_date is None else activity.activity_date
    row: dict[str, Any] = {
        "account_id": account_id, "id": next_id(conn, account_id, "activity"),
        "parent_type": int(parent), "parent_id": activity.parent_id, "type_category": kind[0],
        "type_id": kind[1], "user_id": user_id, "details": activity.details,
        "activity_date": when, "counts_as_interaction": counts, "date_created": now,
        "date_modified": now,
    }  # fmt: skip
    conn.execute(_acts.insert(), row)
    if counts:
        _add_interaction(conn, account_id, parent, activity.parent_id, when)
    events.emit(conn, account_id, [events.Change("activity_log", "new", row["id"])])
    return render_activity(row)


def _add_interaction(
    conn: Connection, account_id: int, parent_type: RecordType, parent_id: int, when: int
) -> None:
    """One more interaction; the contact date moves forward only."""
    t = record_table(parent_type)
    last = t.c.date_last_contacted
    conn.execute(
        update(t)
        .where(t.c.account_id == account_id, t.c.id == parent_id)
        .values(
            interaction_count=t.c.interaction_count + 1,
            date_last_contacted=case((last.is_(None) | (last < when), when), else_=last),
        )
    )


def delete_activity(conn: Connection, account_id: int, activity_id: int) -> dict[str, Any]:
    row = _row(conn, account_id, activity_id)
    conn.execute(delete(_acts).where(_acts.c.account_id == account_id, _acts.c.id == activity_id))
    if row["counts_as_interaction"]:
        _remove_interaction(conn, account_id, row)
    return {"id": activity_id, "is_deleted": True}


def update_activity(
    conn: Connection, account_id: int, activity_id: int, changes: ActivityChanges, now: int
) -> Record:
    """`details` and `activity_date` of a user activity; a moved interaction moves the
    parent's contact date with it."""
    row = _row(conn, account_id, activity_id)
    if row["type_category"] != "user":
        raise BadRequest(f"activity {activity_id}: only user activities can be changed")
    values: dict[str, Any] = {"date_modified": now}
    if "details" in changes.given:
        values["details"] = changes.details
    if changes.activity_date is not None:
        values["activity_date"] = changes.activity_date
    conn.execute(
        update(_acts)
        .where(_acts.c.account_id == account_id, _acts.c.id == activity_id)
        .values(values)
    )
    moved = values.get("activity_date", row["activity_date"]) != row["activity_date"]
    if moved and row["counts_as_interaction"]:
        _move_interaction(conn, account_id, row, values["activity_date"])
    return get_activity(conn, account_id, activity_id)


def _move_interaction(
    conn: Connection, account_id: int, activity: Mapping[str, Any], when: int
) -> None:
    """The contact date follows a moved interaction: it was this one (then it is the
    latest interaction now) or the new date is later (then it is the new date)."""
    t = record_table(RecordType(activity["parent_type"]))
    last = t.c.date_last_contacted
    latest = _latest_interaction(account_id, activity)
    conn.execute(
        update(t)
        .where(t.c.account_id == account_id, t.c.id == activity["parent_id"])
        .values(
            date_last_contacted=case(
                (last == activity["activity_date"], latest),
                (or_(last.is_(None), last < when), when),
                else_=last,
            )
        )
    )


def _latest_interaction(account_id: int, activity: Mapping[str, Any]) -> Any:
    return (
        select(func.max(_acts.c.activity_date))
        .where(
            _acts.c.account_id == account_id,
            _acts.c.parent_type == activity["parent_type"],
            _acts.c.parent_id == activity["parent_id"],
            _acts.c.counts_as_interaction.is_(True),
        )
        .scalar_subquery()
    )


def _remove_interaction(conn: Connection, account_id: int, activity: Mapping[str, Any]) -> None:
    """One interaction less (never below 0). When the deleted activity held the contact
    date, it falls back to the latest remaining interaction activity (or null): counts
    and dates brought in by a snapshot have no activity rows to fall back on."""
    t = record_table(RecordType(activity["parent_type"]))
    latest = _latest_interaction(account_id, activity)
    last = t.c.date_last_contacted
    conn.execute(
        update(t)
        .where(t.c.account_id == account_id, t.c.id == activity["parent_id"])
        .values(
            interaction_count=case((t.c.interaction_count > 0, t.c.interaction_count - 1), else_=0),
            date_last_contacted=case((last == activity["activity_date"], latest), else_=last),
        )
    )


def _row(conn: Connection, account_id: int, activity_id: int) -> Mapping[str, Any]:
    found = None
    if fits_int64(activity_id):
        query = select(_acts).where(_acts.c.account_id == account_id, _acts.c.id == activity_id)
        found = conn.execute(query).first()
    if found is None:
        raise NotFound(f"activity {activity_id} not found")
    return found._asdict()


def get_activity(conn: Connection, account_id: int, activity_id: int) -> Record:
    return render_activity(_row(conn, account_id, activity_id))


def load_activities(conn: Connection, account_id: int, ids: Sequence[int]) -> list[Record]:
    """Rendered activities in the order of `ids`."""
    if not ids:
        return []
    query = select(_acts).where(_acts.c.account_id == account_id, _acts.c.id.in_(list(ids)))
    rows = {row.id: row._asdict() for row in conn.execute(query)}
    return [render_activity(rows[i]) for i in ids if i in rows]
