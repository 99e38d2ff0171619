"""Reads while writes wait for SQLite's write lock (issue #12, decision 0005).

Another process holds the write lock of the served file for `--hold` seconds (as
`verdigris load --replace` or a long bulk write would). Meanwhile `--writers` clients
keep sending writes (each waits up to the 5 s lock wait, then gets 503) and one client
reads a person and searches, sequentially. Reported: read latency before and during the
hold, and what the writes were answered.

    python -m bench.lock_wait --hold 12
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.sample import HEADERS, load_sample
from bench.server import running
from bench.stats import percentile


def _reads(base: str, seconds: float) -> list[float]:
    """Milliseconds of each read (a GET and a search, alternately) for `seconds`."""
    timings = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, headers=HEADERS, timeout=60) as http:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            if len(timings) % 2:
                answer = http.post("/people/search", json={"sort_by": "name"})
            else:
                answer = http.get("/people/3")
            timings.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.text
    return timings


def _writes(base: str, stop: threading.Event, answers: Counter[str]) -> None:
    with httpx.Client(base_url=base, headers=HEADERS, timeout=60) as http:
        while not stop.is_set():
            answer = http.put("/people/3", json={"title": "Waiting"})
            answers[f"{answer.status_code} Retry-After={answer.headers.get('Retry-After')}"] += 1


def _hold_lock(db: Path, seconds: float) -> threading.Thread:
    def hold() -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


def _summary(label: str, timings: list[float]) -> str:
    return (
        f"| {label} | {len(timings)} | {percentile(timings, 50):.1f} | "
        f"{percentile(timings, 99):.1f} | {max(timings):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=12.0)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp()) / "lock.db"
    load_sample(str(db))
    with running(f"sqlite:///{db}") as root:
        base = root + "/developer_api/v1"
        before = _reads(base, 3)
        holder = _hold_lock(db, args.hold)
        stop, answers = threading.Event(), Counter[str]()
        writers = [threading.Thread(target=_writes, args=(base, stop, answers))
                   for _ in range(args.writers)]  # fmt: skip
        for writer in writers:
            writer.start()
        during = _reads(base, args.hold - 1)
        stop.set()
        holder.join()
        for writer in writers:
            writer.join()
    print("| reads | count | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|")  # noqa: T201
    print(_summary("before the lock is taken", before))  # noqa: T201
    print(_summary(f"while {args.writers} writers wait", during))  # noqa: T201
    print(f"writes answered while the lock was held: {dict(answers)}")  # noqa: T201


if __name__ == "__main__":
    main()
