"""A Copper search body and query string -> a frozen, validated PeopleSearch or LeadsSearch.

Every 400 of SPEC.md 3 is raised here, naming the field; compiling and running a
validated request cannot fail. Filter values are stored in the form the SQL needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

from verdigris.domain.fields import LEADS_SORT_KEYS, PEOPLE_SORT_KEYS
from verdigris.domain.text import match_key, phone_digits
from verdigris.domain.types import RecordType
from verdigris.errors import BadRequest
from verdigris.search import values as v
from verdigris.search.custom_fields import Definition, parse_custom_fields
from verdigris.search.paging import Paging, parse_paging
from verdigris.search.sorting import DEFAULT_SORT
from verdigris.search.terms import Equals, IdSet, Options

NONE_ID = -2
"""In an id list, -2 stands for "no value" (Copper)."""
TAG_OPTIONS = ("ANY", "ALL", "NONE")
_DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class Search:
    """A validated search; `filters` maps filter keys to their parsed values."""

    record_type: ClassVar[RecordType]
    paging: Paging
    sort_by: str
    descending: bool
    filters: Mapping[str, Any]
    include_converted: bool = True


@dataclass(frozen=True)
class PeopleSearch(Search):
    record_type: ClassVar[RecordType] = RecordType.PERSON


@dataclass(frozen=True)
class LeadsSearch(Search):
    record_type: ClassVar[RecordType] = RecordType.LEAD


Definitions = Callable[[], Mapping[int, Definition]]
"""The account's custom field definitions, read only when a body filters on them."""


def _ids(field: str, value: Any) -> tuple[int, ...] | None:
    ids = tuple(sorted({v.integer(f, item) for f, item in v.elements(field, value)}))
    return ids or None  # an empty array filters nothing (decision 0201)


def _id_set(field: str, value: Any) -> IdSet | None:
    ids = _ids(field, value)
    if ids is None:
        return None
    return IdSet(tuple(i for i in ids if i != NONE_ID), NONE_ID in ids)


def _name(field: str, value: Any) -> str | None:
    text = v.string(field, value)
    return text or None


def _phone(field: str, value: Any) -> str | None:
    text = v.string(field, value)
    if not text.strip():
        return None
    return phone_digits(text) or ""  # no digits at all: matches nothing


def _keys(field: str, value: Any) -> tuple[str, ...] | None:
    keys = {match_key(v.string(f, item)) for f, item in v.elements(field, value)}
    return tuple(sorted(k for k in keys if k)) or None


def _address(field: str, value: Any) -> Equals | None:
    if not isinstance(value, dict):
        return _equals(v.string(field, value), False)
    given = value.get("value")
    text = None if given is None else v.string(f"{field}.value", given)
    allow = value.get("allow_empty")
    return _equals(text, allow is not None and v.boolean(f"{field}.allow_empty", allow))


def _equals(text: str | None, allow_empty: bool) -> Equals | None:
    key = match_key(text)
    if key is None and not allow_empty:
        return None
    return Equals(key, allow_empty)


def _tags(field: str, value: Any) -> Options | None:
    if not isinstance(value, dict):
        return _options(_keys(field, value), "ANY", False)
    option = value.get("option")
    chosen = "ANY" if option is None else v.choice(f"{field}.option", option, TAG_OPTIONS)
    allow = value.get("allow_empty")
    allow_empty = allow is not None and v.boolean(f"{field}.allow_empty", allow)
    given = value.get("value")
    keys = None if given is None else _keys(f"{field}.value", given)
    return _options(keys, chosen, allow_empty)


def _options(keys: tuple[Any, ...] | None, option: str, allow_empty: bool) -> Options | None:
    if not keys and not allow_empty:
        return None
    return Options(option, keys or (), allow_empty)


def _followed(field: str, value: Any) -> int:
    if type(value) is not int or value not in (1, 2):
        raise BadRequest(f"{field}: must be 1 (followed) or 2 (not followed)")
    return value


_BOUNDS = ("interaction_count", "interaction_date", "created_date", "modified_date")
_COMMON: dict[str, Callable[[str, Any], Any]] = {
    "ids": _ids,
    "name": _name,
    "phone_number": _phone,
    "emails": _keys,
    "assignee_ids": _id_set,
    **dict.fromkeys(("city", "state", "postal_code", "country"), _address),
    "tags": _tags,
    "socials": _keys,
    "followed": _followed,
    "age": v.integer,
    **{f"{end}_{b}": v.integer for b in _BOUNDS for end in ("minimum", "maximum")},
}
PARSERS: Mapping[RecordType, Mapping[str, Callable[[str, Any], Any]]] = {
    RecordType.PERSON: {
        **_COMMON,
        "contact_type_ids": _id_set,
        "company_ids": _id_set,
        "company_id": _id_set,  # alias of company_ids, which wins when both are given
        "opportunity_ids": _ids,
    },
    RecordType.LEAD: {
        **_COMMON,
        "customer_source_ids": _id_set,
        "status_ids": _ids,
        "minimum_monetary_value": v.number,
        "maximum_monetary_value": v.number,
        "minimum_status_change_date": v.integer,
        "maximum_status_change_date": v.integer,
    },
}
SORT_KEYS = {RecordType.PERSON: PEOPLE_SORT_KEYS, RecordType.LEAD: LEADS_SORT_KEYS}


def parse_people(
    body: Mapping[str, Any], query: Mapping[str, str], definitions: Definitions
) -> PeopleSearch:
    return PeopleSearch(*_common(RecordType.PERSON, body, query, definitions))


def parse_leads(
    body: Mapping[str, Any], query: Mapping[str, str], definitions: Definitions
) -> LeadsSearch:
    include = body.get("include_converted_leads")
    converted = include is not None and v.boolean("include_converted_leads", include)
    return LeadsSearch(*_common(RecordType.LEAD, body, query, definitions), converted)


def _common(
    record_type: RecordType,
    body: Mapping[str, Any],
    query: Mapping[str, str],
    definitions: Definitions,
) -> tuple[Paging, str, bool, Mapping[str, Any]]:
    paging = parse_paging(body, query)
    sort_by = _sort_by(record_type, _from_either(body, query, "sort_by"))
    direction = _from_either(body, query, "sort_direction")
    descending = (
        direction is not None and v.choice("sort_direction", direction, _DIRECTIONS) == "desc"
    )
    filters = _filters(record_type, body)
    entries = body.get("custom_fields")
    if entries is not None:
        parsed = parse_custom_fields(record_type, entries, definitions())
        if parsed:
            filters["custom_fields"] = parsed
    return paging, sort_by, descending, MappingProxyType(filters)


def _from_either(body: Mapping[str, Any], query: Mapping[str, str], key: str) -> Any:
    value = body.get(key)
    return query.get(key) or None if value is None else value


def _sort_by(record_type: RecordType, value: Any) -> str:
    if value is None:
        return DEFAULT_SORT[record_type]
    key = v.string("sort_by", value)
    if key not in SORT_KEYS[record_type]:
        known = ", ".join(SORT_KEYS[record_type])
        raise BadRequest(f"sort_by: {key[:40]!r} is not one of {known}")
    return key


def _filters(record_type: RecordType, body: Mapping[str, Any]) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for key, parse in PARSERS[record_type].items():
        given = body.get(key)
        parsed = None if given is None else parse(key, given)
        if parsed is not None:
            filters[key] = parsed
    alias = filters.pop("company_id", None)
    if alias is not None:
        filters.setdefault("company_ids", alias)
    return filters
