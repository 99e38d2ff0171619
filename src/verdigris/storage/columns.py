"""A declared field -> its table columns and the values a record puts in them; a
declaration -> its record table's columns and indexes (storage/schema.py builds the
tables from these, storage/projection.py the rows).

Each table holds the rendered scalars, its lists as JSON text (read back as they were
written), and folded search columns (`*_key` sort keys, `*_match` equality keys). Each
kind's columns and values are written side by side below: they must agree in number
and order (tests/storage/test_columns.py holds them to it). Values are computed for a
million records per load: values that repeat across records (places, tags, titles) are
folded once, in a bounded cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import singledispatch
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    SmallInteger,
    String,
    Text,
)

from verdigris.domain.dates import date_seconds
from verdigris.domain.declarations.fields import (
    ADDRESS_KEYS,
    Address,
    Choice,
    Count,
    CustomFields,
    DateText,
    Entries,
    Entry,
    Field,
    Flag,
    Id,
    Joined,
    JoinedKey,
    JsonList,
    Null,
    Number,
    Ref,
    Related,
    Tags,
    Timestamp,
)
from verdigris.domain.declarations.fields import Integer as IntegerField
from verdigris.domain.declarations.fields import Text as TextField
from verdigris.domain.text import match_key, sort_key
from verdigris.domain.types import Record

SortKey = Text().with_variant(Text(collation="C"), "postgresql")
"""Folded text compared code point by code point (SQLite's BINARY; on PostgreSQL the
database default collation would reorder it, so the column says "C")."""
LookupKey = SortKey
"""Text looked up by equality only (tags, emails, name tokens...): "C" on PostgreSQL
too, where it changes no answer and lets index builds sort by abbreviated keys,
several times faster than the database's collation (decision 0302)."""

CustomValues = dict[str, Any]
"""A record's custom field values as stored: {definition id: value}, none blank."""

_EMPTY_LIST = "[]"
_NO_FOLDS: tuple[None, None] = (None, None)
_FOLDS: dict[str, tuple[str | None, str | None]] = {}
_MAX_FOLDS = 1 << 18


def dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def folds(value: object) -> tuple[str | None, str | None]:
    """(sort key, match key) of a value that repeats across records, folded once."""
    if type(value) is not str:
        return _NO_FOLDS
    found = _FOLDS.get(value)
    if found is None:
        if len(_FOLDS) >= _MAX_FOLDS:
            _FOLDS.clear()
        found = _FOLDS[value] = (sort_key(value), match_key(value))
    return found


def first_key(items: object, key: str) -> str | None:
    """The sort key of the first entry's `key` (emails, phones, socials sort by it)."""
    if type(items) is list and items and type(items[0]) is dict:
        return sort_key(items[0].get(key))
    return None


def list_json(items: object) -> str:
    return dumps(items) if items else _EMPTY_LIST


def _key(name: str) -> Column[Any]:
    return Column(name, SortKey)


def _json(name: str, empty: str) -> Column[Any]:
    return Column(name, Text, nullable=False, default=empty)


@singledispatch
def field_columns(field: Field) -> list[Column[Any]]:
    """The columns that store `field`, in the order of its `field_values`."""
    raise TypeError(f"no columns for {type(field).__name__}")


@singledispatch
def field_values(field: Field) -> list[str]:
    """Python expressions of `field`'s column values, one per column (a starred one may
    give several), over the names `record`, `get` (its .get), `custom` (its stored
    custom values) and the functions of ROW_FUNCTIONS; see row_function."""
    raise TypeError(f"no values for {type(field).__name__}")


@field_columns.register
def _(field: Id) -> list[Column[Any]]:
    return [Column(field.column, BigInteger, nullable=False, autoincrement=False)]


@field_columns.register
def _(field: Ref) -> list[Column[Any]]:
    return [Column(field.column, BigInteger)]


@field_columns.register
def _(field: IntegerField) -> list[Column[Any]]:
    return [Column(field.column, Integer)]


@field_values.register(Id)
@field_values.register(Ref)
@field_values.register(IntegerField)
@field_values.register(JoinedKey)
def _(field: Field) -> list[str]:
    return [f"get({field.name!r})"]


@field_columns.register
def _(field: TextField) -> list[Column[Any]]:
    columns = [Column(field.column, Text, nullable=not field.required)]
    keys = [key for key in (field.sort_key, field.match_key) if key]
    return columns + [_key(key) for key in keys]


@field_values.register
def _(field: TextField) -> list[str]:
    value = f"get({field.name!r})"
    if field.sort_key is None and field.match_key is None:
        return [value]
    # Names are mostly unique: caching their folds would only churn the cache.
    fold = "sort_key(v)" if field.name_part else "folds(v)[0]"
    keys = ([fold] if field.sort_key else []) + (["match_key(v)"] if field.match_key else [])
    return [f"(v := {value})", *keys]


@field_columns.register
def _(field: DateText) -> list[Column[Any]]:
    return [Column(field.column, Text), Column(field.date_key, BigInteger)]


@field_values.register
def _(field: DateText) -> list[str]:
    return [f"(v := get({field.name!r}))", "date_seconds(v)"]


@field_columns.register
def _(field: JoinedKey) -> list[Column[Any]]:
    return [_key(field.column)]


@field_columns.register
def _(field: Timestamp) -> list[Column[Any]]:
    return [Column(field.column, BigInteger, nullable=field.nullable)]


@field_values.register
def _(field: Timestamp) -> list[str]:
    value = f"get({field.name!r})"
    if field.default_from is None:
        return [value]
    return [f"v if (v := {value}) is not None else get({field.default_from!r})"]


