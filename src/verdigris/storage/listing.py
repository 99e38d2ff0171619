"""Paging, sorting and totals of the searches of companies, opportunities and activities.

SPEC.md 3 paging: page_size 1..200 (default 20), page_number >= 1, from the body or else
the query string; X-PW-TOTAL counts at most 100,001 rows; only the first 100,000 matches
can be paged to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from verdigris.errors import BadRequest

MAX_REACHABLE = 100_000
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    number: int = 1
    size: int = DEFAULT_PAGE_SIZE
    sort_by: str | None = None
    descending: bool = False


def _param(body: Mapping[str, Any], query: Mapping[str, str], key: str) -> Any:
    value = body.get(key)
    return query.get(key) if value is None else value


def _int_param(body: Mapping[str, Any], query: Mapping[str, str], key: str, default: int) -> int:
    value = _param(body, query, key)
    if value is None:
        return default
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise BadRequest(f"{key}: must be an integer")
    return int(value)


def parse_page(
    body: Mapping[str, Any],
    query: Mapping[str, str],
    sort_keys: Sequence[str],
    default: str,
    default_direction: str = "asc",
) -> Page:
    """The paging and sort of a search body, with every 400 of SPEC.md 3."""
    size = _int_param(body, query, "page_size", DEFAULT_PAGE_SIZE)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(f"page_size: must be between 1 and {MAX_PAGE_SIZE}")
    number = _int_param(body, query, "page_number", 1)
    if number < 1:
        raise BadRequest("page_number: must be at least 1")
    sort_by = _param(body, query, "sort_by") or default
    if sort_by not in sort_keys:
        raise BadRequest(f"sort_by: must be one of {', '.join(sort_keys)}")
    direction = _param(body, query, "sort_direction") or default_direction
    if not isinstance(direction, str) or direction.lower() not in ("asc", "desc"):
        raise BadRequest("sort_direction: must be asc or desc")
    return Page(number, size, sort_by, direction.lower() == "desc")


def order(column: ColumnElement[Any], descending: bool) -> list[ColumnElement[Any]]:
    """Empty values last in both directions, then the column, then nothing (caller adds id)."""
    return [column.is_(None), column.desc() if descending else column.asc()]


def page_ids(conn: Connection, query: Select[Any], page: Page) -> tuple[list[int], int]:
    """(ids on the page, capped total) of `query`, a select of ids already ordered."""
    capped = query.order_by(None).limit(MAX_REACHABLE + 1).subquery()
    total = min(int(conn.execute(select(func.count()).select_from(capped)).scalar_one()),
                MAX_REACHABLE)  # fmt: skip
    offset = (page.number - 1) * page.size
    if offset >= min(total, MAX_REACHABLE):
        return [], total
    limit = min(page.size, MAX_REACHABLE - offset)
    ids = conn.execute(query.offset(offset).limit(limit)).scalars().all()
    return [int(i) for i in ids], total
