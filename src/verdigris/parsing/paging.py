"""Paging and sort order of every /search route (SPEC.md 3): page_size 1..200,
page_number >= 1, sort_direction asc or desc; each read from the body, else the query
string (real clients send them there), else its default."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from verdigris.domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Paging
from verdigris.errors import BadRequest
from verdigris.parsing import values as v

DIRECTIONS = ("asc", "desc")
_QUERY_INT = re.compile(r"-?[0-9]{1,18}")


def parse_paging(body: Mapping[str, Any], query: Mapping[str, str]) -> Paging:
    """`page_number` and `page_size` from the body, else the query string, else defaults."""
    number = _paging_int(body, query, "page_number", 1)
    size = _paging_int(body, query, "page_size", DEFAULT_PAGE_SIZE)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(f"page_size: must be from 1 to {MAX_PAGE_SIZE}, got {size}")
    if number < 1:
        raise BadRequest(f"page_number: must be at least 1, got {number}")
    return Paging(number, size)


def _paging_int(body: Mapping[str, Any], query: Mapping[str, str], key: str, default: int) -> int:
    value = body.get(key)
    if value is None:
        raw = query.get(key)
        if raw is None or raw == "":
            return default
        if not _QUERY_INT.fullmatch(raw.strip()):
            raise BadRequest(f"{key}: must be an integer, got {raw[:40]!r}")
        return int(raw)
    return v.integer(key, value)


def from_either(body: Mapping[str, Any], query: Mapping[str, str], key: str) -> Any:
    """The body's value of `key`, else the query string's (an empty one is not given)."""
    value = body.get(key)
    return query.get(key) or None if value is None else value


def parse_sort(
    body: Mapping[str, Any],
    query: Mapping[str, str],
    sort_keys: Sequence[str],
    default: str,
    default_descending: bool = False,
) -> tuple[str, bool]:
    """(sort_by, descending): an unknown sort key or direction is 400."""
    given = from_either(body, query, "sort_by")
    sort_by = default if given is None else v.string("sort_by", given)
    if sort_by not in sort_keys:
        raise BadRequest(f"sort_by: {sort_by[:40]!r} is not one of {', '.join(sort_keys)}")
    direction = from_either(body, query, "sort_direction")
    if direction is None:
        return sort_by, default_descending
    return sort_by, v.choice("sort_direction", direction, DIRECTIONS) == "desc"
