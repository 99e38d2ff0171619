"""Bodies of activity writes and of `POST /activities/search`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from verdigris.domain.paging import Paging
from verdigris.domain.types import RecordType
from verdigris.errors import BadRequest
from verdigris.parsing import values as v
from verdigris.parsing.paging import parse_paging, parse_sort
from verdigris.parsing.query_filters import query_values

PARENT_TYPES = ("person", "lead")
SORT_KEYS = ("activity_date", "date_created", "date_modified")
CATEGORIES = ("user", "system")


@dataclass(frozen=True)
class NewActivity:
    parent_type: RecordType
    parent_id: int
    category: str
    type_id: int
    details: str | None
    activity_date: int | None


@dataclass(frozen=True)
class ActivitySearch:
    paging: Paging
    sort_by: str
    descending: bool
    parent: tuple[RecordType, int] | None = None
    types: tuple[tuple[str, int], ...] = ()
    minimum_date: int | None = None
    maximum_date: int | None = None
    of_company_people: int | None = None
    """A company's list also holds the activities of its people (copper-surface 8)."""


@dataclass(frozen=True)
class ActivityChanges:
    details: str | None
    activity_date: int | None
    given: frozenset[str]


def parse_parent(body: Mapping[str, Any], key: str = "parent") -> tuple[RecordType, int]:
    parent = body.get(key)
    if parent is None:
        raise BadRequest(f"{key}: required, as {{type, id}}")
    parent = v.mapping(key, parent)
    kind = parent.get("type")
    if kind not in PARENT_TYPES:
        raise BadRequest(f"{key}.type: must be one of {', '.join(PARENT_TYPES)}")
    return RecordType.from_api_name(kind), v.integer(f"{key}.id", parent.get("id"))


def parse_type(value: Any, key: str) -> tuple[str, int]:
    kind = v.mapping(key, value)
    category = kind.get("category")
    if category not in CATEGORIES:
        raise BadRequest(f"{key}.category: must be user or system")
    return str(category), v.integer(f"{key}.id", kind.get("id"))


def parse_activity(body: Mapping[str, Any]) -> NewActivity:
    parent_type, parent_id = parse_parent(body)
    category, type_id = parse_type(body.get("type"), "type")
    if category != "user":
        raise BadRequest("type.category: only user activities can be logged")
    details = v.optional(v.string)("details", body.get("details"))
    activity_date = v.optional(v.integer)("activity_date", body.get("activity_date"))
    return NewActivity(parent_type, parent_id, category, type_id, details, activity_date)


_BOUNDS = ("minimum_activity_date", "maximum_activity_date")


def parse_activity_search(body: Mapping[str, Any], query: Mapping[str, str]) -> ActivitySearch:
    """Filters: parent {type, id}, activity_types [{category, id}], activity date bounds."""
    if not body:
        body = query_values(query, _BOUNDS, ("parent", "activity_types"))
    paging = parse_paging(body, query)
    sort_by, descending = parse_sort(body, query, SORT_KEYS, "activity_date", True)
    parent = parse_parent(body) if body.get("parent") is not None else None
    types = tuple(
        parse_type(kind, f"activity_types[{i}]")
        for i, kind in enumerate(v.listed(body.get("activity_types") or []))
    )
    low = v.optional(v.integer)("minimum_activity_date", body.get("minimum_activity_date"))
    high = v.optional(v.integer)("maximum_activity_date", body.get("maximum_activity_date"))
    return ActivitySearch(paging, sort_by, descending, parent, types, low, high)


def parse_record_activities(
    body: Mapping[str, Any], query: Mapping[str, str], parent: RecordType, parent_id: int
) -> ActivitySearch:
    """`POST /{entity}/{id}/activities`: the activity search with its parent fixed."""
    search = parse_activity_search({k: v for k, v in body.items() if k != "parent"}, query)
    company = parent_id if parent is RecordType.COMPANY else None
    return replace(search, parent=(parent, parent_id), of_company_people=company)


def parse_activity_changes(body: Mapping[str, Any]) -> ActivityChanges:
    """`PUT /activities/{id}`: `details` and `activity_date`; other keys are ignored."""
    details = v.optional(v.string)("details", body.get("details"))
    when = v.optional(v.integer)("activity_date", body.get("activity_date"))
    return ActivityChanges(
        details, when, frozenset(k for k in ("details", "activity_date") if k in body)
    )