@field_columns.register
def _(field: Count) -> list[Column[Any]]:
    return [Column(field.column, Integer, nullable=False, default=0)]


@field_values.register
def _(field: Count) -> list[str]:
    return [f"get({field.name!r}) or 0"]


@field_columns.register
def _(field: Number) -> list[Column[Any]]:
    return [Column(field.column, Float)]


@field_values.register
def _(field: Number) -> list[str]:
    return [f"None if (v := get({field.name!r})) is None else float(v)"]


@field_columns.register(Joined)
@field_columns.register(Null)
def _(field: Field) -> list[Column[Any]]:
    return []


@field_values.register(Joined)
@field_values.register(Null)
def _(field: Field) -> list[str]:
    return []


@field_columns.register
def _(field: Choice) -> list[Column[Any]]:
    rank = [Column(field.rank_key, SmallInteger)] if field.rank_key else []
    return [Column(field.column, Text, nullable=False, default=field.default), *rank]


@field_values.register
def _(field: Choice) -> list[str]:
    value = f"get({field.name!r}) or {field.default!r}"
    if field.rank_key is None:
        return [value]
    ranks = {choice: i for i, choice in enumerate(field.choices)}
    return [f"(v := {value})", f"{ranks!r}.get(v)"]


@field_columns.register
def _(field: Address) -> list[Column[Any]]:
    keys = [_key(key) for key, _ in ADDRESS_KEYS.values()]
    matches = [_key(match) for _, match in ADDRESS_KEYS.values()]
    return [Column(field.column, Text), *keys, *matches]


@field_values.register
def _(field: Address) -> list[str]:
    return [f"*address_values(get({field.name!r}))"]


_NO_ADDRESS = (None,) * (1 + 2 * len(ADDRESS_KEYS))
_PARTS = tuple(ADDRESS_KEYS)


def address_values(address: object) -> tuple[str | None, ...]:
    """The address as JSON, its parts' sort keys, then their match keys."""
    if type(address) is not dict:
        return _NO_ADDRESS
    keys = [folds(address.get(part)) for part in _PARTS]
    return (dumps(address), *(k[0] for k in keys), *(k[1] for k in keys))


@field_columns.register
def _(field: Entries) -> list[Column[Any]]:
    key = [_key(field.first_key)] if field.first_key else []
    return [_json(field.column, _EMPTY_LIST), *key]


@field_values.register
def _(field: Entries) -> list[str]:
    if field.first_key is None:
        return [f"list_json(get({field.name!r}))"]
    return [f"list_json(v := get({field.name!r}))", f"first_key(v, {field.item!r})"]


@field_columns.register
def _(field: Entry) -> list[Column[Any]]:
    key = [_key(field.first_key)] if field.first_key else []
    return [Column(field.column, Text), *key]


@field_values.register
def _(field: Entry) -> list[str]:
    text = f"None if (v := get({field.name!r})) is None else dumps(v)"
    if field.first_key is None:
        return [text]
    return [text, f"sort_key(v.get({field.item!r})) if type(v) is dict else None"]


@field_columns.register
def _(field: Related) -> list[Column[Any]]:
    return [Column("related_type", String(16)), Column("related_id", BigInteger)]


@field_values.register
def _(field: Related) -> list[str]:
    return [f"*related_values(get({field.name!r}))"]


def related_values(resource: object) -> tuple[str | None, int | None]:
    """(type, id) of a related resource `{"id", "type"}`, or (None, None)."""
    if type(resource) is dict and resource.get("id") is not None:
        return resource.get("type"), resource.get("id")
    return None, None


@field_columns.register(Tags)
@field_columns.register(JsonList)
def _(field: Field) -> list[Column[Any]]:
    return [_json(field.column, _EMPTY_LIST)]


@field_values.register(Tags)
@field_values.register(JsonList)
def _(field: Field) -> list[str]:
    return [f"list_json(get({field.name!r}))"]


@field_columns.register
def _(field: CustomFields) -> list[Column[Any]]:
    return [_json(field.column, "{}")]  # {definition id: value}


@field_values.register
def _(field: CustomFields) -> list[str]:
    return ["dumps(custom)"]


@field_columns.register
def _(field: Flag) -> list[Column[Any]]:
    return [Column(field.column, Boolean, nullable=False, default=False)]


@field_values.register
def _(field: Flag) -> list[str]:
    return [f"derived[{field.name!r}](record)"]


ROW_FUNCTIONS: dict[str, Any] = {
    "sort_key": sort_key, "folds": folds, "dumps": dumps, "list_json": list_json,
    "first_key": first_key, "address_values": address_values, "match_key": match_key,
    "date_seconds": date_seconds, "related_values": related_values,
}  # fmt: skip
RowFunction = Callable[[int, Record, CustomValues], tuple[Any, ...]]


def row_function(fields: Sequence[Field]) -> RowFunction:
    """One function of (account id, record, custom values) giving the record's row,
    compiled from the fields' value expressions: a row is built a million times in a
    load, and one tuple expression costs a third less than a call per field."""
    values = ", ".join(value for f in fields for value in field_values(f))
    source = (
        "def row(account_id, record, custom):\n"
        "    get = record.get\n"
        f"    return (account_id, {values})\n"
    )
    derived = {f.name: f.derive for f in fields if isinstance(f, Flag)}
    namespace = {**ROW_FUNCTIONS, "derived": derived}
    exec(compile(source, "<row function>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace["row"]  # type: ignore[no-any-return]


def value_columns(field: Field) -> list[str]:
    """The columns holding a field's value as rendered (not its search keys)."""
    columns = [str(c.name) for c in field_columns(field)]
    return columns if isinstance(field, Related) else columns[:1]
