"""Time single-record reads over HTTP (issue 3: GET /people/{id} p50 under 3 ms at 1M).

    python -m bench.point_reads --dburl sqlite:///bench/data/bench.db --repeat 2000

Starts a real `verdigris serve` (1 worker) on 127.0.0.1, then one keep-alive client
reads random existing people and leads of the first account, one request at a time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import httpx
from sqlalchemy import func, select

from bench.server import running
from verdigris.storage import schema
from verdigris.storage.engine import create_db_engine


def _sample_ids(dburl: str, table_name: str, n: int, rng: random.Random) -> tuple[int, list[int]]:
    """(account id, n existing ids) drawn across the whole id range of the first account."""
    engine = create_db_engine(dburl)
    table = schema.metadata.tables[table_name]
    with engine.connect() as conn:
        account = conn.execute(select(func.min(schema.accounts.c.id))).scalar_one()
        low, high = conn.execute(
            select(func.min(table.c.id), func.max(table.c.id)).where(table.c.account_id == account)
        ).one()
        wanted = [rng.randint(low, high) for _ in range(n * 2)]
        found = conn.execute(
            select(table.c.id).where(table.c.account_id == account, table.c.id.in_(wanted))
        ).scalars()
        ids = list(found)[:n]
    engine.dispose()
    rng.shuffle(ids)
    return int(account), ids


def _headers(dburl: str, account_id: int) -> dict[str, str]:
    """Headers of a fresh token for the account's first user (the dataset's tokens are hashed)."""
    from verdigris.storage.accounts import issue_token
    from verdigris.storage.engine import write

    engine = create_db_engine(dburl)
    with write(engine) as conn:
        user = conn.execute(
            select(schema.users.c.id, schema.users.c.email)
            .where(schema.users.c.account_id == account_id)
            .order_by(schema.users.c.id)
        ).first()
        assert user is not None, "the account has no user"  # noqa: S101
        token = issue_token(conn, account_id, user.id, int(time.time()))
    engine.dispose()
    return {"X-PW-AccessToken": token, "X-PW-Application": "developer_api",
            "X-PW-UserEmail": user.email}  # fmt: skip


def measure(base: str, path: str, ids: list[int], headers: dict[str, str]) -> list[float]:
    times = []
    with httpx.Client(base_url=base + "/developer_api/v1", headers=headers) as client:
        for record_id in ids[:50]:  # warm the connection and the page cache
            client.get(f"{path}/{record_id}")
        for record_id in ids:
            start = time.perf_counter()
            response = client.get(f"{path}/{record_id}")
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path}/{record_id}: {response.status_code} {response.text}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dburl", required=True)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(7)
    account, people = _sample_ids(args.dburl, "people", args.repeat, rng)
    _, leads = _sample_ids(args.dburl, "leads", args.repeat, rng)
    headers = _headers(args.dburl, account)
    with running(args.dburl, workers=1) as base:
        for path, ids in (("/people", people), ("/leads", leads)):
            times = sorted(measure(base, path, ids, headers))
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"GET {path}/{{id}}  n={len(times)}  p50={statistics.median(times):.2f} ms  "
                  f"p95={p95:.2f} ms  max={times[-1]:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
