"""A seeded, awkward dataset of companies and opportunities for the property tests: names
with accents, padding, `%` and `_`; blank and odd close dates; every lookup an
opportunity refers to. Loaded through a snapshot load (the bulk path), then some
companies and people are renamed and one company deleted through the HTTP write path,
so that the stored sort keys of shown names are held to both."""

from __future__ import annotations

import io
import random
from typing import Any

import orjson
from sqlalchemy import Engine

from tests.search.company_reference import PRIORITIES, STATUSES, Deals
from tests.search.dataset import CITIES, COUNTRIES, PHONES, SOCIALS, STATES, TAGS, ZIPS

__all__ = ["CITIES", "COUNTRIES", "PHONES", "SOCIALS", "STATES", "TAGS", "ZIPS"]
from verdigris.domain.types import RecordType
from verdigris.parsing.records import Changes
from verdigris.snapshot.load import LoadOptions, load_snapshot
from verdigris.storage.engine import write
from verdigris.storage.writes import delete_record, update_record

NOW = 1_700_000_000
ACCOUNT, OTHER_ACCOUNT = 1, 2
USERS = (1, 2, 3)
NAMES = ["Acme", "acme", "ACME Corp", "Ärger GmbH", "  Zeta Corp", "zeta corp", "Straße AG",
         "STRASSE AG", "100% Paper", "paper_co", "Paper Co", "Ng", "x", "Dunder Mifflin",
         "Sabre", "Ökö", "Vance Refrigeration", "O'Brien & Sons"]  # fmt: skip
FRAGMENTS = ["acme", "AR", "ß", "ss", "%", "_", "paper", "e c", "o", "zeta", "  ", "Ö", "xyz",
             "ärger g", "r gmb", "100%", "o'b", "ssE", " corp", "cme co", "sons "]  # fmt: skip
PEOPLE = ["Ann Lee", "ann lee", "Bo", "Zoë Ng", " Ng", "Émile", "jim halpert", "Jim Halpert"]
CLOSE_DATES = ["1/15/2018", "01/05/2018", "2018-01-10", "12/31/2017", "2/30/2018", "soon",
               " 1/9/2018 ", "1/15/2018", None]  # fmt: skip
CLOSE_SECONDS = [1_514_678_400, 1_515_110_400, 1_515_456_000, 1_515_974_400, 1_516_000_000]
UNITS = ["USD", "usd", "EUR", "", None]
WEBSITES = ["https://b.example", "HTTPS://A.example", "http://c.example"]
DATES = [NOW - 86_400 * d for d in (0, 1, 2, 30, 365)]
FLOATS = [0, 1.5, 2.5, -3, 100]
STRINGS = ["Foo", "FOO", "bar", "Äpfel"]
DEFINITIONS: list[dict[str, Any]] = [
    {"id": 3, "name": "Code", "data_type": "String", "options": []},
    {"id": 6, "name": "Met", "data_type": "Date", "options": []},
    {"id": 7, "name": "News", "data_type": "Checkbox", "options": []},
    {"id": 8, "name": "Region", "data_type": "Dropdown", "options": [20, 21]},
    {"id": 9, "name": "Staff", "data_type": "Float", "options": []},
    {"id": 12, "name": "Interests", "data_type": "MultiSelect", "options": [8, 9, 10]},
]  # fmt: skip
PIPELINES = {1: [1, 2, 3], 2: [4, 5]}
RENAMED_COMPANIES = {2: "aardvark", 5: "Zulu"}
RENAMED_PEOPLE = {1: "Zed", 4: "Aaron"}
DELETED_COMPANY = 7


def _pick(rng: random.Random, pool: list[Any], most: int) -> list[Any]:
    return rng.sample(pool, rng.randint(0, most))


def _custom_fields(rng: random.Random) -> list[dict[str, Any]]:
    values = {
        3: rng.choice(STRINGS),
        6: rng.choice(DATES),
        7: rng.random() < 0.5,
        8: rng.choice([20, 21]),
        9: rng.choice(FLOATS),
        12: _pick(rng, [8, 9, 10], 3),
    }
    return [{"custom_field_definition_id": i, "value": v if rng.random() < 0.6 else None}
            for i, v in values.items()]  # fmt: skip


def _shared(rng: random.Random, record_id: int) -> dict[str, Any]:
    created = NOW - rng.randint(0, 400) * 86_400
    contacted = rng.random() < 0.6
    return {
        "id": record_id, "name": rng.choice(NAMES), "assignee_id": rng.choice([None, *USERS]),
        "tags": _pick(rng, TAGS, 3), "custom_fields": _custom_fields(rng),
        "date_created": created, "date_modified": created + rng.randint(0, 10) * 3600,
        "date_last_contacted": created + rng.randint(0, 50) * 3600 if contacted else None,
        "interaction_count": rng.randint(0, 4) if contacted else 0,
        "followers": _pick(rng, list(USERS), 2),
    }  # fmt: skip


def company(rng: random.Random, record_id: int) -> dict[str, Any]:
    record = _shared(rng, record_id)
    address = None
    if rng.random() < 0.8:
        address = {
            "street": None,
            "city": rng.choice(CITIES),
            "state": rng.choice(STATES),
            "postal_code": rng.choice(ZIPS),
            "country": rng.choice(COUNTRIES),
        }
    domain = rng.choice([f"d{record_id}.example", f"D{record_id}.Example", f" d{record_id}.ex ",
                         None, ""])  # fmt: skip
    return record | {
        "address": address, "contact_type_id": rng.choice([None, 5, 8]), "email_domain": domain,
        "phone_numbers": [{"number": n, "category": "work"} for n in _pick(rng, PHONES, 2)],
        "socials": [{"url": u, "category": "other"} for u in _pick(rng, SOCIALS, 2)],
        "websites": [{"url": u, "category": "work"} for u in _pick(rng, WEBSITES, 2)],
    }  # fmt: skip


