"""python -m bench SUITE --dburl URL [--records N] [--repeat R] [--profile]
[--workers 2 --clients 32 --seconds 25]

Suites: people, leads (one client, server vs raw SQL), load (concurrent clients), all.
Prints markdown tables for bench/README.md and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import os
from urllib.parse import urlparse

from bench import KINDS, SELECTIVE_MIX, Workload, explain, report
from bench.database import prepare, warm
from bench.http_load import LoadResult, requests_for, run_load
from bench.runner import Row, bodies, run_workload
from bench.search_leads import leads
from bench.search_people import people
from bench.server import running
from bench.values import sample
from verdigris.config import database_url
from verdigris.storage.engine import create_db_engine

WORKLOADS = {"people": people, "leads": leads}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("suite", choices=["people", "leads", "load", "all"])
    parser.add_argument("--dburl", required=True, help="SQLAlchemy URL or SQLite file path")
    parser.add_argument(
        "--records",
        type=int,
        default=0,
        help="people and leads expected; fewer: generate and load that many",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per variant")
    parser.add_argument("--profile", action="store_true", help="profile the app in-process")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=25.0, help="duration of each load mix")
    parser.add_argument("--only", help="run only variants whose name contains this")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="only print the plans of one request per variant (with --only)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    url = database_url(args.dburl)
    if args.records:
        prepare(url, args.records)
    engine = create_db_engine(url)
    values = sample(engine, args.seed)
    workloads = [WORKLOADS[s] for s in WORKLOADS if args.suite in (s, "all")]
    if args.profile:
        from bench.profile import profile

        profile(url, workloads, values, args.repeat, args.seed, args.only)
        return
    if args.explain:
        print(explain_variants(engine, url, workloads, values, args))
        return
    warm(engine, url)
    load_at_start = " ".join(f"{x:.1f}" for x in os.getloadavg())
    rows: list[Row] = []
    loads: list[LoadResult] = []
    if workloads:
        with running(url, workers=1) as base:
            for workload in workloads:
                rows += run_workload(
                    workload, values, engine, base, args.repeat, args.seed, args.only
                )
    if args.suite in ("load", "all"):
        loads = run_mixes(url, values, args)
    meta = report.machine(engine) | {
        "dburl": _safe(url),
        "records": values["people"].total,
        "leads": values["leads"].total,
        "repeat": args.repeat,
        "load average at start": load_at_start,
    }
    path = report.save(f"{args.suite}-{engine.dialect.name}", meta, rows, loads)
    _print(meta, rows, loads, path)
    if rows:
        plans = report.save_plans(path, explain_misses(engine, url, rows, values))
        print(f"plans of the rows that miss a target: {plans}")


def run_mixes(url: str, values, args: argparse.Namespace) -> list[LoadResult]:  # type: ignore[no-untyped-def]
    results = []
    all_workloads: list[Workload] = list(WORKLOADS.values())
    with running(url, workers=args.workers) as base:
        port = int(base.rsplit(":", 1)[1])
        for mix, kinds in (("selective", SELECTIVE_MIX), ("full", KINDS)):
            count = int(args.seconds * 3000) if mix == "selective" else int(args.seconds * 800)
            requests = requests_for(all_workloads, kinds, values, count, args.seed)
            result = run_load(mix, port, requests, args.clients, args.workers, args.seconds)
            print(report.load_table([result]).splitlines()[-1], flush=True)
            results.append(result)
    return results


def explain_variants(engine, url, workloads, values, args) -> str:  # type: ignore[no-untyped-def]
    sections = []
    for workload in workloads:
        for variant in workload:
            if args.only and args.only not in variant.name:
                continue
            body = bodies(variant, values, 20, 1, args.seed)[0]
            sections.append(
                explain.report(engine, url, workload.record, variant.describe, body, values)
            )
    return "\n".join(sections)


def explain_misses(engine, url, rows: list[Row], values) -> str:  # type: ignore[no-untyped-def]
    """Plans of the slowest request of each variant that misses a target (once per variant)."""
    sections, seen = [], set()
    for row in rows:
        key = (row.workload, row.variant)
        if not row.misses or key in seen or not row.slowest:
            continue
        seen.add(key)
        record = WORKLOADS[row.workload].record
        title = f"{row.describe} (size {row.page_size}; misses {', '.join(row.misses)}; "
        title += f"server {row.slowest['ms']} ms, raw {row.slowest['raw_ms']} ms)"
        try:
            sections.append(explain.report(engine, url, record, title, row.slowest["body"], values))
        except Exception as exc:  # noqa: BLE001 (a plan we cannot get must not lose the run)
            sections.append(f"### {record}: {title}\n\nno plan: {exc}\n")
    return "\n".join(sections)


def _safe(url: str) -> str:
    parsed = urlparse(url)
    return url.replace(f":{parsed.password}@", ":***@") if parsed.password else url


def _print(meta: dict, rows: list[Row], loads: list[LoadResult], path: object) -> None:  # type: ignore[type-arg]
    print()
    print(" | ".join(f"{k}: {v}" for k, v in meta.items()))
    if rows:
        print()
        print(report.kind_summary(rows))
        print()
        print(report.one_client_table(rows))
    if loads:
        print()
        print(report.load_table(loads))
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
