"""A declaration -> its record table's columns and indexes (storage/schema.py builds
the tables from these): account_id, every field's columns (columns.py), an index per
sort key, bound and reference filter, and per address part the padded match keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Index, text

from verdigris.domain.declarations import Declaration
from verdigris.domain.declarations.declaration import FilterKind
from verdigris.domain.declarations.fields import ADDRESS_KEYS, Field
from verdigris.storage.columns import field_columns


def stored_fields(declaration: Declaration) -> tuple[Field, ...]:
    """Every field with columns, in table order: the shown ones, then the stored-only."""
    return (*declaration.fields, *declaration.stored)


def record_columns(declaration: Declaration) -> list[Column[Any]]:
    """account_id, then every field's columns in field order, then the stored-only ones."""
    account = Column("account_id", BigInteger, nullable=False, autoincrement=False)
    return [account, *(c for f in stored_fields(declaration) for c in field_columns(f))]


def indexed_columns(declaration: Declaration) -> list[str]:
    """Columns with an (account_id, column, id) index: every sort column, every bound
    or reference filter's column, and counted references (their delete cascades)."""
    columns = [s.column for s in declaration.sorts]
    kinds = (FilterKind.MINIMUM, FilterKind.MAXIMUM, FilterKind.REF_IDS, FilterKind.CHOICES,
             FilterKind.CHOICE_IDS, FilterKind.RELATED_IDS, FilterKind.TEXTS)  # fmt: skip
    columns += [f.column for f in declaration.filters if f.kind in kinds and f.column]
    columns += [r.column for r in declaration.counted]
    return list(dict.fromkeys(columns))


def record_indexes(declaration: Declaration) -> list[Index]:
    """(account_id, column, id) per indexed column, and a type with a converted flag
    carries it last in each: every search of it leaves converted records out unless
    asked, and reading the flag from the index spares a row read per entry walked or
    counted (1,000,000 leads, page 4,500 by name on PostgreSQL: 773 -> 57 ms). So does
    (account_id, id, flag), for the ids a child-table filter gathers: counted by the
    primary key, each was a row read (57,000 leads of one custom field value: 155 ->
    38 ms)."""
    table = declaration.table
    flag = [declaration.converted_column] if declaration.converted_column else []
    columns = indexed_columns(declaration)
    indexes = [Index(f"ix_{table}_{c}", "account_id", c, "id", *flag) for c in columns]
    if flag:
        indexes.append(Index(id_flag_name(table, flag[0]), "account_id", "id", *flag))
        indexes.append(flag_set_index(table, flag[0]))
    if declaration.address is not None:
        indexes += _padded(table, flag)
        carried = [*declaration.address.carried, *flag]
        indexes += [ranged_index(table, part, column, carried)
                    for part, column in declaration.address.ranged]  # fmt: skip
    return indexes


def flag_set_index(table: str, flag: str) -> Index:
    """(account_id, id) of the records whose flag is set (converted leads): few, so a
    search leaving them out reads their ids once instead of testing each match's flag
    (100,000 leads holding a checkbox counted: SQLite 71 -> 35 ms, PostgreSQL 125 ->
    30 ms). Partial: SQLite's condition is the words its queries use (`flag = 1`)."""
    return Index(
        flag_set_name(table, flag),
        "account_id",
        "id",
        sqlite_where=text(f"{flag} = 1"),
        postgresql_where=text(flag),
    )


def flag_set_name(table: str, flag: str) -> str:
    return f"ix_{table}_{flag}_set"


def id_flag_name(table: str, flag: str) -> str:
    """The index of (account_id, id, flag): a record's flag read by its id alone."""
    return f"ix_{table}_id_{flag}"


def ranged_index(table: str, part: str, column: str, carried: list[str]) -> Index:
    """(account_id, part's sort key, column, id, *carried): the records of one value of
    the part within a range of the column, found as one range of entries. California's
    227,000 of 1,000,000 people, created over 30% of the span: counted in 391 ms from
    the state's index (a row read each), 5 ms from this one. `carried` (the interaction
    count, a type's converted flag) are tested from the same entries: California's
    leads created over half the span with an interaction, 145 -> 26 ms."""
    key, _match = ADDRESS_KEYS[part]
    return Index(f"ix_{table}_{part}_{column}", "account_id", key, column, "id", *carried)


def padded_statistics(declaration: Declaration) -> list[str]:
    """PostgreSQL's statements creating, per address part, the statistics of whether a
    record's match key differs from its sort key (dialect.Uncommon): its planner
    cannot tell how few records that is from the two columns' own statistics (it
    guessed 45,000 people of one country padded, for none, and walked a whole sort
    index looking for them: 2.4 s; judged from these, 0.2 ms)."""
    if declaration.address is None:
        return []
    table = declaration.table
    return [
        f"CREATE STATISTICS IF NOT EXISTS st_{table}_{part}_padded"
        f" ON ({key} IS DISTINCT FROM {match}) FROM {table}"
        for part, (key, match) in ADDRESS_KEYS.items()
    ]


def _padded(table: str, flag: list[str]) -> list[Index]:
    """Per address part, the records whose match key is not their sort key."""
    indexes = []
    for part, (key, match) in ADDRESS_KEYS.items():
        differs = text(f"{key} IS DISTINCT FROM {match}")
        indexes.append(
            Index(
                f"ix_{table}_{part}_padded",
                "account_id",
                match,
                "id",
                *flag,
                postgresql_where=differs,
                sqlite_where=text(f"{key} IS NOT {match}"),
            )  # fmt: skip
        )
    return indexes
