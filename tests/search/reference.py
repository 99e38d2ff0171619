"""A slow, obviously correct search over records in memory, written from SPEC.md 3 alone.

It shares no code with src/verdigris/search or storage (its own folding, tokens, edit
distance, sorting); the property tests compare the two.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

CAP = 100_000
TEXT_SORTS = {
    "name": ("name",),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "title": ("title",),
    "company_name": ("company_name",),
    "city": ("address", "city"),
    "state": ("address", "state"),
    "country": ("address", "country"),
    "zip": ("address", "postal_code"),
}
NUMBER_SORTS = {
    "date_modified": "date_modified",
    "date_created": "date_created",
    "interaction_count": "interaction_count",
    "date_last_contacted": "date_last_contacted",
    "value": "monetary_value",
    "inactive_days": "date_last_contacted",
}


@dataclass
class World:
    """One account's data as a client sees it."""

    kind: str  # "person" or "lead"
    records: list[dict[str, Any]]
    followers: dict[int, set[int]] = field(default_factory=dict)  # record id -> user ids
    opportunities: list[dict[str, Any]] = field(default_factory=list)
    definitions: dict[int, dict[str, Any]] = field(default_factory=dict)


# -- text -------------------------------------------------------------------------------


def blank(value: Any) -> bool:
    return not isinstance(value, str) or value.strip() == ""


def same_text(a: Any, b: str) -> bool:
    return isinstance(a, str) and a.strip().casefold() == b.strip().casefold()


def digits(text: Any) -> str:
    return "".join(c for c in text if c.isdecimal()) if isinstance(text, str) else ""


def tokens(text: Any) -> list[str]:
    if not isinstance(text, str):
        return []
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )
    out, run = [], ""
    for c in plain + " ":
        if c.isalnum():
            run += c
        elif run:
            out.append(run)
            run = ""
    return out


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance, full matrix."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def budget(token: str) -> int:
    return 0 if len(token) <= 2 else 1 if len(token) <= 5 else 2


def name_matches(query: str, name: Any) -> bool:
    mine = tokens(name)
    return any(distance(q, t) <= budget(q) for q in tokens(query) for t in mine)


# -- record accessors ---------------------------------------------------------------------


def address_part(record: dict[str, Any], part: str) -> Any:
    address = record.get("address")
    return address.get(part) if isinstance(address, dict) else None


def emails(record: dict[str, Any]) -> list[Any]:
    if "emails" in record:
        return [e.get("email") for e in record.get("emails") or []]
    email = record.get("email")
    return [email.get("email")] if isinstance(email, dict) else []


def tag_set(record: dict[str, Any]) -> set[str]:
    return {t.strip().casefold() for t in record.get("tags") or [] if not blank(t)}


def custom_value(record: dict[str, Any], definition_id: int) -> Any:
    for entry in record.get("custom_fields") or []:
        if entry["custom_field_definition_id"] == definition_id:
            value = entry["value"]
            return None if value in ([], "") or value is False else value
    return None


def is_converted(record: dict[str, Any]) -> bool:
    return record.get("converted_at") is not None or record.get("converted_contact_id") is not None


# -- filters ------------------------------------------------------------------------------


def id_list(value: Any) -> list[Any]:
    return [v for v in (value if isinstance(value, list) else [value]) if v is not None]


def in_ids(actual: Any, wanted: list[int]) -> bool:
    return actual in wanted or (-2 in wanted and actual is None)


def address_ok(record: dict[str, Any], part: str, spec: Any) -> bool:
    value = spec.get("value") if isinstance(spec, dict) else spec
    allow = isinstance(spec, dict) and spec.get("allow_empty") is True
    actual = address_part(record, part)
    empty = blank(actual)
    if blank(value):
        return empty if allow else True
    return same_text(actual, value) or (allow and empty)


def options_ok(have: set[Any], option: str, wanted: set[Any], allow: bool) -> bool:
    if not wanted:
        return not have if allow else True
    if option == "ALL":
        hit = wanted <= have
    elif option == "NONE":
        hit = not (wanted & have)
    else:
        hit = bool(wanted & have)
    return hit or (allow and not have)


def tags_ok(record: dict[str, Any], spec: Any) -> bool:
    if isinstance(spec, dict):
        option = (spec.get("option") or "ANY").upper()
        values, allow = spec.get("value"), spec.get("allow_empty") is True
    else:
        option, values, allow = "ANY", spec, False
    wanted = {v.strip().casefold() for v in id_list(values) if not blank(v)}
    return options_ok(tag_set(record), option, wanted, allow)


def custom_ok(world: World, record: dict[str, Any], spec: dict[str, Any]) -> bool:
    definition = world.definitions[spec["custom_field_definition_id"]]
    value = custom_value(record, definition["id"])
    kind = definition["data_type"]
    if kind in ("Dropdown", "MultiSelect"):
        have = set() if value is None else set(value if isinstance(value, list) else [value])
        option = (spec.get("option") or "ANY").upper()
        return options_ok(
            have, option, set(id_list(spec.get("value"))), spec.get("allow_empty") is True
        )
    if kind == "Checkbox":
        return spec.get("value") is None or (value is True) == spec["value"]
    if kind in ("String", "Text", "URL"):
        wanted = spec.get("value")
        return not wanted or (value is not None and str(value).casefold() == wanted.casefold())
    low, high, exact = spec.get("minimum_value"), spec.get("maximum_value"), spec.get("value")
    if low is None and high is None and exact is None:
        return True
    return value is not None and all(
        [
            low is None or value >= low,
            high is None or value <= high,
            exact is None or value == exact,
        ]
    )


