"""The webhook queue's life (docs/webhooks.md, decision 0801): queued events are folded
into deliveries (1 to 30 ids of one subscription, one body fixed for every retry), due
deliveries are leased to one sender, and each try is recorded.

A lease (`claimed_until`) rather than a held lock: the sender sends outside any
transaction, and a sender that dies mid-delivery lets its lease lapse, after which any
live sender (or the restarted one) sends the same delivery again, under the same id.
On PostgreSQL the claim skips rows another sender is claiming (FOR UPDATE SKIP LOCKED);
on SQLite claims are serialised by the write lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

import orjson
from sqlalchemy import Connection, and_, bindparam, delete, or_, select, update

from verdigris.storage import webhook_tables as w

BATCH = 30
"""Ids per notification, at most (Copper)."""
LEASE = 30.0
"""Seconds a claimed delivery is its sender's; after that another may send it."""
_events, _deliveries, _attempts, _hooks = (
    w.webhook_events, w.webhook_deliveries, w.webhook_attempts, w.webhooks)  # fmt: skip


@dataclass(frozen=True)
class Claimed:
    """A delivery leased to this sender, with where and how to send it."""

    id: str
    body: bytes
    tries: int
    target: str
    headers: dict[str, str]
    signing_secret: str | None


@dataclass(frozen=True)
class Outcome:
    delivery_id: str
    tries: int
    status_code: int | None
    error: str | None
    duration_ms: float


def _due(now: float) -> Any:
    return and_(
        _deliveries.c.status == "pending",
        _deliveries.c.next_try_at <= now,
        or_(_deliveries.c.claimed_until.is_(None), _deliveries.c.claimed_until < now),
    )


def give_way(conn: Connection) -> None:
    """The sender's transactions wait briefly for table locks, then give up (the round
    is retried): under a TRUNCATE or a migration it is the sender that yields, and it
    cannot be part of a deadlock (PostgreSQL's deadlock_timeout is 1 s).

    Nor do they wait for their commit to reach the disk, so they never queue with the
    API's commits for it. Losing one is harmless: only a crash of PostgreSQL itself
    can (not of Verdigris), and it undoes that transaction whole, so its events are
    folded again or its delivery is sent again: at least once still holds."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL lock_timeout = 500")
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")


def has_work(conn: Connection, now: float) -> bool:
    """A cheap read: is there anything to fold or send? (No write lock when idle.)"""
    give_way(conn)
    due = conn.execute(select(_deliveries.c.id).where(_due(now)).limit(1)).first()
    return due is not None or conn.execute(select(_events.c.seq).limit(1)).first() is not None


def fold_events(conn: Connection, now: float) -> int:
    """Queued events -> deliveries; returns how many deliveries were made."""
    # Rows another sender is folding are skipped (PostgreSQL), so no event is folded twice.
    query = select(_events).order_by(_events.c.seq).limit(3000).with_for_update(skip_locked=True)
    rows = conn.execute(query).all()
    if not rows:
        return 0
    hooks = _subscriptions(conn, {(r.account_id, r.webhook_id) for r in rows})
    made = []
    key = lambda r: (r.account_id, r.webhook_id, r.updated)  # noqa: E731
    for (account_id, webhook_id, updated), group in groupby(sorted(rows, key=key), key):
        hook = hooks.get((account_id, webhook_id))
        ids = list(dict.fromkeys(r.record_id for r in group))
        for start in range(0, len(ids) if hook else 0, BATCH):
            body = _body(hook, ids[start : start + BATCH], orjson.loads(updated), now)
            made.append({"id": str(uuid.uuid4()), "account_id": account_id,
                         "webhook_id": webhook_id, "body": body, "status": "pending",
                         "tries": 0, "next_try_at": now, "created_at": now})  # fmt: skip
    if made:
        conn.execute(_deliveries.insert(), made)
    conn.execute(delete(_events).where(_events.c.seq.in_([r.seq for r in rows])))
    return len(made)


def _subscriptions(conn: Connection, keys: set[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    accounts = sorted({a for a, _ in keys})
    query = select(_hooks).where(_hooks.c.account_id.in_(accounts))
    return {(r.account_id, r.id): r for r in conn.execute(query) if (r.account_id, r.id) in keys}


def _body(hook: Any, ids: list[int], updated: dict[str, Any], now: float) -> str:
    """Copper's notification: its keys in Copper's order, the secret's keys flattened in."""
    stamp = datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds")
    body = {"subscription_id": hook.id, "event": hook.event, "type": hook.type, "ids": ids,
            "updated_attributes": updated if hook.event == "update" else {},
            "timestamp": stamp.replace("+00:00", "Z")}  # fmt: skip
    return orjson.dumps(body | orjson.loads(hook.secret)).decode()


