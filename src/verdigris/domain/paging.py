"""Paging of every /search route (SPEC.md 3): page_size 1..200, page_number >= 1, read
from the body or else the query string; only the first 100,000 matches are reachable."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from verdigris.errors import BadRequest

MAX_REACHABLE = 100_000
"""Only the first 100,000 matches can be paged to; X-PW-TOTAL never exceeds it."""
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20
_QUERY_INT = re.compile(r"-?[0-9]{1,18}")


@dataclass(frozen=True)
class Paging:
    number: int = 1
    size: int = DEFAULT_PAGE_SIZE

    def window(self) -> tuple[int, int] | None:
        """(offset, limit) of this page within the reachable matches, None past them."""
        offset = (self.number - 1) * self.size
        if offset >= MAX_REACHABLE:
            return None
        return offset, min(self.size, MAX_REACHABLE - offset)


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
    if type(value) is not int:  # bool is an int to Python, not to a JSON client
        raise BadRequest(f"{key}: must be an integer")
    return value


def parse_direction(body: Mapping[str, Any], query: Mapping[str, str]) -> bool:
    """True for a descending `sort_direction` (asc or desc, any case; default asc)."""
    value = body.get("sort_direction")
    if value is None:
        value = query.get("sort_direction") or "asc"
    if not isinstance(value, str) or value.lower() not in ("asc", "desc"):
        raise BadRequest(f"sort_direction: must be asc or desc, got {str(value)[:40]!r}")
    return value.lower() == "desc"
