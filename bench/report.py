"""Markdown tables for bench/README.md and JSON results under bench/results/."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench.http_load import LoadResult
from bench.runner import Row

RESULTS = Path(__file__).resolve().parent / "results"


def machine(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        version = conn.execute(
            text(
                "SELECT sqlite_version()"
                if engine.dialect.name == "sqlite"
                else "SHOW server_version"
            )
        ).scalar()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=RESULTS.parent.parent,
        check=False,
    ).stdout.strip()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**30
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory} GiB",
        "python": platform.python_version(),
        "backend": f"{engine.dialect.name} {version}",
        "commit": commit,
        "load average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def one_client_table(rows: list[Row]) -> str:
    head = (
        "| route | variant | size | server p50 | p95 | p99 | max | raw p50 | raw p99 "
        "| server/raw p50 | total | err | diff | target |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        s, w = r.server, r.raw
        ratio = f"{s['p50'] / w['p50']:.2f}x" if w["p50"] else "-"
        lines.append(
            f"| {r.workload} | {r.describe} | {r.page_size} | {s['p50']:.1f} | {s['p95']:.1f} "
            f"| {s['p99']:.1f} | {s['max']:.1f} | {w['p50']:.1f} | {w['p99']:.1f} | {ratio} "
            f"| {r.total} | {r.errors} | {r.differences} | {', '.join(r.misses) or 'ok'} |"
        )
    return "\n".join(lines)


def load_table(results: list[LoadResult]) -> str:
    lines = [
        "| mix | clients | workers | seconds | searches | searches/s | errors "
        "| p50 ms | p95 ms | p99 ms | max ms | client CPU |",
        "|" + "---|" * 12,
    ]
    for r in results:
        lat = r.latency
        lines.append(
            f"| {r.mix} | {r.clients} | {r.workers} | {r.seconds} | {r.requests} | {r.per_second} "
            f"| {r.errors} | {lat['p50']:.1f} | {lat['p95']:.1f} | {lat['p99']:.1f} "
            f"| {lat['max']:.1f} | {r.client_cpu:.0%} |"
        )
    return "\n".join(lines)


def kind_summary(rows: list[Row]) -> str:
    """Worst figures per kind: what the targets are judged on."""
    lines = [
        "| route | kind | variants | worst p50 | worst p99 | misses |",
        "|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        groups.setdefault((r.workload, r.kind), []).append(r)
    for (workload, kind), members in groups.items():
        missed = sum(1 for r in members if r.misses)
        lines.append(
            f"| {workload} | {kind} | {len(members)} | {max(r.server['p50'] for r in members):.1f} "
            f"| {max(r.server['p99'] for r in members):.1f} | {missed} |"
        )
    return "\n".join(lines)


def save(name: str, meta: dict[str, Any], rows: list[Row], loads: list[LoadResult]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    data = {
        "meta": meta,
        "one_client": [r.as_dict() for r in rows],
        "concurrent": [r.as_dict() for r in loads],
    }
    path.write_text(json.dumps(data, indent=1, default=str))
    return path


def save_plans(results: Path, text_: str) -> Path:
    path = results.with_suffix(".plans.md")
    path.write_text("# Query plans of the rows that miss a target\n\n" + text_)
    return path


def _index(data: dict[str, Any]) -> dict[tuple[str, str, int], dict[str, Any]]:
    return {(r["workload"], r["variant"], r["page_size"]): r for r in data["one_client"]}


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "- | -"
    s, w = row["server"], row["raw"]
    return f"{s['p50']:.1f} / {s['p99']:.0f} | {w['p50']:.1f} / {w['p99']:.0f}"


def compare_table(sqlite: dict[str, Any], postgres: dict[str, Any] | None) -> str:
    """One line per variant and size: SQLite and PostgreSQL, server and raw, p50 / p99 ms.

    Sort variants are folded into one line per route (the worst of them)."""
    a, b = _index(sqlite), _index(postgres) if postgres else {}
    lines = [
        "| route | variant | size | SQLite server p50 / p99 | raw p50 / p99 "
        "| PostgreSQL server p50 / p99 | raw p50 / p99 | PG/SQLite p50 | SQLite misses |",
        "|" + "---|" * 9,
    ]
    for key, row in a.items():
        if row["kind"] == "sort":
            continue
        other = b.get(key)
        ratio = f"{other['server']['p50'] / row['server']['p50']:.1f}x" if other else "-"
        lines.append(
            f"| {key[0]} | {row['describe']} | {key[2]} | {_cell(row)} | {_cell(other)} "
            f"| {ratio} | {', '.join(row['misses']) or 'ok'} |"
        )
    lines += _sort_lines(a, b)
    return "\n".join(lines)


def _sort_lines(a: dict[Any, dict[str, Any]], b: dict[Any, dict[str, Any]]) -> list[str]:
    out = []
    for workload in sorted({k[0] for k in a}):
        for size in (20, 200):
            keys = [k for k, r in a.items() if r["kind"] == "sort" and k[0] == workload
                    and k[2] == size]  # fmt: skip
            if not keys:
                continue
            worst = max(keys, key=lambda k: a[k]["server"]["p99"])
            missed = sum(1 for k in keys if a[k]["misses"])
            other = b.get(worst)
            ratio = f"{other['server']['p50'] / a[worst]['server']['p50']:.1f}x" if other else "-"
            out.append(
                f"| {workload} | every sort key both ways ({len(keys)}; worst: "
                f"{a[worst]['describe']}) | {size} | {_cell(a[worst])} | {_cell(other)} "
                f"| {ratio} | {missed} of {len(keys)} miss |"
            )
    return out


if __name__ == "__main__":
    import sys

    loaded = [json.loads(Path(p).read_text()) for p in sys.argv[1:3]]
    for data in loaded:
        print(" | ".join(f"{k}: {v}" for k, v in data["meta"].items()), "\n")
    print(compare_table(loaded[0], loaded[1] if len(loaded) > 1 else None))
    for data in loaded:
        print()
        print(f"{data['meta']['backend']}:\n")
        print(load_table([LoadResult(**r) for r in data["concurrent"]]))
