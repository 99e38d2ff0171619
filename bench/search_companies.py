"""Company and opportunity search at scale (issue 13): N companies and N opportunities in
one account (with 5,000 people as primary contacts), loaded with `verdigris load`,
searched over HTTP by one client against a real `verdigris serve`, X-PW-TOTAL
included; p50/p99 per variant against the targets (p50 < 10 ms, p99 < 100 ms).

    python -m bench.search_companies --records 100000 --dburl sqlite:///bench/data/deals.db
    python -m bench.search_companies --records 100000 \
        --dburl postgresql+psycopg://postgres@127.0.0.1:5432/verdigris_deals
"""

from __future__ import annotations

import argparse
import calendar
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.load import fresh_database
from bench.server import running
from bench.stats import percentile

ROOT = Path(__file__).resolve().parents[1]
TOKEN, EMAIL = "bench-deals-token", "deals@bench.example"
WORDS = ["acme", "global", "north", "paper", "steel", "blue", "river", "summit", "delta",
         "pioneer", "harbor", "atlas", "vertex", "cedar", "granite"]  # fmt: skip
KINDS = ["Corp", "Inc", "LLC", "GmbH", "Ltd", "Partners", "Group"]
CITIES = ["Scranton", "Philadelphia", "Austin", "Boston", "Denver", "Köln", "Paris"]
COUNTRIES = ["US"] * 6 + ["CA", "GB", "DE", "FR"]
TAGS = ["customer", "prospect", "partner", "vip", "churned"] + [f"rare{i}" for i in range(300)]
PEOPLE = 5_000
EPOCH = date(2023, 1, 1)
Body = dict[str, Any]
Variant = Callable[[random.Random], Body]


def _tags(rng: random.Random) -> list[str]:
    count = rng.choice([0, 0, 1, 1, 2])
    return sorted({rng.choice(TAGS[:5]) if rng.random() < 0.9 else rng.choice(TAGS)
                   for _ in range(count)})  # fmt: skip


def _company(rng: random.Random, i: int) -> dict[str, Any]:
    created = 1_600_000_000 + i * 300
    return {
        "id": i, "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {rng.choice(KINDS)}"
                         f" {i}",
        "email_domain": f"c{i}.example" if rng.random() < 0.8 else None,
        "address": {"street": None, "city": rng.choice(CITIES),
                    "state": rng.choice(["PA", "TX", "CA"]),
                    "postal_code": f"{rng.randint(10000, 99999)}",
                    "country": rng.choice(COUNTRIES)},
        "assignee_id": rng.choice([None, *range(1, 11)]),
        "contact_type_id": rng.choice([None, 1, 2, 3, 4]),
        "phone_numbers": [{"number": f"+1 415 {i:07d}", "category": "work"}],
        "websites": [{"url": f"https://c{i}.example", "category": "work"}],
        "tags": _tags(rng), "interaction_count": rng.randint(0, 20),
        "date_created": created, "date_modified": created + rng.randint(0, 10**7),
    }  # fmt: skip


def _opportunity(rng: random.Random, i: int, records: int) -> dict[str, Any]:
    created = 1_600_000_000 + i * 300
    pipeline = 1 if rng.random() < 0.8 else 2
    stage = rng.randint(1, 5) if pipeline == 1 else rng.randint(6, 9)
    close = EPOCH + timedelta(days=rng.randint(0, 730))
    return {
        "id": i,
        "name": f"{rng.choice(WORDS).title()} {rng.choice(['deal', 'renewal', 'order'])} {i}",
        "company_id": rng.randint(1, records) if rng.random() < 0.9 else None,
        "primary_contact_id": rng.randint(1, PEOPLE) if rng.random() < 0.9 else None,
        "pipeline_id": pipeline, "pipeline_stage_id": stage,
        "status": rng.choices(["Open", "Won", "Lost", "Abandoned"], [70, 15, 10, 5])[0],
        "priority": rng.choice(["None", "Low", "Medium", "High"]),
        "close_date": f"{close.month}/{close.day}/{close.year}",
        "monetary_unit": "USD", "monetary_value": rng.randint(0, 200) * 500,
        "assignee_id": rng.choice([None, *range(1, 11)]), "tags": _tags(rng),
        "date_created": created, "date_modified": created + rng.randint(0, 10**7),
        "date_stage_changed": created,
    }  # fmt: skip


def snapshot(path: Path, records: int, seed: int = 13) -> None:
    """One account holding `records` companies and `records` opportunities."""
    rng = random.Random(seed)
    account = {
        "id": 1, "name": "Deals bench",
        "users": [{"id": u, "name": f"User {u}", "email": EMAIL if u == 1 else f"u{u}@b.example",
                   "api_tokens": [TOKEN] if u == 1 else []} for u in range(1, 11)],
        "contact_types": [{"id": t, "name": f"Type {t}"} for t in range(1, 5)],
        "companies": [_company(rng, i) for i in range(1, records + 1)],
        "opportunities": [_opportunity(rng, i, records) for i in range(1, records + 1)],
        "people": [{"id": p, "name": f"{rng.choice(WORDS).title()} Person{p}"}
                   for p in range(1, PEOPLE + 1)],
        "leads": [],
    }  # fmt: skip
    path.write_bytes(orjson.dumps({"format": "verdigris-snapshot/1", "accounts": [account]}))


