"""Query plans of one request: the server's own statements beside the raw SQL's.

The server's statements are captured from the app run in-process (same code as
`verdigris serve`), then explained with their parameters: EXPLAIN QUERY PLAN on SQLite,
EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL. Used for every row that misses a target.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import orjson
from sqlalchemy import Engine, event, text

from bench import Body, rawsql
from bench.runner import BASE_PATH, headers
from bench.values import Values
from verdigris.api.app import create_app
from verdigris.config import Settings

_RECORD_TABLES = ("people", "leads", "name_tokens", "token_variants", "value_counts")


def server_statements(dburl: str, record: str, body: Body, v: Values) -> list[tuple[str, Any]]:
    """(statement, parameters) the app executes for one search request."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "(")) and any(
            t in statement for t in _RECORD_TABLES
        ):
            captured.append((statement, params))

    async def call() -> None:
        app = create_app(Settings(database_url=dburl, migrate_on_start=False))
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://b", headers=headers(v)) as c,
        ):
            await c.post(f"{BASE_PATH}/{record}/search", content=orjson.dumps(body))

    event.listen(Engine, "before_cursor_execute", capture)
    try:
        asyncio.run(call())
    finally:
        event.remove(Engine, "before_cursor_execute", capture)
    return captured


def explain_driver(engine: Engine, statement: str, params: Any) -> tuple[str, float]:
    """The plan of a driver-level statement and the time of running it once (ms)."""
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        start = time.perf_counter()
        cursor.execute(statement, params)
        cursor.fetchall()
        elapsed = (time.perf_counter() - start) * 1000
        cursor.execute(prefix + statement, params)
        rows = cursor.fetchall()
    finally:
        raw.close()
    if sqlite:
        return "\n".join(f"{r[0]}|{r[1]}| {r[3]}" for r in rows), elapsed
    return "\n".join(str(r[0]) for r in rows), elapsed


def explain_raw(engine: Engine, record: str, body: Body, v: Values) -> list[tuple[str, str, float]]:
    """(statement, plan, ms) of the raw SQL's page and count queries."""
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    out = []
    with engine.connect() as conn:
        plan = rawsql.plan(conn, record, body, v.account_id, v.user_id, int(time.time()))
        reach = plan.offset + plan.limit
        params = {**plan.query.params, "limit": plan.limit, "offset": plan.offset, "reach": reach}
        total = rawsql.run(conn, plan)[1]
        page_sql = plan.few_sql if total <= rawsql.FEW else plan.page_sql
        for sql in (page_sql, plan.count_sql):
            start = time.perf_counter()
            conn.execute(text(sql), params).all()
            elapsed = (time.perf_counter() - start) * 1000
            rows = conn.execute(text(prefix + sql), params).all()
            shown = (
                "\n".join(f"{r[0]}|{r[1]}| {r[3]}" for r in rows)
                if sqlite
                else "\n".join(str(r[0]) for r in rows)
            )
            out.append((sql, shown, elapsed))
    return out


def report(engine: Engine, dburl: str, record: str, title: str, body: Body, v: Values) -> str:
    """A markdown section: the body, each server statement and raw statement with plans."""
    lines = [f"### {record}: {title}", "", f"body: `{orjson.dumps(body).decode()}`", ""]
    for statement, params in server_statements(dburl, record, body, v):
        plan, ms = explain_driver(engine, statement, params)
        lines += [f"server statement ({ms:.1f} ms):", "```sql", statement.strip(), "```",
                  f"params: `{_short(params)}`", "```", plan, "```", ""]  # fmt: skip
    for statement, plan, ms in explain_raw(engine, record, body, v):
        lines += [f"raw SQL ({ms:.1f} ms):", "```sql", statement, "```", "```", plan, "```", ""]
    return "\n".join(lines)


def _short(params: Any) -> str:
    text_ = repr(params)
    return text_ if len(text_) < 400 else text_[:400] + "…"
