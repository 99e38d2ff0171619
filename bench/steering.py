"""An address value with a created-date range on SQLite, in-process: the search as
SQLite plans it alone beside the search as `search/steering.py` steers it, each the
best of `--repeat` runs, for the account's most and least common states and three
windows (the two plans read the same data, one right after the other, so the
machine's drift between runs does not enter the comparison).

    python -m bench.steering --dburl sqlite:///bench/data/bench.db [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from sqlalchemy import Engine, func, select

from verdigris.config import database_url
from verdigris.domain.types import RecordType
from verdigris.parsing.search import parse_search
from verdigris.search import steering
from verdigris.search.execute import run_search
from verdigris.search.steering import MAX_PROBE
from verdigris.storage import schema
from verdigris.storage.engine import create_db_engine, read

ACCOUNT, USER, NOW = 1, 1, 2_000_000_000
SHARES = (0.3, 0.65, 0.01)
"""Windows as shares of the created dates' span."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dburl", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = create_db_engine(database_url(args.dburl))
    print("| state | people | window | total | SQLite's plan ms | steered ms |")  # noqa: T201
    print("|---|---|---|---|---|---|")  # noqa: T201
    low, high = _span(engine)
    for state, people in _states(engine):
        for share in SHARES:
            start = low + int((high - low) * 0.2)
            body = {"state": state, "minimum_created_date": start,
                    "maximum_created_date": start + int((high - low) * share)}  # fmt: skip
            alone, total = _best(engine, body, args.repeat, steered=False)
            steered, _ = _best(engine, body, args.repeat, steered=True)
            print(f"| {state} | {people:,} | {share:.0%} | {total:,} | "  # noqa: T201
                  f"{alone:.1f} | {steered:.1f} |")  # fmt: skip


def _span(engine: Engine) -> tuple[int, int]:
    people = schema.people
    query = select(func.min(people.c.date_created), func.max(people.c.date_created))
    with read(engine) as conn:
        low, high = conn.execute(query.where(people.c.account_id == ACCOUNT)).one()
    return int(low), int(high)


def _states(engine: Engine) -> list[tuple[str, int]]:
    vc = schema.value_counts
    query = (
        select(vc.c.value, vc.c.n)
        .where(
            vc.c.account_id == ACCOUNT,
            vc.c.record_type == int(RecordType.PERSON),
            vc.c.field == "state",
            vc.c.value != "",
        )  # fmt: skip
        .order_by(vc.c.n.desc())
    )
    with read(engine) as conn:
        states = [(str(v), int(n)) for v, n in conn.execute(query)]
    return [states[0], states[len(states) // 2], states[-1]] if states else []


def _best(engine: Engine, body: dict[str, Any], repeat: int, steered: bool) -> tuple[float, int]:
    times, total = [], 0
    for _ in range(repeat):
        with read(engine) as conn, _steering(steered):
            search = parse_search(RecordType.PERSON, body, {}, dict)
            started = time.perf_counter()
            _, total = run_search(conn, ACCOUNT, USER, NOW, search)
            times.append((time.perf_counter() - started) * 1000)
    return min(times), total


@contextmanager
def _steering(on: bool) -> Iterator[None]:
    # A probe cap of 0 leaves every search SQLite's plan.
    with mock.patch.object(steering, "MAX_PROBE", MAX_PROBE if on else 0):
        yield


if __name__ == "__main__":
    main()
