"""Time lead upserts and conversions (issue 5): each one write transaction, in-process.

    python -m bench.conversions --dburl sqlite:////tmp/copy-of-dev.db --repeat 200

Runs against the first account of the database and CHANGES it (creates leads, people,
companies, opportunities): point it at a copy. Prints p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, select

from verdigris.parsing.conversions import Upsert, parse_conversion, parse_upsert
from verdigris.storage import schema
from verdigris.storage.conversions import convert_lead, upsert_lead
from verdigris.storage.engine import create_db_engine, write
from verdigris.storage.records import custom_field_definitions

NOW = 1_800_000_000


def timed(engine: Engine, work: Callable[..., object], repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        with write(engine) as conn:
            work(conn, i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{name:34} n={len(times):4} p50={statistics.median(times):6.2f} ms "
          f"p95={p95:6.2f} ms max={ordered[-1]:6.2f} ms")  # fmt: skip


def _upsert(conn: Connection, account: int, body: dict[str, Any]) -> Upsert:
    """The body parsed as the route parses it (part of what a write costs)."""
    return parse_upsert(body, lambda: custom_field_definitions(conn, account))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dburl", required=True)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    engine = create_db_engine(args.dburl)
    with engine.connect() as conn:
        account = conn.execute(select(schema.accounts.c.id).order_by("id")).scalar_one()
        leads = schema.leads
        open_ids = conn.execute(
            select(leads.c.id).where(leads.c.account_id == account, leads.c.is_converted.is_(False))
            .order_by(leads.c.id.desc()).limit(args.repeat)
        ).scalars().all()  # fmt: skip

    def create(conn: object, i: int) -> None:
        body = {"properties": {"name": f"Bench Lead {i}", "email": {"email": f"b{i}@bench.x"}},
                "match": {"field_name": "email", "field_value": f"b{i}@bench.x"}}  # fmt: skip
        upsert_lead(conn, account, _upsert(conn, account, body), NOW)  # type: ignore[arg-type]

    def update(conn: object, i: int) -> None:
        body = {"properties": {"title": "Updated"},
                "match": {"field_name": "email", "field_value": f"b{i}@bench.x"}}  # fmt: skip
        upsert_lead(conn, account, _upsert(conn, account, body), NOW)  # type: ignore[arg-type]

    def convert(conn: object, i: int) -> None:
        details = {"details": {"person": {"emails": []}, "opportunity": {}}}
        conversion = parse_conversion(details, lambda: custom_field_definitions(conn, account))  # type: ignore[arg-type]
        convert_lead(conn, account, open_ids[i], conversion, NOW)  # type: ignore[arg-type]

    report("upsert (no match: create)", timed(engine, create, args.repeat))
    report("upsert (one match: update)", timed(engine, update, args.repeat))
    report("convert (+company by name, +opp)", timed(engine, convert, len(open_ids)))
    engine.dispose()


if __name__ == "__main__":
    main()
