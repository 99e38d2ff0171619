"""Sorting and capped totals of the searches of companies, opportunities and activities
(paging itself is domain/paging.py; X-PW-TOTAL counts at most 100,001 rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from verdigris.domain.paging import MAX_REACHABLE, Paging, parse_direction, parse_paging
from verdigris.errors import BadRequest


@dataclass(frozen=True)
class Page:
    """Paging plus the sort of a listing search."""

    paging: Paging
    sort_by: str
    descending: bool = False


def parse_page(
    body: Mapping[str, Any],
    query: Mapping[str, str],
    sort_keys: Sequence[str],
    default: str,
    default_direction: str = "asc",
) -> Page:
    """The paging and sort of a search body, with every 400 of SPEC.md 3."""
    paging = parse_paging(body, query)
    sort_by = body.get("sort_by")
    if sort_by is None:
        sort_by = query.get("sort_by") or default
    if sort_by not in sort_keys:
        raise BadRequest(f"sort_by: must be one of {', '.join(sort_keys)}")
    given = body.get("sort_direction") is not None or query.get("sort_direction")
    descending = parse_direction(body, query) if given else default_direction == "desc"
    return Page(paging, sort_by, descending)


def order(column: ColumnElement[Any], descending: bool) -> list[ColumnElement[Any]]:
    """Empty values last in both directions, then the column, then nothing (caller adds id)."""
    return [column.is_(None), column.desc() if descending else column.asc()]


def page_ids(conn: Connection, query: Select[Any], page: Page) -> tuple[list[int], int]:
    """(ids on the page, capped total) of `query`, a select of ids already ordered."""
    capped = query.order_by(None).limit(MAX_REACHABLE + 1).subquery()
    total = min(int(conn.execute(select(func.count()).select_from(capped)).scalar_one()),
                MAX_REACHABLE)  # fmt: skip
    window = page.paging.window()
    if window is None or window[0] >= total:
        return [], total
    ids = conn.execute(query.offset(window[0]).limit(window[1])).scalars().all()
    return [int(i) for i in ids], total
