"""How many records hold ANY of several tags, from the counters and the postings.

A record may hold several of the tags, so their counters overlap and cannot be summed;
gathering the ids of two common tags to count them once took 230 ms at 1,000,000
people. Instead: the most used tag's records come from its counter, and each other
tag adds the records whose postings show none of the tags before it: one index lookup
per posting of the less used tags, or on SQLite, where that reads fewer index entries,
one merge of the tags' postings in record order (decision 0225).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, except_, func, literal, select

from verdigris.search.scope import SEEK_COST, Scope
from verdigris.storage import schema
from verdigris.storage.dialect import in_values
from verdigris.storage.record_tables import id_flag_name


def holders_of_any(
    scope: Scope, counts: Mapping[str, int], unconverted: str | None, limit: int
) -> int:
    """Records holding any tag of `counts` (tag key -> its records, from the counters),
    counting past `limit` no further. `unconverted` names the flag of records the
    counters leave out (converted leads), which the postings must leave out too."""
    tags = sorted(counts, key=lambda tag: (-counts[tag], tag))
    total = counts[tags[0]]
    for i, tag in enumerate(tags[1:], start=1):
        if total >= limit:
            break
        first = _first_holders(scope, tag, tags[:i], counts)
        if unconverted is not None:
            first = first.where(_unconverted(scope, unconverted, first.selected_columns[0]))
        capped = first.limit(limit - total).subquery()
        total += int(scope.conn.execute(select(func.count()).select_from(capped)).scalar_one())
    return total


def _first_holders(
    scope: Scope, tag: str, before: list[str], counts: Mapping[str, int]
) -> Select[Any]:
    """The records holding `tag` and none of `before`."""
    tags = schema.record_tags
    if _merge_pays(scope, counts, tag, before):
        merged = scope.merged(except_, tags, tags.c.tag_key, [tag, *before]).subquery()
        return select(merged.c.record_id)
    posting, other = tags.alias("posting"), tags.alias("other")
    same_record = other.c.record_id == posting.c.record_id
    held_before = scope.child_rows(other, in_values(other.c.tag_key, before), same_record)
    return scope.child_rows(posting, posting.c.tag_key == tag, ~held_before.exists())


def _merge_pays(scope: Scope, counts: Mapping[str, int], tag: str, before: list[str]) -> bool:
    """Whether SQLite reads fewer index entries merging the postings of `tag` and of
    each tag before it (all of them, in record order) than seeking every tag before for
    each posting of `tag`, a seek counted as SEEK_COST entries. A tag's postings beside a
    far more used one's are sought (200 holders of a rare tag, 222,000 of the other:
    9.5 ms sought, 19.8 ms merged). PostgreSQL hashes an EXCEPT: it seeks."""
    if scope.conn.dialect.name != "sqlite":
        return False
    merged = counts[tag] + sum(counts[key] for key in before)
    return merged < SEEK_COST * counts[tag] * len(before)


def _unconverted(scope: Scope, flag: str, record_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """The record of `record_id` has `flag` unset, read from its (account_id, id, flag)
    index: SQLite chose the primary key's, which lacks the flag, and read the record for
    it (a tag's 19,800 postings after another's: 57.6 -> 22.0 ms)."""
    table = scope.table
    record = select(literal(1)).where(
        table.c.account_id == scope.account_id, table.c.id == record_id, ~table.c[flag]
    )
    record = record.with_hint(table, f"INDEXED BY {id_flag_name(table.name, flag)}", "sqlite")
    return record.exists()