def opportunity_people(world: World, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for opportunity in world.opportunities:
        if opportunity["id"] in ids:
            found |= {opportunity["primary_contact_id"], *opportunity["related_people"]}
    return found


def bound(actual: Any, low: Any, high: Any) -> bool:
    if low is None and high is None:
        return True
    return (
        actual is not None and (low is None or actual >= low) and (high is None or actual <= high)
    )


def matches(
    world: World, record: dict[str, Any], body: dict[str, Any], user: int, now: int
) -> bool:  # noqa: C901
    g = body.get
    checks = []
    if g("ids") is not None and id_list(g("ids")):
        checks.append(record["id"] in id_list(g("ids")))
    if g("name"):
        checks.append(name_matches(g("name"), record.get("name")))
    if g("phone_number") is not None and not blank(g("phone_number")):
        want = digits(g("phone_number"))
        checks.append(
            bool(want)
            and any(digits(p["number"]) == want for p in record.get("phone_numbers") or [])
        )
    wanted = [e for e in id_list(g("emails")) if not blank(e)]
    if wanted:
        checks.append(any(same_text(e, w) for e in emails(record) for w in wanted))
    id_filters = {"assignee_ids": "assignee_id"}
    if world.kind == "person":
        id_filters |= {"contact_type_ids": "contact_type_id", "company_ids": "company_id"}
    else:
        id_filters |= {"customer_source_ids": "customer_source_id", "status_ids": "status_id"}
    for key, column in id_filters.items():
        ids = id_list(g(key))
        if ids:
            checks.append(in_ids(record.get(column), ids))
    if world.kind == "person" and id_list(g("opportunity_ids")):
        checks.append(record["id"] in opportunity_people(world, id_list(g("opportunity_ids"))))
    for part in ("city", "state", "postal_code", "country"):
        if g(part) is not None:
            checks.append(address_ok(record, part, g(part)))
    if g("tags") is not None:
        checks.append(tags_ok(record, g("tags")))
    socials = [s for s in id_list(g("socials")) if not blank(s)]
    if socials:
        checks.append(
            any(same_text(s["url"], w) for s in record.get("socials") or [] for w in socials)
        )
    if g("followed") is not None:
        follows = user in world.followers.get(record["id"], set())
        checks.append(follows if g("followed") == 1 else not follows)
    if g("age") is not None:
        checks.append(record["date_created"] >= now - g("age"))
    for name, column in [
        ("interaction_count", "interaction_count"),
        ("interaction_date", "date_last_contacted"),
        ("created_date", "date_created"),
        ("modified_date", "date_modified"),
        *(
            [("monetary_value", "monetary_value"), ("status_change_date", "date_status_changed")]
            if world.kind == "lead"
            else []
        ),
    ]:
        checks.append(bound(record.get(column), g(f"minimum_{name}"), g(f"maximum_{name}")))
    if world.kind == "lead" and not g("include_converted_leads"):
        checks.append(not is_converted(record))
    for spec in id_list(g("custom_fields")):
        checks.append(custom_ok(world, record, spec))
    return all(checks)


# -- sorting and paging -------------------------------------------------------------------


def sort_value(record: dict[str, Any], sort_by: str) -> Any:
    if sort_by in NUMBER_SORTS:
        return record.get(NUMBER_SORTS[sort_by])
    if sort_by == "email":
        value = (emails(record) or [None])[0]
    elif sort_by in ("phone", "socials"):
        items = record.get("phone_numbers" if sort_by == "phone" else "socials") or []
        value = items[0]["number" if sort_by == "phone" else "url"] if items else None
    else:
        value = record
        for key in TEXT_SORTS[sort_by]:
            value = value.get(key) if isinstance(value, dict) else None
    return None if blank(value) else value.casefold()


def search(world: World, body: dict[str, Any], user: int, now: int) -> tuple[list[int], int]:
    """(page ids, X-PW-TOTAL) for a valid body."""
    found = [r for r in world.records if matches(world, r, body, user, now)]
    sort_by = body.get("sort_by") or ("first_name" if world.kind == "person" else "name")
    descending = (body.get("sort_direction") or "asc").lower() == "desc"
    if sort_by == "inactive_days":
        descending = not descending
    filled = [r for r in found if sort_value(r, sort_by) is not None]
    empty = [r for r in found if sort_value(r, sort_by) is None]
    filled.sort(key=lambda r: r["id"])
    filled.sort(key=lambda r: sort_value(r, sort_by), reverse=descending)  # stable: ids stay asc
    empty.sort(key=lambda r: r["id"])
    ordered = [r["id"] for r in filled + empty][:CAP]
    size, number = body.get("page_size") or 20, body.get("page_number") or 1
    return ordered[(number - 1) * size : number * size], min(len(found), CAP)
