"""Variants people search and leads search share, registered on either workload.

Each builder returns a request body (without page_size, which the runner sets) drawn
from real values of the database, so no two calls need be alike.
"""

from __future__ import annotations

import json
import time
from random import Random
from typing import Any

from bench import BROAD, NAME, PAGE, SELECTIVE, SORT, Body, Workload
from bench.values import Values

DAY = 86_400
LAST_PAGE = 100_000
"""Matches past this position cannot be paged to (SPEC 3)."""
POSITION = "_position"
"""A body key the runner turns into the page_number holding that match position."""


def typo(token: str, rng: Random) -> str:
    """One random edit (substitute, delete, insert or swap) of a token of 3+ letters."""
    if len(token) < 3:
        return token
    i = rng.randrange(1, len(token) - 1)
    op = rng.choice("sdiw")
    letter = rng.choice("aeiourstnl")
    if op == "s":
        return token[:i] + letter + token[i + 1 :]
    if op == "d":
        return token[:i] + token[i + 1 :]
    if op == "i":
        return token[:i] + letter + token[i:]
    return token[: i - 1] + token[i] + token[i - 1] + token[i + 1 :]


def first_of(raw: str | None, key: str) -> str | None:
    items = json.loads(raw or "[]")
    return items[0].get(key) if items and isinstance(items[0], dict) else None


