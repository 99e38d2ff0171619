"""The test kit's speed (issue 14): cloning a template into a new account, resetting it,
deleting it, and what sandbox mode (journal + fault check) adds to a request.

python -m bench.sandbox [--dburl URL] [--repeat 30]

Templates: the demo account (sample-account.json) and a 1,000-record account
(bench.devdata: 500 people + 500 leads). Times are the write transaction as the admin
API runs it (clone + fresh tokens; reset; delete), p50 and p95 over --repeat runs.
The request overhead compares GET /account and POST /people/search over HTTP, answered
by `verdigris sandbox` and by `verdigris serve` on the same database.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench.devdata import snapshot
from bench.sample import SAMPLE
from verdigris.cli.sandbox import prepare
from verdigris.storage import sandbox as store
from verdigris.storage.engine import create_db_engine, write


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def _timed(repeat: int, work: Callable[[], Any]) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return samples


def _fresh_database(url: str, folder: Path) -> str:
    if url == "sqlite":
        return f"sqlite:///{folder / 'bench-sandbox.db'}"
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def accounts(url: str, repeat: int, folder: Path) -> None:
    big = folder / "thousand.json"
    big.write_text(json.dumps(snapshot(500)))
    engine = create_db_engine(url)
    prepare(engine, [("demo", SAMPLE), ("thousand", big)])
    for template in ("demo", "thousand"):
        made: list[int] = []

        def clone(template: str = template, made: list[int] = made) -> None:
            with write(engine) as conn:
                made.append(store.new_test_account(conn, template, "bench", 0))
                store.mint_tokens(conn, made[-1], 0)

        spare_times: list[float] = []

        def pooled(
            template: str = template, made: list[int] = made, spare_times: list[float] = spare_times
        ) -> None:
            """A new account when a spare is ready (the admin API makes the next one
            after answering); the spare's making is not timed."""
            with write(engine) as conn:
                store.add_spares(conn, template)
            started = time.perf_counter()
            with write(engine) as conn:
                made.append(store.new_test_account(conn, template, "bench", 0))
                store.mint_tokens(conn, made[-1], 0)
            spare_times.append(time.perf_counter() - started)

        def reset(made: list[int] = made) -> None:
            with write(engine) as conn:
                store.reset_account(conn, made[0], None)

        purges: list[int] = []

        def delete(made: list[int] = made, purges: list[int] = purges) -> None:
            """What the admin API answers after: tokens revoked (rows purged after)."""
            with write(engine) as conn:
                store.revoke_account(conn, made[-1])
            purges.append(made.pop())

        with write(engine) as conn:  # the spare prepare() made: the clone timing needs none
            store.take_spare(conn, template, "bench")
        clone_times = _timed(repeat, clone)
        reset_times = _timed(repeat, reset)
        delete_times = _timed(repeat - 1, delete)
        purge_times = []
        for account_id in purges:
            started = time.perf_counter()
            with write(engine) as conn:
                store.purge_account(conn, account_id)
            purge_times.append(time.perf_counter() - started)
        for _ in range(repeat):
            pooled()
        print(f"{engine.dialect.name} {template}: clone {_ms(clone_times)}; "  # noqa: T201
              f"new account from a spare {_ms(spare_times)}; "
              f"reset {_ms(reset_times)}; delete {_ms(delete_times)} "
              f"(rows purged after: {_ms(purge_times)})")  # fmt: skip
    engine.dispose()


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "verdigris", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _wait(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise TimeoutError(url)


def overhead(url: str, repeat: int, folder: Path) -> None:
    """Over real HTTP: `verdigris sandbox` and `verdigris serve` on the same database,
    one keep-alive client each, the same account's requests, alternately."""
    ready = folder / "ready.json"
    sandbox = _spawn("sandbox", "--db", url, "--ready-file", str(ready))
    serve = _spawn("serve", "--db", url, "--port", "8765")
    try:
        _wait("http://127.0.0.1:8765/")
        while not ready.exists():
            time.sleep(0.05)
        info = json.loads(ready.read_text())
        made = httpx.post(info["url"] + "/_verdigris/accounts", json={"template": "demo"},
                          headers={"Authorization": f"Bearer {info['admin_token']}"})  # fmt: skip
        headers = made.json()["headers"]
        bases = {"serve": "http://127.0.0.1:8765/developer_api/v1", "sandbox": info["api"]}
        for method, path in (("GET", "/account"), ("POST", "/people/search")):
            _compare(bases, method, path, headers, repeat * 20)
    finally:
        for process in (sandbox, serve):
            process.terminate()
            process.wait(10)


def _compare(bases: dict[str, str], method: str, path: str, headers: dict[str, str],
             n: int) -> None:  # fmt: skip
    results: dict[str, list[float]] = {name: [] for name in bases}
    with httpx.Client(headers=headers) as client:
        for i in range(n + 50):
            for name, base in bases.items():
                started = time.perf_counter()
                client.request(method, base + path)
                if i >= 50:  # warm
                    results[name].append(time.perf_counter() - started)
    added = statistics.median(results["sandbox"]) - statistics.median(results["serve"])
    print(f"{method} {path} over HTTP: serve {_ms(results['serve'])}; "  # noqa: T201
          f"sandbox {_ms(results['sandbox'])}; added p50 {added * 1000:.2f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dburl", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = _fresh_database(args.dburl, Path(folder))
        accounts(url, args.repeat, Path(folder))
        overhead(url, args.repeat, Path(folder))


if __name__ == "__main__":
    main()
