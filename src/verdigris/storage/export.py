"""Reads for snapshot dumps: an account's lookup sections whole, its records in batches
of ids, each as the API shows it (records.load_records) plus what a snapshot carries
beyond that: followers, stored-only values, an opportunity's related people."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Table, case, select

from verdigris.domain.declarations import declaration
from verdigris.domain.types import Record, RecordType
from verdigris.storage import schema, webhook_tables
from verdigris.storage.pipelines import pipelines
from verdigris.storage.records import custom_field_definitions, load_records
from verdigris.storage.search_rows import record_table


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


def lookup_sections(conn: Connection, account_id: int) -> dict[str, list[dict[str, Any]]]:
    """The account's users (with token hashes) and lookups, in snapshot shape."""
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
        "activity_types": [_activity_type(r) for r in _rows(conn, schema.activity_types,
                                                            account_id, "category", "id")],
        "custom_field_definitions": _definitions(conn, account_id),
        "pipelines": pipelines(conn, account_id),
        "loss_reasons": _named(conn, schema.loss_reasons, account_id),
    } | _webhooks(conn, account_id)  # fmt: skip


def _webhooks(conn: Connection, account_id: int) -> dict[str, list[dict[str, Any]]]:
    """The subscriptions, signing secrets included (a dump is a backup); none, no section."""
    hooks = []
    for r in _rows(conn, webhook_tables.webhooks, account_id):
        hook = {"id": r.id, "target": r.target, "type": r.type, "event": r.event,
                "secret": orjson.loads(r.secret), "headers": orjson.loads(r.headers),
                "custom_field_computed_values": bool(r.computed_values),
                "created_at": r.created_at}  # fmt: skip
        hooks.append(hook | ({"signing_secret": r.signing_secret} if r.signing_secret else {}))
    return {"webhooks": hooks} if hooks else {}


def _activity_type(row: Any) -> dict[str, Any]:
    """Snapshot shape; the custom activity type keys only where they say something."""
    found = {"id": row.id, "category": row.category, "name": row.name,
             "count_as_interaction": row.count_as_interaction}  # fmt: skip
    if row.icon_type is not None:
        found["icon_type"] = row.icon_type
    if row.is_disabled:
        found["is_disabled"] = True
    if row.is_default_task_type:
        found["is_default_task_type"] = True
    return found


def _named(conn: Connection, table: Table, account_id: int) -> list[dict[str, Any]]:
    return [{"id": r.id, "name": r.name} for r in _rows(conn, table, account_id)]


def _definitions(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    return [
        {"id": d.id, "name": d.name, "data_type": d.data_type,
         "available_on": list(d.available_on),
         "options": [{"id": o.id, "name": o.name, "rank": o.rank} for o in d.options]}
        for d in custom_field_definitions(conn, account_id)
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


def snapshot_records(
    conn: Connection, account_id: int, record_type: RecordType, ids: Sequence[int]
) -> list[Record]:
    """Records as a snapshot holds them, in the order of `ids`."""
    records = load_records(conn, account_id, record_type, ids)
    if not records:
        return records
    decl = declaration(record_type)
    if decl.followers:
        found = _followers(conn, account_id, record_type, ids)
        for record in records:
            record["followers"] = found.get(record["id"], [])
    stored = decl.carried
    if stored:
        values = _stored(conn, account_id, record_type, ids, [f.column for f in stored])
        for record in records:
            record |= values[record["id"]]
    if record_type is RecordType.OPPORTUNITY:
        related = _related_people(conn, account_id, ids)
        for record in records:  # the primary contact's relation comes with the field
            people = related.get(record["id"], [])
            record["related_people"] = [p for p in people if p != record["primary_contact_id"]]
    return records


def _followers(
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


def _stored(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    ids: Sequence[int],
    columns: list[str],
) -> dict[int, dict[str, Any]]:
    table = record_table(record_type)
    query = select(table.c.id, *(table.c[c] for c in columns)).where(
        table.c.account_id == account_id, table.c.id.between(min(ids), max(ids))
    )
    return {row.id: {c: row._mapping[c] for c in columns} for row in conn.execute(query)}


def _related_people(conn: Connection, account_id: int, ids: Sequence[int]) -> dict[int, list[int]]:
    r = schema.relations
    query = (
        select(r.c.id, r.c.other_id)
        .where(r.c.account_id == account_id, r.c.type == int(RecordType.OPPORTUNITY))
        .where(r.c.id.between(min(ids), max(ids)), r.c.other_type == int(RecordType.PERSON))
        .order_by(r.c.id, r.c.other_id)
    )
    found: dict[int, list[int]] = {}
    for row in conn.execute(query):
        found.setdefault(row.id, []).append(row.other_id)
    return found


def free_relations(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    """The relations no record holds in a field, as a snapshot's `relations` section.

    Every relation of a person with a company, of an opportunity with a company, and of
    a task with anything is held in a field (domain/relations.py), and an opportunity's
    people are written with it: what is left are a project's relations other than its
    related resource."""
    r, p = schema.relations, schema.projects
    project, task = int(RecordType.PROJECT), int(RecordType.TASK)
    held = (
        (p.c.account_id == r.c.account_id) & (p.c.id == r.c.id)
        & (p.c.related_id == r.c.other_id) & (p.c.related_type == _type_name(r.c.other_type))
    )  # fmt: skip
    query = (
        select(r.c.id, r.c.other_type, r.c.other_id)
        .where(r.c.account_id == account_id, r.c.type == project, r.c.other_type != task)
        .where(~select(p.c.id).where(held).exists())
        .order_by(r.c.id, r.c.other_type, r.c.other_id)
    )
    return [
        {"type": "project", "id": row.id, "other_type": RecordType(row.other_type).api_name,
         "other_id": row.other_id}
        for row in conn.execute(query)
    ]  # fmt: skip


def _type_name(code: Any) -> Any:
    """The api name of a record type code, in SQL."""
    whens = [(code == int(kind), kind.api_name) for kind in RecordType]
    return case(*whens, else_=None)
