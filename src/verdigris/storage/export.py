"""Reads for snapshot dumps: an account's small sections whole, its records' ids in batches.

People and leads themselves are rendered by records.load_records, as the API shows them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Table, select

from verdigris.domain.types import RecordType
from verdigris.render.company import render_company
from verdigris.storage import schema
from verdigris.storage.indexing import record_table
from verdigris.storage.records import custom_field_definitions


def account_ids(conn: Connection) -> list[int]:
    a = schema.accounts
    return list(conn.execute(select(a.c.id).order_by(a.c.id)).scalars())


def account_name(conn: Connection, account_id: int) -> str | None:
    a = schema.accounts
    return conn.execute(select(a.c.name).where(a.c.id == account_id)).scalar()


def _rows(conn: Connection, table: Table, account_id: int, *order: str) -> list[Any]:
    columns = [c for c in table.columns if c.name != "account_id"]
    query = select(*columns).where(table.c.account_id == account_id)
    return list(conn.execute(query.order_by(*(table.c[o] for o in order or ("id",)))))


def header_sections(conn: Connection, account_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every section of the account but people and leads, in snapshot shape."""
    tokens: dict[int, list[str]] = {}
    for row in _rows(conn, schema.api_tokens, account_id, "user_id", "token_hash"):
        tokens.setdefault(row.user_id, []).append(row.token_hash)
    statuses = [
        {"id": r.id, "name": r.name, "order": r.order}
        | ({"is_default": True} if r.is_default else {})
        for r in _rows(conn, schema.lead_statuses, account_id)
    ]  # fmt: skip
    return {
        "users": [{"id": r.id, "name": r.name, "email": r.email,
                   "api_token_hashes": tokens.get(r.id, [])}
                  for r in _rows(conn, schema.users, account_id)],
        "contact_types": _named(conn, schema.contact_types, account_id),
        "customer_sources": _named(conn, schema.customer_sources, account_id),
        "lead_statuses": statuses,
        "activity_types": [{"id": r.id, "category": r.category, "name": r.name,
                            "count_as_interaction": r.count_as_interaction}
                           for r in _rows(conn, schema.activity_types, account_id,
                                          "category", "id")],
        "custom_field_definitions": _definitions(conn, account_id),
        "companies": _companies(conn, account_id),
        "opportunities": _opportunities(conn, account_id),
    }  # fmt: skip


def _named(conn: Connection, table: Table, account_id: int) -> list[dict[str, Any]]:
    return [{"id": r.id, "name": r.name} for r in _rows(conn, table, account_id)]


def _definitions(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    return [
        {"id": d.id, "name": d.name, "data_type": d.data_type,
         "available_on": list(d.available_on),
         "options": [{"id": o.id, "name": o.name, "rank": o.rank} for o in d.options]}
        for d in custom_field_definitions(conn, account_id)
    ]  # fmt: skip


def _companies(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    definitions = custom_field_definitions(conn, account_id)
    rows = _rows(conn, schema.companies, account_id)
    return [render_company(row._mapping, definitions) for row in rows]


def _opportunities(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    related: dict[int, list[int]] = {}
    for row in _rows(conn, schema.opportunity_people, account_id, "opportunity_id", "person_id"):
        related.setdefault(row.opportunity_id, []).append(row.person_id)
    return [
        {"id": r.id, "name": r.name, "primary_contact_id": r.primary_contact_id,
         "related_people": related.get(r.id, []), "company_id": r.company_id,
         "date_created": r.date_created, "date_modified": r.date_modified}
        | orjson.loads(r.doc or "{}")
        for r in _rows(conn, schema.opportunities, account_id)
    ]  # fmt: skip


def id_batches(
    conn: Connection, account_id: int, record_type: RecordType, size: int
) -> Iterator[list[int]]:
    """The account's record ids in ascending order, `size` at a time (keyset paging)."""
    table = record_table(record_type)
    last: int | None = None
    while True:
        query = select(table.c.id).where(table.c.account_id == account_id)
        if last is not None:
            query = query.where(table.c.id > last)
        ids = list(conn.execute(query.order_by(table.c.id).limit(size)).scalars())
        if not ids:
            return
        yield ids
        last = ids[-1]


def followers(
    conn: Connection, account_id: int, record_type: RecordType, ids: Sequence[int]
) -> dict[int, list[int]]:
    f = schema.followers
    query = (
        select(f.c.record_id, f.c.user_id)
        .where(f.c.account_id == account_id, f.c.record_type == int(record_type))
        .where(f.c.record_id.between(min(ids), max(ids)))
        .order_by(f.c.record_id, f.c.user_id)
    )
    found: dict[int, list[int]] = {}
    for row in conn.execute(query):
        found.setdefault(row.record_id, []).append(row.user_id)
    return found


def status_change_dates(conn: Connection, account_id: int, ids: Sequence[int]) -> dict[int, int]:
    lead = schema.leads
    query = select(lead.c.id, lead.c.date_status_changed).where(
        lead.c.account_id == account_id, lead.c.id.between(min(ids), max(ids))
    )
    return {row.id: row.date_status_changed for row in conn.execute(query)}
