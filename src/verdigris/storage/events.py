"""The change feed: every write path reports what it changed, inside its transaction.

Two consumers read it: webhooks (an outbox row per matching subscription, written in
the same transaction, so a committed change always notifies and a rolled-back one never
does) and the sandbox's request journal (the `effects` of one request, gathered by
`collecting()`).

What is reported, as Copper's webhooks name it:
- a record created: `Change(type, "new", id)`;
- a record updated through any path (PUT, upsert, convert, bulk, a cascade such as a
  deleted company clearing its people's `company_id`): `Change(type, "update", id,
  updated)`, `updated` mapping each rendered field whose value changed (except
  `date_modified`) to `(old, new)`;
- a record deleted: `Change(type, "delete", id)`;
- an activity logged: `Change("activity_log", "new", id)`.
A snapshot load reports nothing. Activities logged on a record do not report an update
of that record (Copper: "update" excludes new activities and relationships).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

TYPES = ("lead", "person", "company", "opportunity", "project", "task", "activity_log")
EVENTS = ("new", "update", "delete")
UNREPORTED = frozenset({"date_modified"})
"""Fields whose change alone is not an attribute update a receiver cares about."""


@dataclass(frozen=True)
class Change:
    type: str
    event: str
    id: int
    updated: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)


_collected: ContextVar[list[tuple[int, Change]] | None] = ContextVar("collected", default=None)


@contextmanager
def collecting() -> Iterator[list[tuple[int, Change]]]:
    """Gather the (account id, change) pairs reported while the block runs."""
    changes: list[tuple[int, Change]] = []
    token = _collected.set(changes)
    try:
        yield changes
    finally:
        _collected.reset(token)


def emit(conn: Connection, account_id: int, changes: Sequence[Change]) -> None:
    """Report `changes` of the account, inside the caller's write transaction."""
    if not changes:
        return
    collected = _collected.get()
    if collected is not None:
        collected.extend((account_id, change) for change in changes)
    _notify(conn, account_id, changes)


def _notify(conn: Connection, account_id: int, changes: Sequence[Change]) -> None:
    """Queue the webhook notifications the changes call for (storage/webhooks.py)."""
    from verdigris.storage.webhooks import queue_changes  # webhooks imports Change

    queue_changes(conn, account_id, changes)


def updated_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each rendered field whose value differs between `old` and `new`, as (old, new)."""
    return {
        key: (old.get(key), value)
        for key, value in new.items()
        if key not in UNREPORTED and old.get(key) != value
    }
