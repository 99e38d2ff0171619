"""Task and project search at scale (issue 13): N tasks and N projects in one account,
loaded with `verdigris load`, searched over HTTP by one client against a real
`verdigris serve`, X-PW-TOTAL included; p50/p99 per variant against the targets
(p50 < 10 ms, p99 < 100 ms).

    python -m bench.work --records 100000 --dburl sqlite:///bench/data/work.db
    python -m bench.work --records 100000 \
        --dburl postgresql+psycopg://postgres@127.0.0.1:5432/verdigris_work
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.load import fresh_database
from bench.server import running
from bench.stats import percentile

ROOT = Path(__file__).resolve().parents[1]
TOKEN, EMAIL = "bench-work-token", "work@bench.example"
WORDS = ["call", "email", "visit", "report", "review", "plan", "order", "invoice", "demo",
         "follow", "renewal", "kickoff", "audit", "survey", "meeting"]  # fmt: skip
TAGS = ["urgent", "q1", "q2", "vip", "later"] + [f"rare{i}" for i in range(200)]
Body = dict[str, Any]
Variant = Callable[[random.Random, int], Body]


def snapshot(path: Path, records: int, seed: int = 5) -> None:
    """One account holding `records` projects and `records` tasks, Zipf-ish skewed."""
    rng = random.Random(seed)
    projects = [_work(rng, i, "project", records) for i in range(1, records + 1)]
    tasks = [_work(rng, i, "task", records) for i in range(1, records + 1)]
    account = {
        "id": 1, "name": "Work bench",
        "users": [{"id": u, "name": f"User {u}", "email": EMAIL if u == 1 else f"u{u}@b.example",
                   "api_tokens": [TOKEN] if u == 1 else []} for u in range(1, 11)],
        "projects": projects, "tasks": tasks, "people": [], "leads": [],
    }  # fmt: skip
    path.write_bytes(orjson.dumps({"format": "verdigris-snapshot/1", "accounts": [account]}))


def _work(rng: random.Random, i: int, kind: str, records: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": i, "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}",
        "assignee_id": rng.choice([None, *range(1, 11)]),
        "status": "Completed" if rng.random() < 0.3 else "Open",
        "tags": sorted({rng.choice(TAGS[:5]) if rng.random() < 0.8 else rng.choice(TAGS)
                        for _ in range(rng.randint(0, 2))}),
        "date_created": 1_600_000_000 + i * 60, "date_modified": 1_600_000_000 + i * 90,
    }  # fmt: skip
    if kind == "task":
        project = rng.randint(1, records) if rng.random() < 0.7 else None
        record["related_resource"] = {"id": project, "type": "project" if project else None}
        record["due_date"] = 1_650_000_000 + rng.randint(0, 365) * 86_400
        record["priority"] = rng.choice(["None", "Low", "High"])
    return record


def variants(records: int) -> dict[str, tuple[str, str, Variant]]:
    """name -> (kind of variant, plural, body maker)."""
    ids = lambda r, n: {"ids": r.sample(range(1, records + 1), 20)}  # noqa: E731
    return {
        "tasks: default listing (due_date), page 1": ("page", "tasks", lambda r, n: {}),
        "tasks: default listing, a page near 5,000": (
            "page", "tasks", lambda r, n: {"page_number": r.randint(4900, 5000)}),
        "tasks: ids [20]": ("selective", "tasks", ids),
        "tasks: project_ids [1 project]": (
            "selective", "tasks", lambda r, n: {"project_ids": [r.randint(1, records)]}),
        "tasks: name, a rare word": (
            "selective", "tasks", lambda r, n: {"name": f" {r.randint(1, records)}"[-5:]}),
        "tasks: tags [rare]": ("selective", "tasks", lambda r, n: {"tags": [r.choice(TAGS[5:])]}),
        "tasks: statuses [Open] (broad, counted)": (
            "broad", "tasks", lambda r, n: {"statuses": ["Open"], "page_number": r.randint(1, 50)}),
        "tasks: assignee_ids [1 user] (broad)": (
            "broad", "tasks", lambda r, n: {"assignee_ids": [r.randint(1, 10)]}),
        "tasks: tags [common] (broad)": (
            "broad", "tasks", lambda r, n: {"tags": [r.choice(TAGS[:5])]}),
        "tasks: due in one month (broad)": ("broad", "tasks", _month),
        "tasks: name, a common word (broad)": (
            "broad", "tasks", lambda r, n: {"name": r.choice(WORDS)}),
        "projects: default listing (name), page 1": ("page", "projects", lambda r, n: {}),
        "projects: ids [20]": ("selective", "projects", ids),
        "projects: status_ids [1] (broad, counted)": (
            "broad", "projects", lambda r, n: {"status_ids": [1], "page_number": r.randint(1, 50)}),
        "projects: sort date_modified desc (broad)": (
            "broad", "projects",
            lambda r, n: {"sort_by": "date_modified", "sort_direction": "desc"}),
    }  # fmt: skip


def _month(r: random.Random, n: int) -> Body:
    start = 1_650_000_000 + r.randint(0, 330) * 86_400
    return {"minimum_due_date": start, "maximum_due_date": start + 30 * 86_400}


def measure(base: str, repeat: int, records: int) -> list[dict[str, Any]]:
    headers = {"X-PW-AccessToken": TOKEN, "X-PW-Application": "developer_api",
               "X-PW-UserEmail": EMAIL}  # fmt: skip
    rows = []
    with httpx.Client(base_url=f"{base}/developer_api/v1", headers=headers, timeout=60) as client:
        for name, (kind, plural, make) in variants(records).items():
            rng = random.Random(name)
            client.post(f"/{plural}/search", json=make(rng, 0))  # warm
            samples, totals = [], []
            for n in range(repeat):
                started = time.perf_counter()
                response = client.post(f"/{plural}/search", json=make(rng, n))
                response.read()
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
                totals.append(int(response.headers["X-PW-TOTAL"]))
            p50, p99 = percentile(samples, 50), percentile(samples, 99)
            met = p50 < 10 and p99 < 100
            rows.append({"variant": name, "kind": kind, "p50": round(p50, 2),
                         "p99": round(p99, 2), "total": sorted(totals)[len(totals) // 2],
                         "met": met})  # fmt: skip
            print(f"| {name} | {rows[-1]['total']:,} | {p50:.1f} | {p99:.1f} | "
                  f"{'yes' if met else 'NO'} |", flush=True)  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--dburl", required=True)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    args = parser.parse_args()
    data = ROOT / "bench" / "data" / f"work-{args.records}.json"
    data.parent.mkdir(parents=True, exist_ok=True)
    if not data.exists():
        snapshot(data, args.records)
    if not args.reuse:
        fresh_database(args.dburl)
        exe = str(Path(sys.executable).with_name("verdigris"))
        subprocess.run([exe, "load", str(data), "--db", args.dburl], check=True)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.records:,} tasks + projects; "
          f"{args.dburl.split(':')[0]}; {args.repeat} requests per variant")  # fmt: skip
    print("| variant | X-PW-TOTAL | p50 ms | p99 ms | target met |\n|---|---|---|---|---|")
    with running(args.dburl) as base:
        measure(base, args.repeat, args.records)


if __name__ == "__main__":
    main()
