"""Tags (GET /tags): every tag an account uses, with its live count per record type,
read from the tag counters of `value_counts` (never from the records); and the name each
tag is shown by, its first spelling, kept in `tag_names` by every write path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from verdigris.domain.declarations import DECLARATIONS
from verdigris.storage import schema
from verdigris.storage.dialect import insert_ignore

COUNTED = ("people", "leads", "companies", "opportunities", "projects", "tasks")
"""Record types a tag shows a count of (Copper's keys), by plural."""


def remember(conn: Connection, account_id: int, names: Mapping[str, str]) -> None:
    """Keep the first spelling of tags new to the account ({folded tag: spelling})."""
    rows = [{"account_id": account_id, "tag_key": k, "name": n} for k, n in sorted(names.items())]
    insert_ignore(conn, schema.tag_names, rows)


def _counters() -> list[tuple[int, str, str]]:
    """(record type, counter field, plural) of every declared type with tags: a type with
    a converted flag (leads) counts every record under `all:tag`."""
    return [
        (int(d.record_type), "all:tag" if d.converted_column else "tag", d.plural)
        for d in DECLARATIONS
        if d.tags is not None and d.plural in COUNTED
    ]


def list_tags(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    """[{name, count, count_people, ...}] of every tag some record has, by name."""
    vc = schema.value_counts
    counters = _counters()
    plural = {(kind, field): name for kind, field, name in counters}
    rows = conn.execute(
        select(vc.c.record_type, vc.c.field, vc.c.value, vc.c.n).where(
            vc.c.account_id == account_id,
            or_(*(and_(vc.c.record_type == k, vc.c.field == f) for k, f, _ in counters)),
            vc.c.value != "",
            vc.c.n > 0,
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row.value, {})[plural[(row.record_type, row.field)]] = int(row.n)
    names = _names(conn, account_id, counts)
    return [_tag(names.get(key, key), counts[key]) for key in sorted(counts)]


def _names(conn: Connection, account_id: int, keys: Iterable[str]) -> dict[str, str]:
    tn = schema.tag_names
    wanted = list(keys)
    if not wanted:
        return {}
    rows = conn.execute(
        select(tn.c.tag_key, tn.c.name).where(tn.c.account_id == account_id)
    )  # an account has few distinct tags: all of them, rather than a long IN list
    found = dict(rows.tuples().all())
    return {key: found[key] for key in wanted if key in found}


def _tag(name: str, counts: Mapping[str, int]) -> dict[str, Any]:
    shown = {f"count_{plural}": counts.get(plural, 0) for plural in COUNTED}
    return {"name": name, "count": sum(shown.values()), **shown}
