"""A Copper search body and query string -> a frozen, validated `Search` of any declared
record type.

Every 400 of SPEC.md 3 is raised here, naming the field; compiling and running a
validated search cannot fail. Which filters a type has, and how each reads, comes from
its declaration (one reader per filter kind); values are kept in the form the SQL
needs (parsing/terms.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from verdigris.domain.declarations import Declaration, declaration
from verdigris.domain.declarations.declaration import Filter, FilterKind
from verdigris.domain.paging import Paging
from verdigris.domain.text import match_key, phone_digits
from verdigris.domain.types import RecordType
from verdigris.errors import BadRequest
from verdigris.parsing import values as v
from verdigris.parsing.custom_field_filters import parse_custom_fields
from verdigris.parsing.paging import parse_paging, parse_sort
from verdigris.parsing.query_filters import query_filters
from verdigris.parsing.records import Definitions
from verdigris.parsing.terms import Equals, IdSet, Options

NONE_ID = -2
"""In an id list, -2 stands for "no value" (Copper)."""
TAG_OPTIONS = ("ANY", "ALL", "NONE")


@dataclass(frozen=True)
class Search:
    """A validated search; `filters` maps filter keys to their parsed values."""

    record_type: RecordType
    paging: Paging
    sort_by: str
    descending: bool
    filters: Mapping[str, Any]
    include_converted: bool = True


def parse_search(
    record_type: RecordType,
    body: Mapping[str, Any],
    query: Mapping[str, str],
    definitions: Definitions,
) -> Search:
    decl = declaration(record_type)
    if not body:
        body = query_filters(decl, query)
    paging = parse_paging(body, query)
    sort_by, descending = parse_sort(
        body, query, decl.sort_keys, decl.default_sort, decl.default_descending
    )
    filters = _filters(decl, body)
    entries = body.get("custom_fields")
    if entries is not None and "custom_fields" in decl.filter_by_key:
        parsed = parse_custom_fields(decl.name, entries, definitions())
        if parsed:
            filters["custom_fields"] = parsed
    include = True
    if decl.converted_column is not None:
        given = body.get("include_converted_leads")
        include = given is not None and v.boolean("include_converted_leads", given)
    return Search(record_type, paging, sort_by, descending, MappingProxyType(filters), include)


def _filters(decl: Declaration, body: Mapping[str, Any]) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for spec in decl.filters:
        given = body.get(spec.key)
        if given is None or spec.kind is FilterKind.CUSTOM_FIELDS:
            continue
        parsed = READERS[spec.kind](spec, spec.key, given)
        if parsed is not None:
            filters[spec.key] = parsed
    for spec in decl.filters:
        if spec.alias_of is not None and spec.key in filters:
            alias = filters.pop(spec.key)
            filters.setdefault(spec.alias_of, alias)
    return filters


def _ids(spec: Filter, field: str, value: Any) -> tuple[int, ...] | None:
    ids = tuple(sorted({v.integer(f, item) for f, item in v.elements(field, value)}))
    return ids or None  # an empty array filters nothing (decision 0201)


def _id_set(spec: Filter, field: str, value: Any) -> IdSet | None:
    ids = _ids(spec, field, value)
    if ids is None:
        return None
    if not spec.none:
        return IdSet(ids, False)
    return IdSet(tuple(i for i in ids if i != NONE_ID), NONE_ID in ids)


def _name(spec: Filter, field: str, value: Any) -> str | None:
    return v.string(field, value) or None


def _phone(spec: Filter, field: str, value: Any) -> str | None:
    text = v.string(field, value)
    if not text.strip():
        return None
    return phone_digits(text) or ""  # no digits at all: matches nothing


def _keys(spec: Filter, field: str, value: Any) -> tuple[str, ...] | None:
    keys = {match_key(v.string(f, item)) for f, item in v.elements(field, value)}
    return tuple(sorted(k for k in keys if k)) or None


def _address(spec: Filter, field: str, value: Any) -> Equals | None:
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


def _tags(spec: Filter, field: str, value: Any) -> Options | None:
    if not isinstance(value, dict):
        return _options(_keys(spec, field, value), "ANY", False)
    option = value.get("option")
    chosen = "ANY" if option is None else v.choice(f"{field}.option", option, TAG_OPTIONS)
    allow = value.get("allow_empty")
    allow_empty = allow is not None and v.boolean(f"{field}.allow_empty", allow)
    given = value.get("value")
    keys = None if given is None else _keys(spec, f"{field}.value", given)
    return _options(keys, chosen, allow_empty)


def _options(keys: tuple[Any, ...] | None, option: str, allow_empty: bool) -> Options | None:
    if not keys and not allow_empty:
        return None
    return Options(option, keys or (), allow_empty)


def _followed(spec: Filter, field: str, value: Any) -> int:
    if type(value) is not int or value not in (1, 2):
        raise BadRequest(f"{field}: must be 1 (followed) or 2 (not followed)")
    return value


def _bound(spec: Filter, field: str, value: Any) -> float | int:
    return v.number(field, value) if spec.number else v.integer(field, value)


def _integer(spec: Filter, field: str, value: Any) -> int:
    return v.integer(field, value)


def _choices(spec: Filter, field: str, value: Any) -> tuple[str, ...] | None:
    found = {v.choice(f, item, spec.choices) for f, item in v.elements(field, value)}
    return tuple(sorted(found)) or None


def _choice_ids(spec: Filter, field: str, value: Any) -> tuple[str, ...] | None:
    ids = _ids(spec, field, value) or ()
    for i in ids:
        if not 0 <= i < len(spec.choices):
            numbered = ", ".join(f"{n} {c}" for n, c in enumerate(spec.choices))
            raise BadRequest(f"{field}: {i} is not one of {numbered}")
    return tuple(sorted({spec.choices[i] for i in ids})) or None


Reader = Callable[[Filter, str, Any], Any]
READERS: Mapping[FilterKind, Reader] = {
    FilterKind.IDS: _ids,
    FilterKind.REF_IDS: _id_set,
    FilterKind.FUZZY_NAME: _name,
    FilterKind.NAME_CONTAINS: _name,
    FilterKind.PHONE: _phone,
    FilterKind.EMAILS: _keys,
    FilterKind.TEXTS: _keys,
    FilterKind.SOCIALS: _keys,
    FilterKind.ADDRESS: _address,
    FilterKind.TAGS: _tags,
    FilterKind.FOLLOWED: _followed,
    FilterKind.AGE: _integer,
    FilterKind.MINIMUM: _bound,
    FilterKind.MAXIMUM: _bound,
    FilterKind.OPPORTUNITIES: _ids,
    FilterKind.CHOICES: _choices,
    FilterKind.CHOICE_IDS: _choice_ids,
    FilterKind.RELATED_IDS: _id_set,
}
"""How each filter kind reads its value (custom fields: custom_field_filters.py)."""
