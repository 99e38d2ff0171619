"""Bulk create against single creates (issue 13: a bulk of 200 people at most 10x one
create), over HTTP to a real `verdigris serve --bulk-limit 200` on the sample account.

    python -m bench.bulk [--dburl URL] [--repeat 20]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx

from bench.sample import HEADERS, load_sample
from bench.server import running
from bench.stats import percentile


def _person(n: int) -> dict[str, object]:
    return {"name": f"Bulk Person {n}", "emails": [{"email": f"bulk{n}@example.com",
            "category": "work"}], "tags": ["bulk"], "title": "Buyer"}  # fmt: skip


def _timed(http: httpx.Client, path: str, body: object) -> float:
    started = time.perf_counter()
    answer = http.post(path, json=body)
    elapsed = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200, answer.text
    return elapsed


def measure(base: str, repeat: int) -> tuple[list[float], list[float], list[float]]:
    ones, tens, bulks = [], [], []
    serial = 0
    with httpx.Client(base_url=base, headers=HEADERS, timeout=120) as http:
        for _ in range(repeat):
            serial += 1
            ones.append(_timed(http, "/people", _person(serial)))
            batch = [_person(serial := serial + 1) for _ in range(10)]
            tens.append(_timed(http, "/people/bulk_create", {"people": batch}))
            batch = [_person(serial := serial + 1) for _ in range(200)]
            bulks.append(_timed(http, "/people/bulk_create", {"people": batch}))
    return ones, tens, bulks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dburl", default=None, help="default: a new SQLite file")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    dburl = args.dburl or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bulk.db'}"
    load_sample(dburl)
    with running(dburl, serve_args=("--bulk-limit", "200")) as root:
        ones, tens, bulks = measure(root + "/developer_api/v1", args.repeat)
    one = percentile(ones, 50)
    print("| request | p50 ms | p99 ms | x one create |\n|---|---|---|---|")  # noqa: T201
    for label, times in (("one create", ones), ("bulk_create of 10", tens),
                         ("bulk_create of 200", bulks)):  # fmt: skip
        p50 = percentile(times, 50)
        print(f"| {label} | {p50:.1f} | {percentile(times, 99):.1f} | {p50 / one:.1f} |")  # noqa: T201


if __name__ == "__main__":
    main()
