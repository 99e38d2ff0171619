"""What a filter clause is built against: the account, the requesting user, the clock,
and the record table; plus the two shapes every child-table filter takes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Select,
    Table,
    and_,
    distinct,
    false,
    func,
    intersect,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Exists, FromClause
from sqlalchemy.sql.util import ClauseAdapter

from verdigris.domain.types import RecordType
from verdigris.parsing.terms import Options
from verdigris.storage import schema
from verdigris.storage.dialect import RowTest, in_values

_FEW = 8
"""ALL of up to this many values: one value's ids, each looked up for the others; above
it one GROUP BY ... HAVING."""
SEEK_COST = 8
"""An index seek costs SQLite about what this many entries of a run read in order do:
a seek per holder of a tag took 0.6-0.8 us, merging two tags' runs 0.08-0.14 us an
entry (1,000,000 people; hot + event, prospect + customer, enterprise + customer)."""


@dataclass(frozen=True)
class Scope:
    conn: Connection
    account_id: int
    user_id: int
    now: int
    record_type: RecordType
    tag_holders: Mapping[str, int] = field(default_factory=dict, compare=False)
    """Records holding each tag of an ALL filter, from the counters: how _holds_all
    finds the matches."""
    name_tokens: dict[str, list[str]] = field(default_factory=dict, compare=False)
    """The vocabulary tokens a name query matched (name_match.tokens_of), read once a
    search: a name search the token index gives back to the general plan reads them
    for its clause too."""
    counted: dict[tuple[str, str], int] = field(default_factory=dict, compare=False)
    """Counters read so far in the search, by (field, value): execute._each_counted."""

    @property
    def table(self) -> Table:
        return schema.RECORD_TABLES[self.record_type]

    def child_ids(
        self,
        child: Table,
        *conditions: ColumnElement[bool],
        values: int = 1,
        once: Callable[[], Select[Any] | CompoundSelect[Any]] | None = None,
    ) -> RowTest:
        """The record's id is among those of `child` rows meeting `conditions`: gathered
        through the child's value index to count or sort the matches; on a walk of a
        sort index, which tests only the rows it passes, looked up for each one through
        the child's primary key, which starts with the record (gathering the ids of a
        tag held by 234,000 people first took 100 ms there). `values`: how many values
        the conditions name, each a seek per row (paging weighs them against gathering).
        `once`: the same ids, each record once, read from the value index alone (see
        `each_once`), for a search with no other filter to count."""
        rows = self.child_rows(child, *conditions)
        one = rows.where(child.c.record_id == self.table.c.id)
        # A value index would have SQLite seek every value, or read a range of them.
        one = one.with_hint(child, "NOT INDEXED", "sqlite")
        return RowTest(self.table.c.id.in_(rows), one.exists(), ids=once, seeks=values)

    def each_once(
        self,
        child: Table,
        column: ColumnElement[Any],
        values: list[Any],
        conditions: tuple[ColumnElement[bool], ...],
    ) -> Select[Any] | CompoundSelect[Any]:
        """The records with a `child` row holding any of `values` in `column`, each once:
        each value's rows whose record holds none of the values before it (one seek of
        the child's primary key per row of a later value). Counting the ids of two
        common MultiSelect options this way took 13 ms at 1,000,000 people, where
        testing each person against the gathered ids took 120 ms (SQLite) and a
        DISTINCT 150 ms (PostgreSQL)."""
        parts = []
        for i, value in enumerate(values):
            rows = self.child_rows(child, *conditions, column == value)
            if i:
                rows = rows.where(~self._also_held(child, column, values[:i], conditions))
            parts.append(rows)
        return parts[0] if len(parts) == 1 else union_all(*parts)

    def _also_held(
        self,
        child: Table,
        column: ColumnElement[Any],
        held: Any,
        conditions: tuple[ColumnElement[bool], ...],
    ) -> Exists:
        """Whether the record of a `child` row has a row (meeting `conditions`) holding
        `held` in `column` (a value, or any of a list): one seek of the child's primary
        key, which starts with the record."""
        other = child.alias("other")
        on_other = ClauseAdapter(other).traverse
        value = on_other(column)
        test = in_values(value, held) if isinstance(held, list) else value == held
        same_record = other.c.record_id == child.c.record_id
        adapted = [on_other(condition) for condition in conditions]
        return self.child_rows(other, same_record, *adapted, test).exists()

    def child_rows(self, child: FromClause, *conditions: ColumnElement[bool]) -> Select[Any]:
        """The record ids of the account's `child` rows of this type meeting `conditions`."""
        return select(child.c.record_id).where(
            child.c.account_id == self.account_id,
            child.c.record_type == int(self.record_type),
            *conditions,
        )

    def options(
        self,
        child: Table,
        column: ColumnElement[Any],
        spec: Options,
        *conditions: ColumnElement[bool],
    ) -> ColumnElement[bool]:
        """ANY / ALL / NONE of `spec.values` in `column` of `child`, plus records with no
        `child` rows at all when `allow_empty` (tags, MultiSelect, Dropdown)."""
        values: list[int | str] = list(spec.values)
        if not values:
            matched: ColumnElement[bool] = false()
        elif spec.option == "ALL":
            matched = self._holds_all(child, column, values, conditions)
        else:
            listed = in_values(column, values)
            # Each (record, value) is one row at most: tags, options (projection.py).
            once = partial(self.each_once, child, column, values, conditions)
            matched = self.child_ids(child, *conditions, listed, values=len(values), once=once)
            matched = ~matched if spec.option == "NONE" else matched
        if not spec.allow_empty:
            return matched
        empty = ~self.child_ids(child, *conditions)
        return or_(matched, empty) if values else empty

    def _holds_all(
        self,
        child: Table,
        column: ColumnElement[Any],
        values: list[Any],
        conditions: tuple[ColumnElement[bool], ...],
    ) -> ColumnElement[bool]:
        """ALL of a few values: the first value's rows whose record holds each other
        value, looked up through the child's primary key, which starts with the record
        (gathering every value's ids to intersect them took twice as long for two common
        tags on PostgreSQL, and more where each id gathered costs a record read: a
        lead's flag); on SQLite, every value's run merged where the counters show that
        reads less (_merge_pays). Callers that can name the least held value first
        (execute.py does for tags). More values: the records with a row of each,
        counted in one GROUP BY."""
        if len(values) > _FEW:
            ids = self.child_rows(child, *conditions, in_values(column, values))
            held = ids.group_by(child.c.record_id).having(
                func.count(distinct(column)) == len(values)
            )
            return self.table.c.id.in_(held)
        each = and_(*(self.child_ids(child, *conditions, column == v).row for v in values))
        merged = partial(self._intersected, child, column, values, conditions)
        merge = self._merge_pays(child, values)
        if merge:
            found = merged()  # built once, for the gathered form and the count alike
            return RowTest(self.table.c.id.in_(found), each, ids=lambda: found, seeks=len(values))
        first, *others = values
        holds = [self._also_held(child, column, value, conditions) for value in others]
        rows = self.child_rows(child, *conditions, column == first, *holds)
        # Each record holds the first value once: its rows are the matches, each once.
        counted: Callable[[], Select[Any] | CompoundSelect[Any]] = lambda: rows  # noqa: E731
        if merge is None:  # SQLite, the counters silent: a count merges (decision 0207)
            counted = merged
        return RowTest(self.table.c.id.in_(rows), each, ids=counted, seeks=len(values))

    def _merge_pays(self, child: Table, values: list[Any]) -> bool | None:
        """Whether SQLite reads fewer index entries merging every value's run of
        holders than seeking each other value for every holder of the first (the
        least held); None where the counters do not say. Never on PostgreSQL, which
        hashes an INTERSECT."""
        if self.conn.dialect.name != "sqlite":
            return False
        held = self.tag_holders if child is schema.record_tags else {}
        if not all(str(value) in held for value in values):
            return None
        counts = [held[str(value)] for value in values]
        return sum(counts) < SEEK_COST * counts[0] * (len(values) - 1)

    def _intersected(
        self,
        child: Table,
        column: ColumnElement[Any],
        values: list[Any],
        conditions: tuple[ColumnElement[bool], ...],
    ) -> CompoundSelect[Any]:
        """The records holding each of `values`, each once, for a count: every value's
        rows in record order (its value index), intersected by SQLite in one merge of
        the runs (people holding two common tags: 146 -> 42 ms, where a seek per row of
        the first tag was the plan). PostgreSQL hashes an INTERSECT (132 ms) and keeps
        the seeks (58 ms)."""
        return self.merged(intersect, child, column, values, conditions)

    def merged(
        self,
        combine: Callable[..., CompoundSelect[Any]],
        child: Table,
        column: ColumnElement[Any],
        values: Sequence[Any],
        conditions: tuple[ColumnElement[bool], ...] = (),
    ) -> CompoundSelect[Any]:
        """Each value's record ids (its run of `child`'s value index, in record order)
        combined by `combine` (`intersect`, `except_`) and ordered by record: SQLite then
        merges the runs as it reads them, sorting nothing."""
        each = [self.child_rows(child, *conditions, column == value) for value in values]
        return in_record_order(combine(*each))


def in_record_order(combined: CompoundSelect[Any]) -> CompoundSelect[Any]:
    """`combined` ordered by its one column, the record: SQLite then merges its parts'
    runs (each read from an index in record order) as it reads them, sorting nothing."""
    return combined.order_by(combined.selected_columns[0])
