"""Server-assigned ids: one counter per (account, kind) in `id_sequences`.

A counter is seeded lazily from the largest id of its kind in the account, so ids that
came from a snapshot are never handed out again; deleted ids are never reused either.
The UPDATE ... RETURNING takes a row lock, so concurrent PostgreSQL writers queue on it
(SQLite writers are serialised by BEGIN IMMEDIATE already).
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, bindparam, func, select, update

from verdigris.domain.declarations import DECLARATIONS
from verdigris.storage import schema, webhook_tables
from verdigris.storage.dialect import insert_ignore

_ID_COLUMNS: dict[str, Column[int]] = {
    **{d.name: schema.RECORD_TABLES[d.record_type].c.id for d in DECLARATIONS},
    "activity": schema.activities.c.id,
    "custom_field_definition": schema.custom_field_definitions.c.id,
    "custom_field_option": schema.custom_field_options.c.id,
    "contact_type": schema.contact_types.c.id,
    "customer_source": schema.customer_sources.c.id,
    "lead_status": schema.lead_statuses.c.id,
    "activity_type": schema.activity_types.c.id,
    "user": schema.users.c.id,
    "pipeline": schema.pipelines.c.id,
    "pipeline_stage": schema.pipeline_stages.c.id,
    "loss_reason": schema.loss_reasons.c.id,
    "webhook": webhook_tables.webhooks.c.id,
}


def next_id(conn: Connection, account_id: int, kind: str) -> int:
    """The next unused id of `kind` in the account (ValueError for an unknown kind)."""
    if kind not in _ID_COLUMNS:
        raise ValueError(f"unknown id kind {kind!r}")
    issued = _advance(conn, account_id, kind)
    if issued is None:
        _seed(conn, account_id, kind)
        issued = _advance(conn, account_id, kind)
    if issued is None:  # pragma: no cover - the seed row was just inserted
        raise RuntimeError(f"id sequence {kind!r} of account {account_id} is missing")
    return issued


_SEQ = schema.id_sequences
_ADVANCE = (
    update(_SEQ)
    .where(_SEQ.c.account_id == bindparam("account"), _SEQ.c.kind == bindparam("of_kind"))
    .values(next_id=_SEQ.c.next_id + 1)
    .returning(_SEQ.c.next_id)
)
"""Built once: every create takes an id, and building the statement cost more than
running it."""


def _advance(conn: Connection, account_id: int, kind: str) -> int | None:
    value = conn.execute(_ADVANCE, {"account": account_id, "of_kind": kind}).scalar()
    return None if value is None else int(value) - 1


def _seed(conn: Connection, account_id: int, kind: str) -> None:
    column = _ID_COLUMNS[kind]
    largest = conn.execute(
        select(func.max(column)).where(column.table.c.account_id == account_id)
    ).scalar()
    start = int(largest or 0) + 1
    # Two first writers may race here; the loser's insert is skipped and both then
    # advance the one row under its lock.
    row = {"account_id": account_id, "kind": kind, "next_id": start}
    insert_ignore(conn, schema.id_sequences, [row])


def lock(conn: Connection, account_id: int, kind: str) -> int:
    """Hold the `kind` counter row until commit: serialises checks such as email
    uniqueness between concurrent PostgreSQL writers of one account. Returns the next
    id the counter will issue, which stays so while the lock is held."""
    seq = schema.id_sequences
    statement = (
        update(seq)
        .where(seq.c.account_id == account_id, seq.c.kind == kind)
        .values(next_id=seq.c.next_id)
        .returning(seq.c.next_id)
    )
    held = conn.execute(statement).scalar()
    if held is None:
        _seed(conn, account_id, kind)
        held = conn.execute(statement).scalar()
    if held is None:  # pragma: no cover - the seed row was just inserted
        raise RuntimeError(f"id sequence {kind!r} of account {account_id} is missing")
    return int(held)


def take_ids(conn: Connection, account_id: int, kind: str, count: int) -> None:
    """Mark the `count` ids after the locked counter's value (`lock`) as issued."""
    seq = schema.id_sequences
    conn.execute(
        update(seq)
        .where(seq.c.account_id == account_id, seq.c.kind == kind)
        .values(next_id=seq.c.next_id + count)
    )
