"""Seeded generator of a big snapshot: one account, N people and N leads, streamed to disk.

Realistic skew: 100,000+ distinct name tokens (generated syllable names, accents and
apostrophes, plus common names) drawn Zipf-like, skewed tags and places, unique person
emails, custom fields of every data type, converted leads, followers.

    python -m bench.dataset --people 1000000 --leads 1000000 -o bench/data/dataset-1000000.json
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from random import Random
from typing import IO, Any

import orjson

from verdigris.domain.declarations import LEAD, PERSON

NOW = 1_700_000_000
YEAR = 365 * 86_400
COMMON_FIRST = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "José",
    "Zoë",
    "Søren",
    "Émile",
    "Chloé",
    "Björn",
    "Ana",
    "Li",
    "Oğuz",
    "Renée",
]
COMMON_LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "García",
    "Miller",
    "Davis",
    "O'Brien",
    "Müller",
    "Nguyen",
    "Kowalski",
    "Dupont",
    "Rossi",
    "D'Angelo",
    "Løvland",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "bor",
    "vel",
    "an",
    "is",
    "mar",
    "tin",
    "sel",
    "do",
    "ri",
    "na",
    "gu",
    "th",
    "el",
    "ber",
    "ton",
    "wick",
    "son",
    "ley",
    "ham",
    "ford",
    "ch",
    "os",
    "ze",
    "qui",
    "li",
    "ar",
    "en",
    "ova",
    "ski",
    "sen",
    "ber",
    "ga",
    "us",
]
ACCENTS = {"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í", "n": "ñ", "c": "ç"}
TAGS = [
    "customer",
    "prospect",
    "vip",
    "partner",
    "newsletter",
    "event",
    "cold",
    "hot",
    "referral",
    "trade show",
    "webinar",
    "churned",
    "enterprise",
    "smb",
    "startup",
    *(f"segment {i}" for i in range(25)),
]
COUNTRIES = ["US", "US", "US", "US", "CA", "GB", "DE", "FR", "ES", "BR", "IN", "JP", "AU", "MX"]
STATES = ["CA", "NY", "TX", "WA", "FL", "IL", "MA", "OR", "NV", "AZ", "GA", "CO", "OH", "PA"]
SOCIALS = ["linkedin", "twitter", "facebook", "youtube", "other"]
DEFINITIONS: list[dict[str, Any]] = [
    {"id": 1, "name": "Referral Code", "data_type": "String", "available_on": ["lead", "person"]},
    {"id": 2, "name": "Background", "data_type": "Text", "available_on": ["lead"]},
    {"id": 3, "name": "Profile Page", "data_type": "URL", "available_on": ["lead", "person"]},
    {"id": 4, "name": "First Met", "data_type": "Date", "available_on": ["lead", "person"]},
    {"id": 5, "name": "Newsletter", "data_type": "Checkbox", "available_on": ["lead", "person"]},
    {"id": 6, "name": "Region", "data_type": "Dropdown", "available_on": ["lead", "person"],
     "options": [{"id": 10 + i, "name": n, "rank": i}
                 for i, n in enumerate(["East", "West", "North", "South", "Central"])]},
    {"id": 7, "name": "Employees", "data_type": "Float", "available_on": ["lead", "company"]},
    {"id": 8, "name": "Close Probability", "data_type": "Percentage", "available_on": ["lead"]},
    {"id": 9, "name": "Budget", "data_type": "Currency", "available_on": ["lead", "person"]},
    {"id": 10, "name": "Interests", "data_type": "MultiSelect", "available_on": ["lead", "person"],
     "options": [{"id": 20 + i, "name": n, "rank": i}
                 for i, n in enumerate(["Paper", "Printers", "Software", "Support", "Cloud"])]},
]  # fmt: skip
STATUSES = ["New", "Contacted", "Qualified", "Unqualified", "Nurturing"]
SOURCES = ["Advertising", "Email", "Cold Call", "Website", "Referral"]
SUFFIXES = ["Inc", "LLC", "Group", "Labs"]
TITLES = (None, "CEO", "CTO", "Buyer", "Office Manager", "Engineer", "VP Sales")
CONTACT_TYPES = ["Potential Customer", "Current Customer", "Uncategorized", "Other"]


def skewed(rng: Random, items: list[Any], power: float = 3.0) -> Any:
    """Zipf-like: low indexes are drawn far more often than high ones."""
    return items[int(len(items) * rng.random() ** power)]


def vocabulary(rng: Random, size: int, common: list[str]) -> list[str]:
    """`size` distinct name words, the common ones first (so drawn most)."""
    words = list(dict.fromkeys(common))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if rng.random() < 0.08:
            i = rng.randrange(len(word))
            word = word[:i] + ACCENTS.get(word[i], word[i]) + word[i + 1 :]
        if rng.random() < 0.03:
            word = rng.choice(("o'", "d'", "mc")) + word
        word = word[0].upper() + word[1:]
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


class Generator:
    """Everything drawn from one seeded RNG, so a (seed, sizes) pair gives one file."""

    def __init__(self, people: int, leads: int, seed: int) -> None:
        self.rng = Random(seed)
        self.people, self.leads = people, leads
        self.first = vocabulary(self.rng, 60_000, COMMON_FIRST)
        self.last = vocabulary(self.rng, 80_000, COMMON_LAST)
        self.cities = vocabulary(self.rng, 400, ["New York", "San Francisco", "Chicago"])
        self.companies = [
            {"id": i, "name": f"{self.rng.choice(self.last)} {self.rng.choice(SUFFIXES)}"}
            for i in range(1, max(2, min(5_000, people // 200)) + 1)
        ]  # fmt: skip
        self.users = list(range(1, 21))

    def header(self) -> dict[str, Any]:
        rng = self.rng
        return {
            "id": 1,
            "name": "Bench account",
            "users": [
                {"id": u, "name": f"User {u}", "email": f"user{u}@bench.example",
                 "api_tokens": [f"bench-token-{u}"]}
                for u in self.users
            ],
            "contact_types": [{"id": i + 1, "name": n} for i, n in enumerate(CONTACT_TYPES)],
            "customer_sources": [{"id": i + 1, "name": n} for i, n in enumerate(SOURCES)],
            "lead_statuses": [{"id": i + 1, "name": n, "order": i + 1, "is_default": i == 0}
                              for i, n in enumerate(STATUSES)],
            "activity_types": [
                {"id": 0, "category": "user", "name": "Note", "count_as_interaction": False},
                {"id": 1, "category": "user", "name": "Phone Call", "count_as_interaction": True},
                {"id": 2, "category": "user", "name": "Meeting", "count_as_interaction": True},
            ],
            "custom_field_definitions": [{"options": []} | d for d in DEFINITIONS],
            "companies": self.companies,
            "opportunities": [
                {"id": i, "name": f"Deal {i}", "primary_contact_id": rng.randint(1, self.people),
                 "related_people": self._some_people()}
                for i in range(1, (self.people // 500 if self.people else 0) + 1)
            ],
        }  # fmt: skip

    def _some_people(self) -> list[int]:
        return sorted({self.rng.randint(1, self.people) for _ in range(self.rng.randint(0, 3))})

    def _phone(self) -> str:
        rng = self.rng
        return f"+1 ({rng.randint(200, 999)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}"

    def _name(self) -> tuple[str, str | None, str]:
        rng = self.rng
        middle = skewed(rng, self.first) if rng.random() < 0.1 else None
        return skewed(rng, self.first), middle, skewed(rng, self.last, 2.5)

    def _common(self, i: int, record_type: str) -> dict[str, Any]:
        rng = self.rng
        first, middle, last = self._name()
        created = NOW - rng.randrange(5 * YEAR)
        contacted = created + rng.randrange(NOW - created + 1) if rng.random() < 0.6 else None
        city = skewed(rng, self.cities)
        return {
            "id": i,
            "name": " ".join(p for p in (first, middle, last) if p),
            "prefix": rng.choice((None, None, None, "Dr.", "Ms.", "Mr.")),
            "first_name": first, "middle_name": middle, "last_name": last,
            "suffix": "Jr." if rng.random() < 0.01 else None,
            "address": None if rng.random() < 0.15 else {
                "street": f"{rng.randint(1, 9999)} {skewed(rng, self.last)} St",
                "city": city, "state": skewed(rng, STATES, 2),
                "postal_code": f"{rng.randint(10000, 99999)}",
                "country": skewed(rng, COUNTRIES, 1)},
            "assignee_id": rng.choice(self.users) if rng.random() < 0.7 else None,
            "details": "Met at a trade show." if rng.random() < 0.1 else None,
            "phone_numbers": [{"number": self._phone(),
                               "category": rng.choice(("work", "mobile", "home"))}
                              for _ in range(rng.choice((0, 1, 1, 1, 2)))],
            "socials": [{"url": f"https://www.{s}.com/{ascii_fold(first + last)}{i}", "category": s}
                        for s in ([rng.choice(SOCIALS)] if rng.random() < 0.3 else [])],
            "tags": sorted({skewed(rng, TAGS, 2.5) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))}),
            "title": rng.choice(TITLES),
            "websites": [{"url": f"https://{ascii_fold(last)}{i}.example", "category": "work"}]
            if rng.random() < 0.2 else [],
            "custom_fields": self._custom_fields(record_type),
            "date_created": created,
            "date_modified": created + rng.randrange(NOW - created + 1),
            "date_last_contacted": contacted,
            "interaction_count": 0 if contacted is None else int(rng.paretovariate(1.5)),
            "followers": sorted({rng.choice(self.users) for _ in range(rng.randint(1, 2))})
            if rng.random() < 0.05 else [],
        }  # fmt: skip

    def _custom_fields(self, record_type: str) -> list[dict[str, Any]]:
        rng = self.rng
        fields = []
        for d in DEFINITIONS:
            if record_type not in d["available_on"]:
                continue
            value: Any = None
            if rng.random() < 0.4:
                value = self._custom_value(d)
            elif d["data_type"] == "Checkbox":
                value = False
            elif d["data_type"] == "MultiSelect":
                value = []
            fields.append({"custom_field_definition_id": d["id"], "value": value})
        return fields

    def _custom_value(self, definition: dict[str, Any]) -> Any:
        rng, kind = self.rng, definition["data_type"]
        options = [o["id"] for o in definition.get("options", [])]
        values = {
            "String": lambda: f"REF-{rng.randint(1, 5000)}",
            "Text": lambda: "Long-standing contact, prefers email.",
            "URL": lambda: f"https://profiles.example/{rng.randint(1, 10**6)}",
            "Date": lambda: NOW - rng.randrange(3 * YEAR),
            "Checkbox": lambda: True,
            "Dropdown": lambda: skewed(rng, options, 1.5),
            "Float": lambda: float(rng.randint(1, 5000)),
            "Percentage": lambda: float(rng.randint(0, 100)),
            "Currency": lambda: round(rng.uniform(100, 100000), 2),
            "MultiSelect": lambda: sorted(set(rng.sample(options, rng.randint(1, 3)))),
        }
        return values[kind]()

    def person(self, i: int) -> dict[str, Any]:
        rng = self.rng
        record = self._common(i, "person")
        company = rng.choice(self.companies) if rng.random() < 0.6 else None
        user = f"{ascii_fold(record['first_name'])}.{ascii_fold(record['last_name'])}.{i}"
        email = f"{user}@{rng.choice(('gmail.com', 'example.com', 'corp.example'))}"
        record |= {
            "company_id": company and company["id"], "company_name": company and company["name"],
            "contact_type_id": rng.randint(1, len(CONTACT_TYPES)) if rng.random() < 0.8 else None,
            "emails": [{"email": email, "category": "work"}] if rng.random() < 0.95 else [],
            "leads_converted_from": [], "date_lead_created": None,
        }  # fmt: skip
        return {k: record.get(k) for k in (*PERSON.keys, "followers")}  # a new field: null

    def lead(self, i: int) -> dict[str, Any]:
        rng = self.rng
        record = self._common(i, "lead")
        status = skewed(rng, list(range(1, len(STATUSES) + 1)), 1.5)
        converted = self.people > 0 and rng.random() < 0.05
        record |= {
            "company_name": f"{skewed(rng, self.last)} Corp" if rng.random() < 0.5 else None,
            "customer_source_id": rng.randint(1, len(SOURCES)) if rng.random() < 0.7 else None,
            "email": {"email": f"{ascii_fold(record['first_name'])}{i}@lead.example",
                      "category": "work"}
            if rng.random() < 0.9 else None,
            "monetary_unit": "USD", "monetary_value": rng.choice((None, 1000, 5000, 25000.5)),
            "status": STATUSES[status - 1], "status_id": status,
            "converted_opportunity_id": None,
            "converted_contact_id": rng.randint(1, self.people) if converted else None,
            "converted_at": record["date_modified"] if converted else None,
            "date_status_changed": record["date_modified"],
        }  # fmt: skip
        return {k: record.get(k) for k in (*LEAD.keys, "followers", "date_status_changed")}


def write_snapshot(out: IO[bytes], people: int, leads: int, seed: int = 7) -> None:
    generator = Generator(people, leads, seed)
    header = orjson.dumps(generator.header())[:-1]  # the account object, left open
    out.write(b'{"format": "verdigris-snapshot/1", "accounts": [' + header)
    for key, records in (("people", people_of(generator)), ("leads", leads_of(generator))):
        out.write(b', "' + key.encode() + b'": [')
        for n, record in enumerate(records):
            out.write((b",\n" if n else b"\n") + orjson.dumps(record))
        out.write(b"]")
    out.write(b"}]}\n")


def people_of(generator: Generator) -> Iterator[dict[str, Any]]:
    return (generator.person(i) for i in range(1, generator.people + 1))


def leads_of(generator: Generator) -> Iterator[dict[str, Any]]:
    return (generator.lead(i) for i in range(1, generator.leads + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("wb", buffering=1 << 20) as out:
        write_snapshot(out, args.people, args.leads, args.seed)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
