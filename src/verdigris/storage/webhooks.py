"""Webhook subscriptions, and the events they queue (SPEC.md 8, docs/webhooks.md).

`queue_changes` is called by the change feed (events.py) inside the transaction of the
change itself: an event row per subscription that wants the change, so a committed
change always notifies and a rolled-back one never does.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, bindparam, delete, func, select, update

from verdigris.domain.numbers import fits_int64
from verdigris.domain.types import Record
from verdigris.errors import NotFound, Unprocessable
from verdigris.parsing.webhooks import Subscription
from verdigris.storage import webhook_tables as w
from verdigris.storage.dialect import insert_tuples
from verdigris.storage.ids import next_id

if TYPE_CHECKING:
    from verdigris.storage.events import Change

MAX_SUBSCRIPTIONS = 100
_hooks = w.webhooks
_EVENT_COLUMNS = ("account_id", "webhook_id", "record_id", "updated", "queued_at")


def render_webhook(row: Any) -> Record:
    """Copper's subscription record (`signing_secret` is never shown again)."""
    return {
        "id": row.id, "target": row.target, "type": row.type, "event": row.event,
        "secret": orjson.loads(row.secret), "headers": orjson.loads(row.headers),
        "custom_field_computed_values": bool(row.computed_values), "created_at": row.created_at,
    }  # fmt: skip


def _row(conn: Connection, account_id: int, webhook_id: int) -> Any:
    found = None
    if fits_int64(webhook_id):  # a larger id names nothing (and overflows PostgreSQL)
        found = conn.execute(
            select(_hooks).where(_hooks.c.account_id == account_id, _hooks.c.id == webhook_id)
        ).first()
    if found is None:
        raise NotFound(f"webhook {webhook_id} not found")
    return found


def get_webhook(conn: Connection, account_id: int, webhook_id: int) -> Record:
    return render_webhook(_row(conn, account_id, webhook_id))


def list_webhooks(conn: Connection, account_id: int) -> list[Record]:
    query = select(_hooks).where(_hooks.c.account_id == account_id).order_by(_hooks.c.id)
    return [render_webhook(row) for row in conn.execute(query)]


def create_webhook(conn: Connection, account_id: int, new: Subscription, now: int) -> Record:
    count = conn.execute(
        select(func.count()).select_from(_hooks).where(_hooks.c.account_id == account_id)
    ).scalar_one()
    if count >= MAX_SUBSCRIPTIONS:
        raise Unprocessable(f"an account has at most {MAX_SUBSCRIPTIONS} subscriptions")
    webhook_id = next_id(conn, account_id, "webhook")
    row = {
        "account_id": account_id, "id": webhook_id,
        "target": new.target, "type": new.type, "event": new.event,
        "secret": orjson.dumps(new.secret or {}).decode(),
        "headers": orjson.dumps(new.headers or {}).decode(),
        "computed_values": bool(new.computed_values), "signing_secret": new.signing_secret,
        "created_at": now,
    }  # fmt: skip
    conn.execute(_hooks.insert(), row)
    return get_webhook(conn, account_id, webhook_id)


def update_webhook(conn: Connection, account_id: int, webhook_id: int, new: Subscription) -> Record:
    _row(conn, account_id, webhook_id)
    values: dict[str, Any] = {}
    if new.target is not None:
        values["target"] = new.target
    for key in ("secret", "headers"):
        if getattr(new, key) is not None:
            values[key] = orjson.dumps(getattr(new, key)).decode()
    if new.computed_values is not None:
        values["computed_values"] = new.computed_values
    if new.signing_secret is not None:
        values["signing_secret"] = new.signing_secret
    if values:
        conn.execute(
            update(_hooks)
            .where(_hooks.c.account_id == account_id, _hooks.c.id == webhook_id)
            .values(values)
        )
    return get_webhook(conn, account_id, webhook_id)


def delete_webhook(conn: Connection, account_id: int, webhook_id: int) -> dict[str, int]:
    _row(conn, account_id, webhook_id)
    conn.execute(delete(_hooks).where(_hooks.c.account_id == account_id, _hooks.c.id == webhook_id))
    conn.execute(
        delete(w.webhook_events).where(
            w.webhook_events.c.account_id == account_id, w.webhook_events.c.webhook_id == webhook_id
        )
    )
    return {"id": webhook_id}


_SUBSCRIBERS = select(_hooks.c.id, _hooks.c.type, _hooks.c.event).where(
    _hooks.c.account_id == bindparam("account"),
    _hooks.c.type.in_(bindparam("kinds", expanding=True)),
)
"""Built once: every write asks it."""


def queue_changes(conn: Connection, account_id: int, changes: Sequence[Change]) -> None:
    """An event row per (subscription, change) the account's subscriptions want."""
    kinds = sorted({c.type for c in changes})
    subscribers: dict[tuple[str, str], list[int]] = {}
    for row in conn.execute(_SUBSCRIBERS, {"account": account_id, "kinds": kinds}):
        subscribers.setdefault((row.type, row.event), []).append(row.id)
    if not subscribers:
        return
    now = time.time()
    rows = [
        (account_id, hook, c.id,
         orjson.dumps({k: list(pair) for k, pair in c.updated.items()}).decode(), now)
        for c in changes for hook in subscribers.get((c.type, c.event), ())
    ]  # fmt: skip
    insert_tuples(conn, w.webhook_events, _EVENT_COLUMNS, rows)