def register_shared(w: Workload) -> None:  # noqa: C901 (one closure per variant, flat)
    """Register the variants both record types have."""
    rec = w.record

    @w.variant(PAGE)
    def default_listing(v: Values, rng: Random) -> Body:
        """default listing (no filter, default sort), page 1"""
        return {"sort_direction": "asc"}

    @w.variant(PAGE)
    def deep_page(v: Values, rng: Random) -> Body:
        """default listing, the page holding match 90,000-99,999 (page 5,000 at 20, 500 at 200)"""
        return {POSITION: rng.randint(LAST_PAGE * 9 // 10, LAST_PAGE - 1)}

    @w.variant(SELECTIVE)
    def ids(v: Values, rng: Random) -> Body:
        """ids: 20 random existing ids"""
        return {"ids": [r["id"] for r in rng.sample(v[rec].rows, 20)]}

    @w.variant(SELECTIVE)
    def phone_number(v: Values, rng: Random) -> Body:
        """phone_number: a sampled record's phone, as written"""
        rows = [r for r in v[rec].rows if r["phone_numbers"] not in (None, "[]")]
        return {"phone_number": first_of(rng.choice(rows)["phone_numbers"], "number")}

    @w.variant(SELECTIVE)
    def socials(v: Values, rng: Random) -> Body:
        """socials: a sampled record's social URL"""
        rows = [r for r in v[rec].rows if r["socials"] not in (None, "[]")]
        return {"socials": [first_of(rng.choice(rows)["socials"], "url")]}

    @w.variant(SELECTIVE)
    def postal_code(v: Values, rng: Random) -> Body:
        """postal_code: a sampled postal code"""
        return {"postal_code": v[rec].dist["postal_code_match"].uniform(rng)}

    @w.variant(SELECTIVE)
    def city_rare(v: Values, rng: Random) -> Body:
        """city: a rare city (at most 20 records)"""
        return {"city": v[rec].dist["city_match"].rare(rng)}

    @w.variant(BROAD)
    def city(v: Values, rng: Random) -> Body:
        """city: a city drawn by record count (skewed)"""
        return {"city": v[rec].dist["city_match"].pick(rng)}

    @w.variant(BROAD)
    def state(v: Values, rng: Random) -> Body:
        """state: a state drawn by record count"""
        return {"state": v[rec].dist["state_match"].pick(rng)}

    @w.variant(BROAD)
    def state_allow_empty(v: Values, rng: Random) -> Body:
        """state: {value, allow_empty: true}"""
        return {"state": {"value": v[rec].dist["state_match"].pick(rng), "allow_empty": True}}

    @w.variant(BROAD)
    def country(v: Values, rng: Random) -> Body:
        """country: a country drawn by record count"""
        return {"country": v[rec].dist["country_match"].pick(rng)}

    @w.variant(BROAD)
    def assignee(v: Values, rng: Random) -> Body:
        """assignee_ids: one assignee"""
        return {"assignee_ids": [v[rec].dist["assignee_id"].pick(rng)]}

    @w.variant(BROAD)
    def assignee_or_none(v: Values, rng: Random) -> Body:
        """assignee_ids: one assignee and -2 (or none)"""
        return {"assignee_ids": [v[rec].dist["assignee_id"].pick(rng), -2]}

    @w.variant(BROAD)
    def tags_any(v: Values, rng: Random) -> Body:
        """tags: ANY of two tags drawn by use"""
        tags = v[rec].dist["tag"]
        return {"tags": list({tags.pick(rng), tags.pick(rng)})}

    @w.variant(SELECTIVE)
    def tags_rare(v: Values, rng: Random) -> Body:
        """tags: one rare tag"""
        return {"tags": [v[rec].dist["tag"].rare(rng, 200)]}

    @w.variant(BROAD)
    def tags_all(v: Values, rng: Random) -> Body:
        """tags: {option: ALL} of two common tags"""
        tags = v[rec].dist["tag"]
        return {"tags": {"option": "ALL", "value": rng.sample(tags.top(8), 2)}}

    @w.variant(BROAD)
    def tags_none(v: Values, rng: Random) -> Body:
        """tags: {option: NONE} of one common tag"""
        return {"tags": {"option": "NONE", "value": [rng.choice(v[rec].dist["tag"].top(8))]}}

    @w.variant(BROAD)
    def followed(v: Values, rng: Random) -> Body:
        """followed: 1 (records the user follows)"""
        return {"followed": 1, "sort_direction": rng.choice(["asc", "desc"])}

    @w.variant(BROAD)
    def age(v: Values, rng: Random) -> Body:
        """age: created within 1-90 days of the newest record"""
        newest = v[rec].ranges["date_created"][1]
        return {"age": max(0, int(time.time()) - newest) + rng.randint(1, 90) * DAY}

    @w.variant(BROAD)
    def interaction_count(v: Values, rng: Random) -> Body:
        """minimum_/maximum_interaction_count: a window"""
        low = rng.randint(0, max(0, v[rec].ranges["interaction_count"][1] // 2))
        return {
            "minimum_interaction_count": low,
            "maximum_interaction_count": low + rng.randint(0, 5),
        }

    @w.variant(BROAD)
    def interaction_date(v: Values, rng: Random) -> Body:
        """minimum_/maximum_interaction_date: a window of ~5% of the span"""
        low, high = v[rec].between(rng, "date_last_contacted", 0.05)
        return {"minimum_interaction_date": low, "maximum_interaction_date": high}

    @w.variant(BROAD)
    def created_date(v: Values, rng: Random) -> Body:
        """minimum_/maximum_created_date: a window of ~10% of the span"""
        low, high = v[rec].between(rng, "date_created", 0.10)
        return {"minimum_created_date": low, "maximum_created_date": high}

    @w.variant(BROAD)
    def modified_date(v: Values, rng: Random) -> Body:
        """minimum_/maximum_modified_date: a window of ~2% of the span"""
        low, high = v[rec].between(rng, "date_modified", 0.02)
        return {"minimum_modified_date": low, "maximum_modified_date": high}

    @w.variant(BROAD)
    def custom_field(v: Values, rng: Random) -> Body:
        """custom_fields: one entry on a random definition (any data type)"""
        return {"custom_fields": [custom_entry(v, rec, rng)]}

    @w.variant(BROAD)
    def two_broad(v: Values, rng: Random) -> Body:
        """state + created-date range (two broad filters)"""
        low, high = v[rec].between(rng, "date_created", 0.3)
        return {
            "state": v[rec].dist["state_match"].pick(rng),
            "minimum_created_date": low,
            "maximum_created_date": high,
        }

    @w.variant(BROAD)
    def three_broad(v: Values, rng: Random) -> Body:
        """state + created-date range + minimum interaction count (three broad filters)"""
        low, high = v[rec].between(rng, "date_created", 0.5)
        return {
            "state": v[rec].dist["state_match"].pick(rng),
            "minimum_created_date": low,
            "maximum_created_date": high,
            "minimum_interaction_count": rng.randint(1, 3),
        }

    @w.variant(BROAD)
    def three_broad_tags(v: Values, rng: Random) -> Body:
        """tags ANY + country + modified-date range, sorted by date_modified desc"""
        low, high = v[rec].between(rng, "date_modified", 0.5)
        return {
            "tags": [v[rec].dist["tag"].pick(rng)],
            "country": v[rec].dist["country_match"].pick(rng),
            "minimum_modified_date": low,
            "maximum_modified_date": high,
            "sort_by": "date_modified",
            "sort_direction": "desc",
        }

    @w.variant(BROAD)
    def capped_total(v: Values, rng: Random) -> Body:
        """a filter whose total reaches the 100,000 cap (most common country, any sort)"""
        return {
            "country": v[rec].dist["country_match"].top(1)[0],
            "sort_direction": rng.choice(["asc", "desc"]),
        }

    @w.variant(NAME)
    def name_full(v: Values, rng: Random) -> Body:
        """name: the full name of a sampled record"""
        return {"name": v[rec].row(rng)["name"]}

    @w.variant(NAME)
    def name_typo(v: Values, rng: Random) -> Body:
        """name: a sampled full name with one typo in each word of 3+ letters"""
        return {"name": " ".join(typo(t, rng) for t in (v[rec].row(rng)["name"] or "x").split())}

    @w.variant(NAME)
    def name_rare(v: Values, rng: Random) -> Body:
        """name: one rare token (used by at most 3 records)"""
        return {"name": v[rec].tokens.rare(rng, 3)}

    @w.variant(NAME)
    def name_common(v: Values, rng: Random) -> Body:
        """name: one of the 20 most common tokens"""
        return {"name": rng.choice(v[rec].tokens.top(20))}


def register_sorts(w: Workload, keys: tuple[str, ...]) -> None:
    """One variant per sort key and direction, no filter, a random early page."""
    for key in keys:
        for direction in ("asc", "desc"):

            def build(v: Values, rng: Random, key: str = key, d: str = direction) -> Body:
                return {"sort_by": key, "sort_direction": d, "page_number": rng.randint(1, 20)}

            w.add(f"sort_{key}_{direction}", SORT, build, f"sort_by {key} {direction}")


def custom_entry(v: Values, rec: str, rng: Random) -> dict[str, Any]:
    """A filter entry for one random custom field definition of this record type."""
    fields = v[rec].custom_fields
    if not fields:
        return {"custom_field_definition_id": 0}
    d = rng.choice(fields)
    entry: dict[str, Any] = {"custom_field_definition_id": d["id"]}
    kind = d["data_type"]
    if kind == "Dropdown":
        entry["value"] = rng.choice(d["options"] or [0])
    elif kind == "MultiSelect":
        entry |= {"value": rng.sample(d["options"], min(2, len(d["options"]))), "option": "ANY"}
    elif kind == "Checkbox":
        entry["value"] = True
    elif kind in ("String", "Text", "URL"):
        texts = [t for t in v[rec].custom_values.get(d["id"], []) if isinstance(t, str)]
        entry["value"] = rng.choice(texts or ["none"])
    else:
        entry |= _number_bounds(v, rec, d["id"], rng)
    return entry


def _number_bounds(v: Values, rec: str, definition_id: int, rng: Random) -> dict[str, Any]:
    numbers = [x for x in v[rec].custom_values.get(definition_id, []) if isinstance(x, int | float)]
    numbers.sort()
    if not numbers:
        return {"minimum_value": 0}
    i = rng.randrange(len(numbers))
    return {
        "minimum_value": numbers[i],
        "maximum_value": numbers[min(len(numbers) - 1, i + len(numbers) // 10)],
    }
