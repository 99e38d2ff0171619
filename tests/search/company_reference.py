"""A slow, obviously correct search over companies and opportunities in memory, written
from SPEC.md 3 and 7 and copper-surface section 9 (decision 0721 for the sort keys).

Like reference.py (whose text and filter helpers it uses) it shares no code with
src/verdigris; the property tests compare the two.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tests.search.reference import (
    CAP,
    World,
    address_ok,
    blank,
    bound,
    custom_ok,
    digits,
    id_list,
    in_ids,
    same_text,
    tags_ok,
)

STATUSES = ["Open", "Won", "Lost", "Abandoned"]
PRIORITIES = ["None", "Low", "Medium", "High"]
_US = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")
_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")


@dataclass
class Deals(World):
    """Companies or opportunities of one account, and the names opportunities show or
    sort by: their companies' and their primary contacts'."""

    company_names: dict[int, str] = field(default_factory=dict)
    people_names: dict[int, str] = field(default_factory=dict)


def close_seconds(text: Any) -> int | None:
    """Midnight UTC of a "M/D/YYYY" or "YYYY-MM-DD" date; None for anything else."""
    if not isinstance(text, str):
        return None
    us, iso = _US.fullmatch(text), _ISO.fullmatch(text)
    if us:
        month, day, year = map(int, us.groups())
    elif iso:
        year, month, day = map(int, iso.groups())
    else:
        return None
    try:
        return calendar.timegm(date(year, month, day).timetuple())
    except ValueError:
        return None


def _first(record: dict[str, Any], key: str, item: str) -> Any:
    entries = record.get(key) or []
    return entries[0][item] if entries else None


# -- filters ------------------------------------------------------------------------------


def _common(world: Deals, record: dict[str, Any], body: dict[str, Any], user: int) -> list[bool]:
    """Filters of both: ids, name, tags, followed, custom fields, assignees, bounds on
    interactions and dates."""
    g = body.get
    checks = []
    if id_list(g("ids")):
        checks.append(record["id"] in id_list(g("ids")))
    if g("name"):
        name = record.get("name")
        checks.append(not blank(name) and g("name").casefold() in name.casefold())
    if id_list(g("assignee_ids")):
        checks.append(in_ids(record.get("assignee_id"), id_list(g("assignee_ids"))))
    if g("tags") is not None:
        checks.append(tags_ok(record, g("tags")))
    if g("followed") is not None:
        follows = user in world.followers.get(record["id"], set())
        checks.append(follows if g("followed") == 1 else not follows)
    for name, column in (
        ("interaction_count", "interaction_count"),
        ("interaction_date", "date_last_contacted"),
        ("created_date", "date_created"),
        ("modified_date", "date_modified"),
    ):
        checks.append(bound(record.get(column), g(f"minimum_{name}"), g(f"maximum_{name}")))
    for spec in id_list(g("custom_fields")):
        checks.append(custom_ok(world, record, spec))
    return checks  # fmt: skip


def company_matches(
    world: Deals, record: dict[str, Any], body: dict[str, Any], user: int, now: int
) -> bool:
    g = body.get
    checks = _common(world, record, body, user)
    if g("phone_number") is not None and not blank(g("phone_number")):
        want = digits(g("phone_number"))
        phones = record.get("phone_numbers") or []
        checks.append(bool(want) and any(digits(p["number"]) == want for p in phones))
    domains = [d for d in id_list(g("email_domains")) if not blank(d)]
    if domains:
        checks.append(any(same_text(record.get("email_domain"), d) for d in domains))
    if id_list(g("contact_type_ids")):
        checks.append(in_ids(record.get("contact_type_id"), id_list(g("contact_type_ids"))))
    for part in ("city", "state", "postal_code", "country"):
        if g(part) is not None:
            checks.append(address_ok(record, part, g(part)))
    socials = [s for s in id_list(g("socials")) if not blank(s)]
    if socials:
        urls = [s["url"] for s in record.get("socials") or []]
        checks.append(any(same_text(u, w) for u in urls for w in socials))
    if g("age") is not None:
        checks.append(record["date_created"] >= now - g("age"))
    return all(checks)


_OPPORTUNITY_IDS = {
    "pipeline_ids": "pipeline_id", "pipeline_stage_ids": "pipeline_stage_id",
    "customer_source_ids": "customer_source_id", "loss_reason_ids": "loss_reason_id",
    "company_ids": "company_id", "primary_contact_ids": "primary_contact_id",
}  # fmt: skip


def opportunity_matches(
    world: Deals, record: dict[str, Any], body: dict[str, Any], user: int, now: int
) -> bool:
    g = body.get
    checks = _common(world, record, body, user)
    for key, column in _OPPORTUNITY_IDS.items():
        if id_list(g(key)):
            checks.append(in_ids(record.get(column), id_list(g(key))))
    if id_list(g("status_ids")):
        checks.append(record["status"] in [STATUSES[i] for i in id_list(g("status_ids"))])
    if id_list(g("priority_ids")):
        checks.append(record["priority"] in [PRIORITIES[i] for i in id_list(g("priority_ids"))])
    if id_list(g("priorities")):
        wanted = {p.strip().casefold() for p in id_list(g("priorities"))}
        checks.append(record["priority"].casefold() in wanted)
    for name, value in (
        ("monetary_value", record.get("monetary_value")),
        ("close_date", close_seconds(record.get("close_date"))),
        ("stage_change_date", record.get("date_stage_changed")),
    ):
        checks.append(bound(value, g(f"minimum_{name}"), g(f"maximum_{name}")))
    return all(checks)  # fmt: skip


# -- sorting and paging -------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return None if blank(value) else value.casefold()


def company_sort_value(world: Deals, record: dict[str, Any], sort_by: str) -> Any:
    address = record.get("address") or {}
    texts = {
        "name": record.get("name"), "contact": record.get("name"),
        "contact_first_name": record.get("name"), "contact_last_name": record.get("name"),
        "phone": _first(record, "phone_numbers", "number"),
        "email_domain": record.get("email_domain"), "city": address.get("city"),
        "state": address.get("state"), "country": address.get("country"),
        "zip": address.get("postal_code"), "primary_website": _first(record, "websites", "url"),
        "socials": _first(record, "socials", "url"),
    }  # fmt: skip
    if sort_by in texts:
        return _text(texts[sort_by])
    numbers = {
        "assignee": "assignee_id",
        "contact_group": "contact_type_id",
        "last_interaction": "date_last_contacted",
        "inactive_days": "date_last_contacted",
    }
    return record.get(numbers.get(sort_by, sort_by))  # fmt: skip


def opportunity_sort_value(world: Deals, record: dict[str, Any], sort_by: str) -> Any:
    company = world.company_names.get(record.get("company_id") or 0)
    contact = world.people_names.get(record.get("primary_contact_id") or 0)
    texts = {"name": record.get("name"), "account": company, "company_name": company,
             "contact": contact, "primary_contact": contact,
             "monetary_unit": record.get("monetary_unit")}  # fmt: skip
    if sort_by in texts:
        return _text(texts[sort_by])
    if sort_by in ("status", "priority"):
        return (STATUSES if sort_by == "status" else PRIORITIES).index(record[sort_by])
    if sort_by == "close_date":
        return close_seconds(record.get("close_date"))
    numbers = {
        "value": "monetary_value",
        "assignee": "assignee_id",
        "source": "customer_source_id",
        "stage": "pipeline_stage_id",
        "last_interaction": "date_last_contacted",
        "inactive_days": "date_last_contacted",
        "deal_last_stage": "date_stage_changed",
    }
    return record.get(numbers.get(sort_by, sort_by))  # fmt: skip


def search(world: Deals, body: dict[str, Any], user: int, now: int) -> tuple[list[int], int]:
    """(page ids, X-PW-TOTAL) for a valid body."""
    company = world.kind == "company"
    matches = company_matches if company else opportunity_matches
    value = company_sort_value if company else opportunity_sort_value
    found = [r for r in world.records if matches(world, r, body, user, now)]
    sort_by = body.get("sort_by") or ("date_modified" if company else "name")
    descending = (body.get("sort_direction") or "asc").lower() == "desc"
    if sort_by == "inactive_days":
        descending = not descending
    keyed = [(value(world, r, sort_by), r["id"]) for r in found]
    filled = sorted((k, i) for k, i in keyed if k is not None)
    filled.sort(key=lambda pair: pair[0], reverse=descending)  # stable: ids stay ascending
    empty = sorted(i for k, i in keyed if k is None)
    ordered = ([i for _, i in filled] + empty)[:CAP]
    size, number = body.get("page_size") or 20, body.get("page_number") or 1
    return ordered[(number - 1) * size : number * size], min(len(found), CAP)
