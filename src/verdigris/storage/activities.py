"""Activities on people and leads, and the interaction counts and contact dates they move.

`interaction_count` and `date_last_contacted` are plain columns of the parent (not in
value_counts), so they are updated here with one statement, in the write's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, delete, func, or_, select, update

from verdigris.domain.types import Record, RecordType
from verdigris.errors import BadRequest, NotFound
from verdigris.render.activity import render_activity
from verdigris.storage import payload, schema
from verdigris.storage.companies import require_lookup
from verdigris.storage.ids import next_id
from verdigris.storage.indexing import record_table
from verdigris.storage.listing import Page, order, page_ids

PARENT_TYPES = ("person", "lead")
SORT_KEYS = ("activity_date", "date_created", "date_modified")
_acts = schema.activities


@dataclass(frozen=True)
class ActivitySearch:
    page: Page
    parent: tuple[RecordType, int] | None = None
    types: tuple[tuple[str, int], ...] = ()
    minimum_date: int | None = None
    maximum_date: int | None = None


def _parent(body: Mapping[str, Any], key: str = "parent") -> tuple[RecordType, int]:
    parent = payload.obj(body, key)
    if parent is None:
        raise BadRequest(f"{key}: required, as {{type, id}}")
    kind = parent.get("type")
    if kind not in PARENT_TYPES:
        raise BadRequest(f"{key}.type: must be one of {', '.join(PARENT_TYPES)}")
    parent_id = parent.get("id")
    if not isinstance(parent_id, int) or not payload.is_int(parent_id):
        raise BadRequest(f"{key}.id: must be an integer id")
    return RecordType.from_api_name(kind), parent_id


def _type(value: object, key: str) -> tuple[str, int]:
    if not isinstance(value, dict):
        raise BadRequest(f"{key}: must be an object {{category, id}}")
    category = value.get("category")
    if category not in ("user", "system"):
        raise BadRequest(f"{key}.category: must be user or system")
    type_id = value.get("id")
    if not isinstance(type_id, int) or not payload.is_int(type_id):
        raise BadRequest(f"{key}.id: must be an integer id")
    return str(category), type_id


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
    conn: Connection, account_id: int, user_id: int, body: Mapping[str, Any], now: int
) -> Record:
    parent_type, parent_id = _parent(body)
    kind = _type(body.get("type"), "type")
    if kind[0] != "user":
        raise BadRequest("type.category: only user activities can be logged")
    details = payload.text(body, "details")
    activity_date = payload.integer(body, "activity_date")
    table = record_table(parent_type)
    require_lookup(conn, account_id, table, "parent.id", parent_id)
    counts = _counts_as_interaction(conn, account_id, kind)
    row: dict[str, Any] = {
        "account_id": account_id, "id": next_id(conn, account_id, "activity"),
        "parent_type": int(parent_type), "parent_id": parent_id, "type_category": kind[0],
        "type_id": kind[1], "user_id": user_id, "details": details,
        "activity_date": now if activity_date is None else activity_date,
        "counts_as_interaction": counts, "date_created": now, "date_modified": now,
    }  # fmt: skip
    conn.execute(_acts.insert(), row)
    if counts:
        _add_interaction(conn, account_id, parent_type, parent_id, row["activity_date"])
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


def _remove_interaction(conn: Connection, account_id: int, activity: Mapping[str, Any]) -> None:
    """One interaction less (never below 0). When the deleted activity held the contact
    date, it falls back to the latest remaining interaction activity (or null): counts
    and dates brought in by a snapshot have no activity rows to fall back on."""
    t = record_table(RecordType(activity["parent_type"]))
    latest = (
        select(func.max(_acts.c.activity_date))
        .where(
            _acts.c.account_id == account_id,
            _acts.c.parent_type == activity["parent_type"],
            _acts.c.parent_id == activity["parent_id"],
            _acts.c.counts_as_interaction.is_(True),
        )
        .scalar_subquery()
    )
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
    if payload.fits(activity_id):
        query = select(_acts).where(_acts.c.account_id == account_id, _acts.c.id == activity_id)
        found = conn.execute(query).first()
    if found is None:
        raise NotFound(f"activity {activity_id} not found")
    return found._asdict()


def get_activity(conn: Connection, account_id: int, activity_id: int) -> Record:
    return render_activity(_row(conn, account_id, activity_id))


def parse_search(body: Mapping[str, Any], page: Page) -> ActivitySearch:
    """Filters: parent {type, id}, activity_types [{category, id}], activity date bounds."""
    parent = _parent(body) if body.get("parent") is not None else None
    kinds = body.get("activity_types")
    kinds = [] if kinds is None else kinds if isinstance(kinds, list) else [kinds]
    types = tuple(_type(k, f"activity_types[{i}]") for i, k in enumerate(kinds))
    low = payload.integer(body, "minimum_activity_date")
    high = payload.integer(body, "maximum_activity_date")
    return ActivitySearch(page, parent, types, low, high)


def search_activities(
    conn: Connection, account_id: int, search: ActivitySearch
) -> tuple[list[Record], int]:
    query = select(_acts.c.id).where(_acts.c.account_id == account_id)
    if search.parent is not None:
        query = query.where(
            _acts.c.parent_type == int(search.parent[0]), _acts.c.parent_id == search.parent[1]
        )
    if search.types:
        pairs = [(_acts.c.type_category == c) & (_acts.c.type_id == i) for c, i in search.types]
        query = query.where(or_(*pairs))
    if search.minimum_date is not None:
        query = query.where(_acts.c.activity_date >= search.minimum_date)
    if search.maximum_date is not None:
        query = query.where(_acts.c.activity_date <= search.maximum_date)
    column = _acts.c[search.page.sort_by or "activity_date"]
    query = query.order_by(*order(column, search.page.descending), _acts.c.id)
    ids, total = page_ids(conn, query, search.page)
    return _load(conn, account_id, ids), total


def _load(conn: Connection, account_id: int, ids: Sequence[int]) -> list[Record]:
    if not ids:
        return []
    query = select(_acts).where(_acts.c.account_id == account_id, _acts.c.id.in_(list(ids)))
    rows = {row.id: row._asdict() for row in conn.execute(query)}
    return [render_activity(rows[i]) for i in ids if i in rows]