def _month(r: random.Random) -> Body:
    start = EPOCH + timedelta(days=r.randint(0, 700))
    low = calendar.timegm(start.timetuple())
    return {"minimum_close_date": low, "maximum_close_date": low + 30 * 86_400}


def variants(n: int) -> dict[str, tuple[str, str, Variant]]:
    """name -> (kind, plural, body maker)."""

    def one(r: random.Random) -> int:
        return r.randint(1, n)

    companies: list[tuple[str, str, Variant]] = [
        ("default listing (date_modified), page 1", "page", lambda r: {}),
        ("default listing, a page near 5,000", "page",
         lambda r: {"page_number": r.randint(4900, 5000)}),
        ("sort_by name desc, page 1", "page",
         lambda r: {"sort_by": "name", "sort_direction": "desc"}),
        ("ids [20]", "selective", lambda r: {"ids": r.sample(range(1, n + 1), 20)}),
        ("email_domains [1]", "selective", lambda r: {"email_domains": [f"C{one(r)}.example"]}),
        ("phone_number", "selective", lambda r: {"phone_number": f"+1 (415) {one(r):07d}"}),
        ("name, a rare piece", "selective", lambda r: {"name": f" {one(r)}"}),
        ("tags [rare]", "selective", lambda r: {"tags": [r.choice(TAGS[5:])]}),
        ("contact_type_ids [1] (broad, counted)", "broad",
         lambda r: {"contact_type_ids": [r.randint(1, 4)]}),
        ("country US (broad, counted)", "broad", lambda r: {"country": "us"}),
        ("tags [common] (broad, counted)", "broad", lambda r: {"tags": [r.choice(TAGS[:5])]}),
        ("created in a 5% window (broad)", "broad", _created),
        ("name, a common word (broad)", "broad", lambda r: {"name": r.choice(WORDS)}),
    ]  # fmt: skip
    opportunities: list[tuple[str, str, Variant]] = [
        ("default listing (name), page 1", "page", lambda r: {}),
        ("sort_by close_date desc, page 1", "page",
         lambda r: {"sort_by": "close_date", "sort_direction": "desc"}),
        ("sort_by company_name, page 1", "page", lambda r: {"sort_by": "company_name"}),
        ("ids [20]", "selective", lambda r: {"ids": r.sample(range(1, n + 1), 20)}),
        ("company_ids [1]", "selective", lambda r: {"company_ids": [one(r)]}),
        ("primary_contact_ids [1]", "selective",
         lambda r: {"primary_contact_ids": [r.randint(1, PEOPLE)]}),
        ("name, a rare piece", "selective", lambda r: {"name": f" {one(r)}"}),
        ("status_ids [Open] (broad, counted)", "broad",
         lambda r: {"status_ids": [0], "page_number": r.randint(1, 50)}),
        ("priorities [High] (broad, counted)", "broad", lambda r: {"priorities": ["High"]}),
        ("pipeline_stage_ids [1] (broad, counted)", "broad",
         lambda r: {"pipeline_stage_ids": [r.randint(1, 5)]}),
        ("close in one month (broad)", "broad", _month),
        ("monetary value window (broad)", "broad",
         lambda r: {"minimum_monetary_value": 10_000, "maximum_monetary_value": 15_000}),
        ("tags [common] (broad, counted)", "broad", lambda r: {"tags": [r.choice(TAGS[:5])]}),
        ("name, a common word (broad)", "broad",
         lambda r: {"name": r.choice(["deal", "order"])}),
    ]  # fmt: skip
    found = {f"companies: {name}": (kind, "companies", make) for name, kind, make in companies}
    for name, kind, make in opportunities:
        found[f"opportunities: {name}"] = (kind, "opportunities", make)
    return found


def _created(r: random.Random) -> Body:
    low = 1_600_000_000 + r.randint(0, 95) * 300_000
    return {"minimum_created_date": low, "maximum_created_date": low + 1_500_000}


def measure(base: str, repeat: int, records: int) -> list[dict[str, Any]]:
    headers = {"X-PW-AccessToken": TOKEN, "X-PW-Application": "developer_api",
               "X-PW-UserEmail": EMAIL}  # fmt: skip
    rows = []
    with httpx.Client(base_url=f"{base}/developer_api/v1", headers=headers, timeout=60) as client:
        for name, (kind, plural, make) in variants(records).items():
            rng = random.Random(name)
            client.post(f"/{plural}/search", json=make(rng))  # warm
            samples, totals = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.post(f"/{plural}/search", json=make(rng))
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
    data = ROOT / "bench" / "data" / f"deals-{args.records}.json"
    data.parent.mkdir(parents=True, exist_ok=True)
    if not data.exists():
        snapshot(data, args.records)
    if not args.reuse:
        fresh_database(args.dburl)
        exe = str(Path(sys.executable).with_name("verdigris"))
        subprocess.run([exe, "load", str(data), "--db", args.dburl], check=True)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.records:,} "
          f"companies + opportunities; {args.dburl.split(':')[0]}; "
          f"{args.repeat} requests per variant")  # fmt: skip
    print("| variant | X-PW-TOTAL | p50 ms | p99 ms | target met |\n|---|---|---|---|---|")
    with running(args.dburl) as base:
        rows = measure(base, args.repeat, args.records)
    print(f"{sum(r['met'] for r in rows)} of {len(rows)} variants meet both targets; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip


if __name__ == "__main__":
    main()
