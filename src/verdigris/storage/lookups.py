"""Read-only lookups of an account: contact types, customer sources, lead statuses,
activity types, users and the account itself. Custom field definitions: definitions.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, func, select

from verdigris.domain.numbers import fits_int64
from verdigris.errors import BadRequest, NotFound
from verdigris.storage import schema

Row = dict[str, Any]
_NOUNS = {"users": "user", "companies": "company", "contact_types": "contact type",
          "customer_sources": "customer source", "lead_statuses": "lead status",
          "people": "person", "leads": "lead", "opportunities": "opportunity",
          "loss_reasons": "loss reason", "pipelines": "pipeline",
          "pipeline_stages": "pipeline stage"}  # fmt: skip


def require_row(conn: Connection, account_id: int, target: str, key: str, row_id: int) -> None:
    """400 naming `key` when `row_id` is no id of the account's `target` table."""
    table = schema.metadata.tables[target]
    found = (
        fits_int64(row_id)
        and conn.execute(
            select(table.c.id).where(table.c.account_id == account_id, table.c.id == row_id)
        ).first()
    )
    if not found:
        raise BadRequest(f"{key}: no {_NOUNS.get(target, target)} {row_id} in this account")


def named(conn: Connection, account_id: int, table: Table) -> list[Row]:
    """[{id, name}] of a contact_types or customer_sources table, by id."""
    rows = conn.execute(
        select(table.c.id, table.c.name)
        .where(table.c.account_id == account_id)
        .order_by(table.c.id)
    )
    return [{"id": r.id, "name": r.name} for r in rows]


def lead_statuses(conn: Connection, account_id: int) -> list[Row]:
    s = schema.lead_statuses
    rows = conn.execute(
        select(s.c.id, s.c.name, s.c.order, s.c.is_default)
        .where(s.c.account_id == account_id)
        .order_by(s.c.order, s.c.id)
    )
    return [
        {"id": r.id, "name": r.name, "order": r.order, "is_default": bool(r.is_default)}
        for r in rows
    ]


def activity_types(conn: Connection, account_id: int) -> dict[str, list[Row]]:
    """{"user": [...], "system": [...]} as Copper answers GET /activity_types."""
    a = schema.activity_types
    rows = conn.execute(
        select(a.c.id, a.c.category, a.c.name, a.c.is_disabled, a.c.count_as_interaction)
        .where(a.c.account_id == account_id)
        .order_by(a.c.category, a.c.id)
    )
    out: dict[str, list[Row]] = {"user": [], "system": []}
    for r in rows:
        out.setdefault(r.category, []).append(
            {"id": r.id, "category": r.category, "name": r.name,
             "is_disabled": bool(r.is_disabled),
             "count_as_interaction": bool(r.count_as_interaction)}
        )  # fmt: skip
    return out


def _user(row: Any) -> Row:
    return {"id": row.id, "name": row.name, "email": row.email}


def users(
    conn: Connection, account_id: int, limit: int | None = None, offset: int = 0
) -> list[Row]:
    u = schema.users
    query = (
        select(u.c.id, u.c.name, u.c.email)
        .where(u.c.account_id == account_id)
        .order_by(u.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_user(r) for r in conn.execute(query)]


def count_users(conn: Connection, account_id: int) -> int:
    u = schema.users
    return int(conn.execute(select(func.count()).where(u.c.account_id == account_id)).scalar_one())


def get_user(conn: Connection, account_id: int, user_id: int) -> Row:
    u = schema.users
    row = None
    if fits_int64(user_id):  # an id past BIGINT names nobody (PostgreSQL would reject it)
        row = conn.execute(
            select(u.c.id, u.c.name, u.c.email).where(
                u.c.account_id == account_id, u.c.id == user_id
            )
        ).first()
    if row is None:
        raise NotFound(f"user {user_id} not found")
    return _user(row)


def account(conn: Connection, account_id: int) -> Row:
    a = schema.accounts
    row = conn.execute(select(a.c.id, a.c.name).where(a.c.id == account_id)).one()
    return {"id": row.id, "name": row.name}
