"""A tiny snapshot generator for developing the bench before bench/dataset.py exists.

python -m bench.devdata N FILE: N people and N leads, skewed names, tags and cities.
Not the benchmark dataset: that is bench/dataset.py.
"""

from __future__ import annotations

import json
import sys
from random import Random

FIRST = ["John", "Mary", "José", "Zoë", "Anne", "Luc", "Søren", "Ana", "Li", "Oğuz", "Émile"]
LAST = ["Smith", "O'Brien", "Müller", "García", "Nguyen", "Kowalski", "Dupont", "Rossi"]
STATES = ["CA", "NY", "TX", "WA", "FL", "IL", "MA", "OR", "NV", "AZ"]
TAGS = ["vip", "customer", "prospect", "partner", "cold", "hot", "event", "newsletter"]


def _zipf(rng: Random, items: list[str]) -> str:
    return items[min(len(items) - 1, int(rng.paretovariate(1.2)) - 1)]


def _record(rng: Random, i: int, lead: bool) -> dict:
    first = _zipf(rng, FIRST) if rng.random() < 0.7 else f"N{rng.randrange(50_000):x}a"
    last = _zipf(rng, LAST) if rng.random() < 0.5 else f"Q{rng.randrange(200_000):x}u"
    created = 1_600_000_000 + rng.randrange(120_000_000)
    record = {
        "id": i,
        "first_name": first,
        "last_name": last,
        "title": rng.choice([None, "CEO", "CTO"]),
        "address": {
            "street": None,
            "city": f"City{int(rng.paretovariate(1.1))}",
            "state": _zipf(rng, STATES),
            "postal_code": f"{rng.randrange(99999):05}",
            "country": _zipf(rng, ["US", "CA", "FR", "DE"]),
        },
        "assignee_id": rng.choice([1, 2, None]),
        "tags": rng.sample(TAGS, rng.randrange(3)),
        "phone_numbers": [{"number": f"+1 555 {i:07}", "category": "work"}],
        "socials": [{"url": f"https://x.example/u{i}", "category": "twitter"}],
        "websites": [],
        "custom_fields": [{"custom_field_definition_id": 1, "value": rng.choice([1, 2, 3])}],
        "date_created": created,
        "date_modified": created + rng.randrange(9_000_000),
        "date_last_contacted": created + rng.randrange(9_000_000) if rng.random() < 0.6 else None,
        "interaction_count": int(rng.expovariate(0.3)),
        "followers": [1] if rng.random() < 0.01 else [],
    }
    if lead:
        return record | {
            "email": {"email": f"l{i}@ex.com", "category": "work"},
            "status_id": 1,
            "monetary_value": rng.randrange(100_000),
            "customer_source_id": None,
        }
    return record | {"emails": [{"email": f"p{i}@ex.com", "category": "work"}], "company_id": None}


def snapshot(n: int, seed: int = 4) -> dict:
    rng = Random(seed)
    account = {
        "id": 1,
        "name": "Bench",
        "users": [
            {"id": 2, "name": "V", "email": "v@ex.com"},
            {"id": 1, "name": "U", "email": "u@ex.com", "api_tokens": ["dev-token"]},
        ],
        "contact_types": [{"id": 1, "name": "Potential Customer"}],
        "customer_sources": [],
        "lead_statuses": [{"id": 1, "name": "New", "order": 1, "is_default": True}],
        "activity_types": [],
        "companies": [],
        "opportunities": [],
        "custom_field_definitions": [
            {
                "id": 1,
                "name": "Tier",
                "data_type": "Dropdown",
                "available_on": ["person", "lead"],
                "options": [{"id": k, "name": f"T{k}", "rank": k} for k in (1, 2, 3)],
            }
        ],
        "people": [_record(rng, i, False) for i in range(1, n + 1)],
        "leads": [_record(rng, i, True) for i in range(1, n + 1)],
    }
    return {"format": "verdigris-snapshot/1", "accounts": [account]}


if __name__ == "__main__":
    with open(sys.argv[2], "w") as f:
        json.dump(snapshot(int(sys.argv[1])), f)
