"""A seeded, awkward dataset for property tests: accents, apostrophes, typos, blank and
empty values, custom fields, followers, opportunities, converted leads; loaded through
the real write path (storage/search_rows.py) so that every search table is in step."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import Engine

from tests.search.reference import World
from verdigris.domain.types import RecordType
from verdigris.storage import schema
from verdigris.storage.engine import write
from verdigris.storage.relations import relate
from verdigris.storage.search_rows import insert_records

NOW = 1_700_000_000
ACCOUNT, OTHER_ACCOUNT = 1, 2
USERS = (1, 2, 3)
FIRST = [
    "José",
    "Jose",
    "Zoë",
    "Zoe",
    "Ann",
    "Anne",
    "Jo",
    "Jim",
    "Jimmy",
    "Pam",
    "Pamela",
    "Michael",
    "Micheal",
    "Mike",
    "Renée",
    "Søren",
    "ﬁona",
    "Straße",
    "STRASSE",
    "İlker",
    "D'Arcy",
    "Jean-Luc",
    "Ng",
    "Li",
    "Al",
    "X Æ A-12",
    "",
    "  ",
    "zoé",
    "ALAN",
]
LAST = [
    "Müller",
    "Mueller",
    "Muller",
    "O'Brien",
    "OBrien",
    "Halpert",
    "Halpret",
    "Beesly",
    "Beesley",
    "Scott",
    "Schott",
    "Bennett",
    "Benett",
    "Nguyễn",
    "García",
    "Garcia",
    "van der Berg",
    "",
    None,
]
TITLES = ["CEO", "ceo", " Manager", "Manager", "", None, "Ärzt", "zeta", "Zeta", "  "]
EMAILS = ["jo@sabre.com", "JO@Sabre.com", "pam@dm.com", " pam@dm.com", "x@y.z", "ünï@cödé.de", ""]
PHONES = ["(415) 555-1234", "415.555.1234", "4155551234", "+1 415 555 9999", "ext", "555-0000"]
SOCIALS = [
    "https://linkedin.com/in/a",
    "HTTPS://LINKEDIN.COM/IN/A",
    "twitter.com/b",
    " twitter.com/b ",
]
TAGS = ["vip", "VIP", "Lead", "lead ", "cold", "Ärger", "ß", "SS", "  "]
CITIES = ["Scranton", "scranton ", "Philadelphia", "Köln", "KÖLN", "", "  ", None]
STATES = ["PA", "pa", "CA", "", None]
ZIPS = ["18503", "18503 ", "94105", "", None]
COUNTRIES = ["US", "us", "CA", "", None]
COMPANY_NAMES = ["Dunder Mifflin", "dunder mifflin", "Sabre", "", None, "Ärger GmbH"]
DATES = [NOW - 86_400 * d for d in (0, 1, 2, 30, 365)]
FLOATS = [0, 1.5, 2.5, -3, 100]
STRINGS = ["Foo", "FOO", "bar", "Äpfel", "äpfel"]
DEFINITIONS = [
    {
        "id": 3,
        "name": "Code",
        "data_type": "String",
        "available_on": ["person", "lead"],
        "options": [],
    },
    {
        "id": 6,
        "name": "Met",
        "data_type": "Date",
        "available_on": ["person", "lead"],
        "options": [],
    },
    {
        "id": 7,
        "name": "News",
        "data_type": "Checkbox",
        "available_on": ["person", "lead"],
        "options": [],
    },
    {
        "id": 8,
        "name": "Region",
        "data_type": "Dropdown",
        "available_on": ["person", "lead"],
        "options": [20, 21],
    },
    {
        "id": 9,
        "name": "Staff",
        "data_type": "Float",
        "available_on": ["person", "lead"],
        "options": [],
    },
    {"id": 10, "name": "Odds", "data_type": "Percentage", "available_on": ["lead"], "options": []},
    {
        "id": 12,
        "name": "Interests",
        "data_type": "MultiSelect",
        "available_on": ["person", "lead"],
        "options": [8, 9, 10],
    },
]
OPPORTUNITIES = (1, 2, 3, 4)


def _pick(rng: random.Random, pool: list[Any], most: int) -> list[Any]:
    return rng.sample(pool, rng.randint(0, most))


def _custom_fields(rng: random.Random, kind: str) -> list[dict[str, Any]]:
    values: dict[int, Any] = {
        3: rng.choice(STRINGS),
        6: rng.choice(DATES),
        7: rng.random() < 0.5,
        8: rng.choice([20, 21]),
        9: rng.choice(FLOATS),
        10: rng.choice(FLOATS),
        12: _pick(rng, [8, 9, 10], 3),
    }
    available = [d["id"] for d in DEFINITIONS if kind in d["available_on"]]
    return [
        {"custom_field_definition_id": i, "value": values[i] if rng.random() < 0.6 else None}
        for i in available
    ]


def _common(rng: random.Random, record_id: int, kind: str) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = " ".join(p for p in (first, last) if p) or rng.choice(["", "  ", "O'"])
    created = NOW - rng.randint(0, 400) * 86_400
    address = None
    if rng.random() < 0.8:
        address = {
            "street": None,
            "city": rng.choice(CITIES),
            "state": rng.choice(STATES),
            "postal_code": rng.choice(ZIPS),
            "country": rng.choice(COUNTRIES),
        }
    contacted = rng.random() < 0.6
    return {
        "id": record_id,
        "name": name,
        "first_name": first or None,
        "last_name": last,
        "title": rng.choice(TITLES),
        "address": address,
        "assignee_id": rng.choice([None, 1, 2, 3]),
        "phone_numbers": [{"number": n, "category": "work"} for n in _pick(rng, PHONES, 2)],
        "socials": [{"url": u, "category": "other"} for u in _pick(rng, SOCIALS, 2)],
        "tags": _pick(rng, TAGS, 3),
        "websites": [],
        "custom_fields": _custom_fields(rng, kind),
        "date_created": created,
        "date_modified": created + rng.randint(0, 10) * 3600,
        "date_last_contacted": created + rng.randint(0, 50) * 3600 if contacted else None,
        "interaction_count": rng.randint(0, 4) if contacted else 0,
    }


def person(rng: random.Random, record_id: int) -> dict[str, Any]:
    record = _common(rng, record_id, "person")
    record["emails"] = [{"email": e, "category": "work"} for e in _pick(rng, EMAILS, 2)]
    record |= {
        "company_id": rng.choice([None, 2, 3, 4]),
        "contact_type_id": rng.choice([None, 5, 8]),
    }
    return record


def lead(rng: random.Random, record_id: int) -> dict[str, Any]:
    record = _common(rng, record_id, "lead")
    email = rng.choice(EMAILS + [None, None])
    converted = rng.random() < 0.2
    record |= {
        "email": None if email is None else {"email": email, "category": "work"},
        "company_name": rng.choice(COMPANY_NAMES),
        "customer_source_id": rng.choice([None, 4, 5]),
        "monetary_value": rng.choice([None, 0, 100, 2500, 2500.5]),
        "monetary_unit": "USD",
        "status_id": rng.choice([5, 6, 7]),
        "date_status_changed": record["date_created"] + rng.randint(0, 20) * 86_400,
        "converted_at": NOW if converted else None,
        "converted_contact_id": 1 if converted else None,
    }
    return record


def build(seed: int, count: int) -> tuple[World, World]:
    """The people and the leads of account 1."""
    rng = random.Random(seed)
    people = [person(rng, i) for i in range(1, count + 1)]
    leads = [lead(rng, i) for i in range(1, count + 1)]
    definitions = {d["id"]: d for d in DEFINITIONS}
    opportunities = [
        {
            "id": o,
            "primary_contact_id": rng.choice([None, *range(1, 30)]),
            "related_people": rng.sample(range(1, count + 1), rng.randint(0, 3)),
        }
        for o in OPPORTUNITIES
    ]
    return (
        World("person", people, _followers(rng, people), opportunities, definitions),
        World("lead", leads, _followers(rng, leads), [], definitions),
    )


def _followers(rng: random.Random, records: list[dict[str, Any]]) -> dict[int, set[int]]:
    return {r["id"]: set(_pick(rng, list(USERS), 2)) for r in records}


def load(engine: Engine, people: World, leads: World) -> None:
    """Account 1 holds the worlds; account 2 holds other records under the same ids."""
    rng = random.Random(99)
    with write(engine) as conn:
        for account in (ACCOUNT, OTHER_ACCOUNT):
            conn.execute(schema.accounts.insert(), {"id": account, "name": f"a{account}"})
            _definitions(conn, account)
        types = {d["id"]: d["data_type"] for d in DEFINITIONS}
        for world, record_type in ((people, RecordType.PERSON), (leads, RecordType.LEAD)):
            insert_records(conn, ACCOUNT, record_type, world.records, types)
            _follow(conn, ACCOUNT, record_type, world.followers)
            others = [
                person(rng, i) if record_type is RecordType.PERSON else lead(rng, i)
                for i in range(1, 40)
            ]
            insert_records(conn, OTHER_ACCOUNT, record_type, others, types)
            _follow(conn, OTHER_ACCOUNT, record_type, {r["id"]: set(USERS) for r in others})
        _opportunities(conn, people)


def _definitions(conn: Any, account: int) -> None:
    for d in DEFINITIONS:
        row = {k: d[k] for k in ("id", "name", "data_type")}
        available = "[" + ",".join(f'"{a}"' for a in d["available_on"]) + "]"
        conn.execute(
            schema.custom_field_definitions.insert(),
            {**row, "account_id": account, "available_on": available},
        )
        for rank, option in enumerate(d["options"]):
            conn.execute(
                schema.custom_field_options.insert(),
                {
                    "account_id": account,
                    "definition_id": d["id"],
                    "id": option,
                    "name": f"o{option}",
                    "rank": rank,
                },
            )


def _follow(
    conn: Any, account: int, record_type: RecordType, followers: dict[int, set[int]]
) -> None:
    rows = [
        {"account_id": account, "record_type": int(record_type), "user_id": u, "record_id": r}
        for r, users in followers.items()
        for u in users
    ]
    if rows:
        conn.execute(schema.followers.insert(), rows)


def _opportunities(conn: Any, people: World) -> None:
    theirs = [
        {"id": o, "primary_contact_id": o + 30, "related_people": [o + 31]} for o in OPPORTUNITIES
    ]
    for account, opportunities in ((ACCOUNT, people.opportunities), (OTHER_ACCOUNT, theirs)):
        for o in opportunities:
            conn.execute(
                schema.opportunities.insert(),
                {
                    "account_id": account,
                    "id": o["id"],
                    "name": f"o{o['id']}",
                    "primary_contact_id": o["primary_contact_id"],
                    "date_created": NOW,
                    "date_modified": NOW,
                    "date_stage_changed": NOW,
                },
            )
            for p in {*o["related_people"], o["primary_contact_id"]}:
                relate(conn, account, (RecordType.OPPORTUNITY, o["id"]), (RecordType.PERSON, p))
