"""The rolling windows of the rate limiter: one row per token with its recent hit times."""

from __future__ import annotations

import math

import orjson
from sqlalchemy import Connection, select, update

from verdigris.config import RateLimit
from verdigris.storage import schema
from verdigris.storage.dialect import insert_ignore

_windows = schema.rate_limit_windows


def record_hit(conn: Connection, token_hash: str, now: float, limit: RateLimit) -> int | None:
    """Add a hit at `now` and return None, or return the seconds to wait when the window
    already holds `limit.requests` hits. The row lock (FOR UPDATE on PostgreSQL, BEGIN
    IMMEDIATE on SQLite) serialises concurrent requests of one token."""
    hits = _locked_hits(conn, token_hash)
    recent = [h for h in hits if h > now - limit.seconds]
    if len(recent) >= limit.requests:
        return max(1, math.ceil(recent[-limit.requests] + limit.seconds - now))
    recent.append(now)
    conn.execute(
        update(_windows)
        .where(_windows.c.token_hash == token_hash)
        .values(hits=orjson.dumps(recent).decode())
    )
    return None


def _locked_hits(conn: Connection, token_hash: str) -> list[float]:
    query = select(_windows.c.hits).where(_windows.c.token_hash == token_hash).with_for_update()
    text = conn.execute(query).scalar()
    if text is None:
        insert_ignore(conn, _windows, [{"token_hash": token_hash, "hits": "[]"}])
        text = conn.execute(query).scalar_one()
    hits = orjson.loads(text)
    return [float(h) for h in hits]
