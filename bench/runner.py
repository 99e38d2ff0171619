"""One client: each variant over HTTP against `verdigris serve`, then its raw SQL, side by side.

Each body is asked of the server and of its raw SQL, the one asked first alternating
from body to body, so that each reads a new value's pages first half the time; every
variant runs once untimed first (warm cache). Non-200 answers are counted as
errors, and a page or total that differs from the raw SQL's is counted as a difference.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import asdict, dataclass, field
from random import Random
from typing import Any

import orjson
from sqlalchemy import Engine

from bench import Body, Variant, Workload, rawsql
from bench.keepalive import KeepAlive
from bench.records import POSITION
from bench.stats import misses, summary
from bench.values import Values

BASE_PATH = "/developer_api/v1"


@dataclass
class Row:
    """The figures of one variant at one page size."""

    workload: str
    variant: str
    kind: str
    describe: str
    page_size: int
    server: dict[str, float]
    raw: dict[str, float]
    total: int
    errors: int = 0
    differences: int = 0
    misses: list[str] = field(default_factory=list)
    example: dict[str, Any] = field(default_factory=dict)
    slowest: dict[str, Any] = field(default_factory=dict)  # the body of the slowest request

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def headers(v: Values) -> dict[str, str]:
    return {
        "X-PW-AccessToken": v.token,
        "X-PW-Application": "developer_api",
        "X-PW-UserEmail": v.email,
        "Content-Type": "application/json",
    }


def finish(body: Body, page_size: int) -> Body:
    """Set the page size, and turn a match position into its page number."""
    body = {**body, "page_size": page_size}
    if POSITION in body:
        body["page_number"] = body.pop(POSITION) // page_size + 1
    return body


def bodies(variant: Variant, values: Values, page_size: int, count: int, seed: int) -> list[Body]:
    rng = Random(f"{seed}:{variant.name}:{page_size}")
    return [finish(variant.build(values, rng), page_size) for _ in range(count)]


def run_workload(
    workload: Workload,
    values: Values,
    engine: Engine,
    base_url: str,
    repeat: int,
    seed: int,
    only: str | None = None,
) -> list[Row]:
    rows = []
    with KeepAlive(base_url, headers(values)) as client:
        for variant in workload:
            if only and only not in variant.name:
                continue
            for size in variant.page_sizes:
                row = run_variant(workload, variant, values, engine, client, size, repeat, seed)
                rows.append(row)
                print(_progress(row), flush=True)
    return rows


def run_variant(
    workload: Workload,
    variant: Variant,
    values: Values,
    engine: Engine,
    client: KeepAlive,
    size: int,
    repeat: int,
    seed: int,
) -> Row:
    path = f"{BASE_PATH}/{workload.record}/search"
    todo = bodies(variant, values, size, repeat + 1, seed)
    server: list[float] = []
    raw: list[float] = []
    totals: list[int] = []
    row = Row(workload.name, variant.name, variant.kind, variant.describe, size, {}, {}, 0)
    for i, body in enumerate(todo):
        s_ms, got, r_ms, want = _pair(client, path, engine, workload.record, body, values, i)
        if i == 0:
            continue  # warm-up
        server.append(s_ms)
        raw.append(r_ms)
        if s_ms > row.slowest.get("ms", 0.0):
            row.slowest = {"ms": round(s_ms, 2), "raw_ms": round(r_ms, 2), "body": body}
        if got is None or isinstance(got, str):
            row.errors += 1
            row.example = row.example or {"body": body, "error": got}
            continue
        totals.append(got[1])
        if got != want:
            row.differences += 1
            row.example = row.example or {"body": body, "server": _short(got), "raw": _short(want)}
    row.server, row.raw = summary(server), summary(raw)
    row.total = sorted(totals)[len(totals) // 2] if totals else 0
    row.misses = misses(variant.kind, row.server, row.raw)
    return row


def _pair(
    client: KeepAlive, path: str, engine: Engine, record: str, body: Body, v: Values, i: int
) -> tuple[float, Any, float, Any]:
    """The server's and the raw SQL's answers to one body, each timed; the one asked first
    alternates, so that each reads a new value's pages first as often as the other
    (asked second, the raw SQL read them warm from the server's reads every time: a
    custom field text of 83 people, in process, server 7.67 / raw 1.83 ms asked
    first / second, 5.26 / 2.09 the other way round)."""
    if i % 2:
        r_ms, want = _raw(engine, record, body, v)
        s_ms, got = _server(client, path, body)
    else:
        s_ms, got = _server(client, path, body)
        r_ms, want = _raw(engine, record, body, v)
    return s_ms, got, r_ms, want


def _server(client: KeepAlive, path: str, body: Body) -> tuple[float, Any]:
    payload = orjson.dumps(body)
    start = time.perf_counter()
    try:
        answer = client.post(path, payload)
    except (OSError, http.client.HTTPException) as exc:
        return (time.perf_counter() - start) * 1000, f"{type(exc).__name__}: {exc}"
    elapsed = (time.perf_counter() - start) * 1000
    if answer.status != 200:
        return elapsed, f"{answer.status}: {answer.body[:300].decode(errors='replace')}"
    ids = [r["id"] for r in orjson.loads(answer.body)]
    return elapsed, (ids, int(answer.total or -1))


def _raw(engine: Engine, record: str, body: Body, v: Values) -> tuple[float, Any]:
    start = time.perf_counter()
    with engine.connect() as conn, conn.begin():
        plan = rawsql.plan(conn, record, body, v.account_id, v.user_id, int(time.time()))
        ids, total, _ = rawsql.run(conn, plan)
    return (time.perf_counter() - start) * 1000, (ids, total)


def _short(result: tuple[list[int], int]) -> dict[str, Any]:
    return {"ids": result[0][:8], "total": result[1]}


def _progress(row: Row) -> str:
    flag = " ".join(row.misses) or "ok"
    return (
        f"{row.workload:6} {row.variant:28} ps={row.page_size:<3} p50 {row.server['p50']:7.2f}"
        f" p99 {row.server['p99']:7.2f} | raw p50 {row.raw['p50']:7.2f} p99 {row.raw['p99']:7.2f}"
        f" | total {row.total:6} err {row.errors} diff {row.differences} {flag}"
    )
