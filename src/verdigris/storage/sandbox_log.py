"""The sandbox's request journal and fault rules, per account, in the database: so that
every worker process of one sandbox sees the same entries and counts a rule's matches
once (docs/decisions/0902-journal-and-faults-in-the-database.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, select, update

from verdigris.errors import NotFound
from verdigris.storage import sandbox_tables

_j = sandbox_tables.sandbox_journal
_f = sandbox_tables.sandbox_faults
TRIM_EVERY = 64
"""The journal is trimmed to its limit every this many entries (not on each insert)."""


def append(conn: Connection, account_id: int, entry: dict[str, Any], limit: int) -> int:
    """Store one entry; returns its sequence number."""
    row = {"account_id": account_id, "method": entry["method"], "route": entry["route"],
           "status": entry["status"], "entry": orjson.dumps(entry).decode()}  # fmt: skip
    seq = int(conn.execute(_j.insert().returning(_j.c.seq), row).scalar_one())
    if seq % TRIM_EVERY == 0:
        _trim(conn, account_id, limit)
    return seq


def _trim(conn: Connection, account_id: int, limit: int) -> None:
    keep_from = (
        select(_j.c.seq)
        .where(_j.c.account_id == account_id)
        .order_by(_j.c.seq.desc())
        .offset(limit - 1)
        .limit(1)
        .scalar_subquery()
    )
    conn.execute(delete(_j).where(_j.c.account_id == account_id, _j.c.seq < keep_from))


@dataclass(frozen=True)
class JournalQuery:
    since: int = 0
    limit: int = 1000
    method: str | None = None
    route: str | None = None
    status: int | None = None
    kept: int | None = None
    """The journal's limit: only the account's last `kept` entries exist (the table is
    trimmed in steps, reads are exact)."""


def entries(conn: Connection, account_id: int, query: JournalQuery) -> list[dict[str, Any]]:
    """The account's entries after `since`, oldest first, filtered in SQL."""
    since = query.since
    if query.kept is not None:
        since = max(since, _first_dropped(conn, account_id, query.kept))
    statement = select(_j.c.seq, _j.c.entry).where(_j.c.account_id == account_id, _j.c.seq > since)
    if query.method:
        statement = statement.where(_j.c.method == query.method.upper())
    if query.route:
        statement = statement.where(_j.c.route == query.route)
    if query.status is not None:
        statement = statement.where(_j.c.status == query.status)
    statement = statement.order_by(_j.c.seq).limit(query.limit)
    return [{"seq": row.seq, **orjson.loads(row.entry)} for row in conn.execute(statement)]


def _first_dropped(conn: Connection, account_id: int, kept: int) -> int:
    """The seq of the newest entry beyond the last `kept` (0: none)."""
    query = (
        select(_j.c.seq)
        .where(_j.c.account_id == account_id)
        .order_by(_j.c.seq.desc())
        .offset(kept)
        .limit(1)
    )
    return int(conn.execute(query).scalar() or 0)


def clear(conn: Connection, account_id: int) -> None:
    conn.execute(delete(_j).where(_j.c.account_id == account_id))


def last_seq(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(_j.c.seq), 0))).scalar_one())


# -- Fault rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredRule:
    id: int
    name: str
    rule: dict[str, Any]
    matched: int
    fired: int

    def shown(self) -> dict[str, Any]:
        expired = self.rule.get("times") is not None and self.fired >= self.rule["times"]
        return {**self.rule, "id": self.name, "matched": self.matched, "fired": self.fired,
                "expired": expired}  # fmt: skip


def add_rules(conn: Connection, account_id: int, rules: Sequence[dict[str, Any]]) -> None:
    rows = [{"account_id": account_id, "name": r["id"], "rule": orjson.dumps(r).decode(),
             "matched": 0, "fired": 0} for r in rules]  # fmt: skip
    if rows:
        conn.execute(_f.insert(), rows)


def rules(conn: Connection, account_id: int) -> list[StoredRule]:
    query = select(_f).where(_f.c.account_id == account_id).order_by(_f.c.id)
    return [
        StoredRule(r.id, r.name, orjson.loads(r.rule), r.matched, r.fired)
        for r in conn.execute(query)
    ]


def clear_rules(conn: Connection, account_id: int) -> None:
    conn.execute(delete(_f).where(_f.c.account_id == account_id))


def delete_rule(conn: Connection, account_id: int, name: str) -> None:
    done = conn.execute(delete(_f).where(_f.c.account_id == account_id, _f.c.name == name))
    if not done.rowcount:
        raise NotFound(f"no fault rule {name!r}")


def count_match(conn: Connection, rule_id: int, fires: Callable[[int, int], bool]) -> bool:
    """Count one match of the rule under its row lock, and whether it fires:
    `fires(n, fired)` with n the 1-based number of this match. Atomic across processes."""
    row = conn.execute(
        select(_f.c.matched, _f.c.fired).where(_f.c.id == rule_id).with_for_update()
    ).first()
    if row is None:  # deleted since it was read
        return False
    n = int(row.matched) + 1
    fire = fires(n, int(row.fired))
    fired = int(row.fired) + (1 if fire else 0)
    conn.execute(update(_f).where(_f.c.id == rule_id).values(matched=n, fired=fired))
    return fire
