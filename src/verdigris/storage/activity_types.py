"""Custom activity types (copper-surface section 4): the account's user activity types,
except Copper's Note (id 0), which is no custom type. `is_interaction` is the
`count_as_interaction` that activities count interactions by (activities.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from verdigris.domain.numbers import fits_int64
from verdigris.errors import NotFound
from verdigris.parsing.activity_types import ActivityTypeBody
from verdigris.storage import schema
from verdigris.storage.ids import next_id

NOTE = 0
"""Copper's Note: a user activity type, hard-coded as id 0, not a custom type."""
_t = schema.activity_types
_COLUMNS = (_t.c.id, _t.c.name, _t.c.icon_type, _t.c.is_disabled, _t.c.count_as_interaction,
            _t.c.is_default_task_type)  # fmt: skip


def _custom(account_id: int) -> Any:
    return select(*_COLUMNS).where(
        _t.c.account_id == account_id, _t.c.category == "user", _t.c.id != NOTE
    )


def render(account_id: int, row: Any) -> dict[str, Any]:
    """Copper's shape: `company_id` is the account; `is_default_task_type` true or null."""
    return {
        "id": row.id, "company_id": account_id, "icon_type": row.icon_type,
        "is_disabled": bool(row.is_disabled), "is_interaction": bool(row.count_as_interaction),
        "name": row.name, "is_default_task_type": True if row.is_default_task_type else None,
    }  # fmt: skip


def list_types(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(_custom(account_id).order_by(_t.c.id))
    return [render(account_id, row) for row in rows]


def get_type(conn: Connection, account_id: int, type_id: int) -> dict[str, Any]:
    row = None
    if fits_int64(type_id):
        row = conn.execute(_custom(account_id).where(_t.c.id == type_id)).first()
    if row is None:
        raise NotFound(f"custom activity type {type_id} not found")
    return render(account_id, row)


def create_type(conn: Connection, account_id: int, body: ActivityTypeBody) -> dict[str, Any]:
    """A new user activity type: not an interaction and enabled unless the body says."""
    type_id = next_id(conn, account_id, "activity_type")
    conn.execute(
        _t.insert(),
        {"account_id": account_id, "category": "user", "id": type_id, "name": body.name,
         "icon_type": body.icon_type, "count_as_interaction": bool(body.is_interaction),
         "is_disabled": bool(body.is_disabled), "is_default_task_type": None},
    )  # fmt: skip
    return get_type(conn, account_id, type_id)


def update_type(
    conn: Connection, account_id: int, type_id: int, body: ActivityTypeBody
) -> dict[str, Any]:
    """Change what the body sets (404 for no custom type of the account)."""
    get_type(conn, account_id, type_id)
    given = {
        "name": body.name,
        "icon_type": body.icon_type,
        "count_as_interaction": body.is_interaction,
        "is_disabled": body.is_disabled,
    }
    values = {key: value for key, value in given.items() if value is not None}
    if values:
        conn.execute(
            update(_t)
            .where(_t.c.account_id == account_id, _t.c.category == "user", _t.c.id == type_id)
            .values(values)
        )
    return get_type(conn, account_id, type_id)