def claim_due(conn: Connection, now: float, limit: int = 20) -> list[Claimed]:
    """Lease up to `limit` due deliveries to the caller."""
    query = (
        select(_deliveries, _hooks.c.target, _hooks.c.headers, _hooks.c.signing_secret)
        .join(
            _hooks,
            and_(
                _hooks.c.account_id == _deliveries.c.account_id,
                _hooks.c.id == _deliveries.c.webhook_id,
            ),
            isouter=True,
        )  # fmt: skip
        .where(_due(now))
        .order_by(_deliveries.c.next_try_at)
        .limit(limit)
        .with_for_update(of=_deliveries, skip_locked=True)
    )
    rows = conn.execute(query).all()
    orphans = [r.id for r in rows if r.target is None]  # its subscription was deleted
    claimed = [r for r in rows if r.target is not None]
    if orphans:
        conn.execute(
            update(_deliveries).where(_deliveries.c.id.in_(orphans)).values(status="failed")
        )
    if claimed:
        conn.execute(update(_deliveries).where(_deliveries.c.id.in_([r.id for r in claimed]))
                     .values(claimed_until=now + LEASE))  # fmt: skip
    return [Claimed(r.id, r.body.encode(), r.tries, r.target, orjson.loads(r.headers),
                    r.signing_secret) for r in claimed]  # fmt: skip


def record(
    conn: Connection, outcomes: list[Outcome], now: float, max_tries: int, base: float
) -> None:
    """Note one try of each delivery: it is delivered, failed, or due again after a
    backoff. Two statements whatever the number of tries."""
    if not outcomes:
        return
    conn.execute(_attempts.insert(), [
        {"delivery_id": o.delivery_id, "try": o.tries, "at": now, "status_code": o.status_code,
         "error": o.error, "duration_ms": o.duration_ms}
        for o in outcomes
    ])  # fmt: skip
    after = [_after_try(o, now, max_tries, base) for o in outcomes]
    statement = (
        update(_deliveries)
        .where(_deliveries.c.id == bindparam("delivery"))
        .values(status=bindparam("new_status"), tries=bindparam("new_tries"),
                next_try_at=bindparam("due"), claimed_until=None)
    )  # fmt: skip
    conn.execute(statement, after)


def _after_try(outcome: Outcome, now: float, max_tries: int, base: float) -> dict[str, Any]:
    ok = outcome.status_code is not None and 200 <= outcome.status_code < 300
    status = "delivered" if ok else "failed" if outcome.tries >= max_tries else "pending"
    due = now + base * 2 ** (outcome.tries - 1) if status == "pending" else now
    return {"delivery": outcome.delivery_id, "new_status": status, "new_tries": outcome.tries,
            "due": due}  # fmt: skip


def deliveries_of(
    conn: Connection, account_id: int, webhook_id: int, limit: int = 100
) -> list[dict[str, Any]]:
    """The subscription's latest deliveries, newest first, each with its tries."""
    rows = conn.execute(
        select(_deliveries)
        .where(_deliveries.c.account_id == account_id, _deliveries.c.webhook_id == webhook_id)
        .order_by(_deliveries.c.created_at.desc())
        .limit(limit)
    ).all()
    tries = _attempts_of(conn, [r.id for r in rows])
    return [
        {"id": r.id, "status": r.status, "tries": r.tries, "body": orjson.loads(r.body),
         "created_at": r.created_at, "attempts": tries.get(r.id, [])}
        for r in rows
    ]  # fmt: skip


def _attempts_of(conn: Connection, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    if not ids:
        return found
    query = select(_attempts).where(_attempts.c.delivery_id.in_(ids)).order_by(_attempts.c.seq)
    for r in conn.execute(query):
        found.setdefault(r.delivery_id, []).append(
            {
                "try": r._mapping["try"],
                "at": r.at,
                "status_code": r.status_code,
                "error": r.error,
                "duration_ms": r.duration_ms,
            }
        )
    return found