def opportunity(rng: random.Random, record_id: int, companies: int) -> dict[str, Any]:
    record = _shared(rng, record_id)
    pipeline = rng.choice([None, 1, 1, 2])
    stage = None if pipeline is None else rng.choice(PIPELINES[pipeline])
    return record | {
        "company_id": rng.choice([None, *range(1, companies + 1)]),
        "primary_contact_id": rng.choice([None, *range(1, len(PEOPLE) + 1)]),
        "pipeline_id": pipeline, "pipeline_stage_id": stage,
        "priority": rng.choice(PRIORITIES), "status": rng.choice(STATUSES),
        "close_date": rng.choice(CLOSE_DATES), "monetary_unit": rng.choice(UNITS),
        "monetary_value": rng.choice([None, 0, 100, 2500.5]),
        "win_probability": rng.choice([None, 0, 40, 100]),
        "customer_source_id": rng.choice([None, 4, 5]), "loss_reason_id": rng.choice([None, 7, 8]),
        "date_stage_changed": record["date_created"] + rng.randint(0, 20) * 86_400,
        "related_people": [],
    }  # fmt: skip


def _account(account_id: int, companies: list[Any], opportunities: list[Any]) -> dict[str, Any]:
    available = ["company", "opportunity"]
    return {
        "id": account_id, "name": f"a{account_id}",
        "users": [{"id": u, "email": f"u{u}@{account_id}.example"} for u in USERS],
        "contact_types": [{"id": 5, "name": "A"}, {"id": 8, "name": "B"}],
        "customer_sources": [{"id": 4, "name": "A"}, {"id": 5, "name": "B"}],
        "pipelines": [{"id": p, "name": f"P{p}", "stages": [{"id": s, "name": f"S{s}"}
                                                             for s in stages]}
                      for p, stages in PIPELINES.items()],
        "loss_reasons": [{"id": 7, "name": "Price"}, {"id": 8, "name": "Other"}],
        "custom_field_definitions": [
            d | {"available_on": available,
                 "options": [{"id": o, "name": f"o{o}"} for o in d["options"]]}
            for d in DEFINITIONS
        ],
        "companies": companies, "opportunities": opportunities,
        "people": [{"id": i, "name": n} for i, n in enumerate(PEOPLE, start=1)], "leads": [],
    }  # fmt: skip


def build(seed: int, count: int) -> tuple[Deals, Deals]:
    """The companies and the opportunities of account 1, as loaded and then changed."""
    rng = random.Random(seed)
    companies = [company(rng, i) for i in range(1, count + 1)]
    opportunities = [opportunity(rng, i, count) for i in range(1, count + 1)]
    definitions = {d["id"]: d for d in DEFINITIONS}
    names = {c["id"]: c["name"] for c in companies} | RENAMED_COMPANIES
    people = dict(enumerate(PEOPLE, start=1)) | RENAMED_PEOPLE
    for c in companies:
        c["followers"] = sorted(c["followers"])
    return (
        Deals("company", companies, {c["id"]: set(c["followers"]) for c in companies},
              definitions=definitions),
        Deals("opportunity", opportunities,
              {o["id"]: set(o["followers"]) for o in opportunities}, definitions=definitions,
              company_names=names, people_names=people),
    )  # fmt: skip


def load(engine: Engine, companies: Deals, opportunities: Deals) -> None:
    """Account 1 holds the worlds (as a client will see them after the changes below);
    account 2 other records under the same ids."""
    rng = random.Random(99)
    theirs = _account(
        OTHER_ACCOUNT, [company(rng, i) | {"followers": []} for i in range(1, 40)],
        [opportunity(rng, i, 39) | {"followers": []} for i in range(1, 40)],
    )  # fmt: skip
    mine = _account(ACCOUNT, companies.records, opportunities.records)
    snapshot = {"format": "verdigris-snapshot/1", "accounts": [mine, theirs]}
    load_snapshot(engine, io.BytesIO(orjson.dumps(snapshot)), LoadOptions(now=NOW))
    _change(engine, companies, opportunities)


def _change(engine: Engine, companies: Deals, opportunities: Deals) -> None:
    """Renames and a delete through the HTTP write path; the worlds follow."""
    with write(engine) as conn:
        for company_id, name in RENAMED_COMPANIES.items():
            changes = Changes({"name": name})
            update_record(conn, ACCOUNT, RecordType.COMPANY, company_id, changes, NOW)
        for person_id, name in RENAMED_PEOPLE.items():
            update_record(conn, ACCOUNT, RecordType.PERSON, person_id, Changes({"name": name}), NOW)
        delete_record(conn, ACCOUNT, RecordType.COMPANY, DELETED_COMPANY)
    for record in companies.records:
        if record["id"] in RENAMED_COMPANIES:
            record |= {"name": RENAMED_COMPANIES[record["id"]], "date_modified": NOW}
    companies.records = [c for c in companies.records if c["id"] != DELETED_COMPANY]
    companies.followers.pop(DELETED_COMPANY, None)
    for record in opportunities.records:
        if record["company_id"] == DELETED_COMPANY:
            record["company_id"] = None
