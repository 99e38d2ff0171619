"""The fast check of a batch of records: a key at a time, with type tests over whole
columns, for the common well-formed batch.

False means "maybe wrong somewhere": the detailed checkers (record_checks.py) then go
record by record to find the first error and word it. Anything they refuse, this
refuses too (tests/snapshot/test_fast_check.py), except NUL characters in strings,
which the caller rules out for the whole batch text at once (`may_hold_nul`). The kind
of each key is derived from its field's kind; a field kind without a fast form sends
its batch down the detailed path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import IntEnum
from functools import cache, singledispatch
from operator import itemgetter
from typing import Any

from verdigris.domain import custom_fields as cf
from verdigris.domain.declarations import declaration
from verdigris.domain.declarations.fields import (
    ADDRESS_PARTS,
    Address,
    Count,
    CustomFields,
    Entries,
    Entry,
    Field,
    Id,
    Joined,
    JsonList,
    Number,
    Ref,
    Tags,
    Text,
    Timestamp,
)
from verdigris.domain.numbers import INT32_MAX, INT64_MAX, INT64_MIN, is_number
from verdigris.domain.types import RecordType
from verdigris.snapshot.format import AccountRefs, CustomField
from verdigris.snapshot.record_checks import snapshot_fields


class Kind(IntEnum):
    """What a key's values must be, for the fast check."""

    TEXT = 0  # a string or null
    INT = 1  # a 64-bit integer or null
    NUMBER = 2  # a finite number within +-2**53, or null
    COUNT = 3  # a non-negative 32-bit integer or null
    ADDRESS = 4  # an address object or null
    ENTRIES = 5  # a list of {item, category}
    ENTRY = 6  # one {item, category} or null
    TAGS = 7  # a list of strings
    IDS = 8  # a list of 64-bit integers (followers)
    CUSTOM = 9  # a list of {custom_field_definition_id, value}
    OBJECTS = 10  # a list of objects


FastKinds = Mapping[str, tuple[Kind, str]]
"""Key -> (its kind, the item key of its entries)."""


@singledispatch
def field_kind(field: Field) -> Kind | None:
    """The fast kind of a field, or None when it has none."""
    return None


@field_kind.register(Text)
@field_kind.register(Joined)
def _(field: Field) -> Kind | None:
    return Kind.TEXT if not isinstance(field, Text) or not field.required else None


@field_kind.register(Id)
@field_kind.register(Ref)
@field_kind.register(Timestamp)
def _(field: Field) -> Kind | None:
    return Kind.INT


@field_kind.register
def _(field: Number) -> Kind | None:
    return Kind.NUMBER


@field_kind.register
def _(field: Count) -> Kind | None:
    return Kind.COUNT


@field_kind.register
def _(field: Address) -> Kind | None:
    return Kind.ADDRESS


@field_kind.register
def _(field: Entries) -> Kind | None:
    return Kind.ENTRIES


@field_kind.register
def _(field: Entry) -> Kind | None:
    return Kind.ENTRY


@field_kind.register
def _(field: Tags) -> Kind | None:
    return Kind.TAGS


@field_kind.register
def _(field: CustomFields) -> Kind | None:
    return Kind.CUSTOM


@field_kind.register
def _(field: JsonList) -> Kind | None:
    return Kind.OBJECTS


@cache
def fast_kinds(record_type: RecordType) -> FastKinds | None:
    """The fast kinds of a record type's snapshot keys; None when one has no fast form."""
    kinds: dict[str, tuple[Kind, str]] = {"followers": (Kind.IDS, "")}
    for field in snapshot_fields(declaration(record_type)):
        kind = field_kind(field)
        if kind is None:
            return None
        kinds[field.name] = (kind, getattr(field, "item", ""))
    return kinds


_ADDRESS_KEYS = frozenset(ADDRESS_PARTS)
_CUSTOM_KEYS = frozenset(("custom_field_definition_id", "value"))
_NONE = type(None)
_TEXT: frozenset[type] = frozenset((str, _NONE))
_INT: frozenset[type] = frozenset((int, _NONE))
_LIST: frozenset[type] = frozenset((list,))
_ALLOWED: dict[Kind, frozenset[type]] = {
    Kind.TEXT: _TEXT, Kind.INT: _INT, Kind.NUMBER: frozenset((int, float, _NONE)),
    Kind.COUNT: _INT, Kind.ADDRESS: frozenset((dict, _NONE)),
    Kind.ENTRY: frozenset((dict, _NONE)), Kind.ENTRIES: _LIST, Kind.TAGS: _LIST,
    Kind.IDS: _LIST, Kind.CUSTOM: _LIST, Kind.OBJECTS: _LIST,
}  # fmt: skip


class _Missing:
    """The value of a key a record does not have (every key but `id` may be left out)."""


_MISSING = _Missing()


def may_hold_nul(text: bytes) -> bool:
    """Whether a JSON text may hold a NUL character: only the escape can write one."""
    return b"\\u0000" in text


def plainly_valid(records: list[Any], kinds: FastKinds) -> bool:
    """True when every record passes its type's detailed checker."""
    if not records:
        return True
    if any(type(r) is not dict for r in records):
        return False
    for key, values in _columns(records):
        found = kinds.get(key)
        if found is None:
            return False
        kind, item = found
        types = set(map(type, values))
        if _Missing in types:
            if key == "id":
                return False
            types.discard(_Missing)
            values = [v for v in values if v is not _MISSING]
        allowed = _ALLOWED[kind] if key != "id" else {int}
        if not types <= allowed or not _plain_column(kind, item, values):
            return False
    return True


def _columns(records: list[dict[str, Any]]) -> Iterator[tuple[str, Sequence[Any]]]:
    """(key, the records' values of it) for every key any record has, `_MISSING` where
    a record lacks it; `id` always. Records of one file mostly share their keys: then
    the values are taken a record at a time, in one pass."""
    first = records[0].keys()
    if "id" in first and all(map(first.__eq__, map(dict.keys, records))):
        keys = list(first)
        if len(keys) == 1:
            yield keys[0], [r[keys[0]] for r in records]
            return
        yield from zip(keys, zip(*map(itemgetter(*keys), records), strict=True), strict=True)
        return
    keys = list(dict.fromkeys(k for r in records for k in r))
    if "id" not in keys:
        keys.append("id")
    for key in keys:
        yield key, [r.get(key, _MISSING) for r in records]


def _in_range(numbers: list[int], low: int, high: int) -> bool:
    return not numbers or (low <= min(numbers) and max(numbers) <= high)


def _flat(lists: Iterable[Any]) -> list[Any]:
    return [item for items in lists for item in items]


def _plain_column(kind: Kind, item: str, values: Sequence[Any]) -> bool:
    """The checks of one key beyond the types of its values."""
    check = _COLUMN_CHECKS.get(kind)
    return check is None or check(item, values)


def _ints(item: str, values: Sequence[Any]) -> bool:
    return _in_range([v for v in values if type(v) is int], INT64_MIN, INT64_MAX)


def _numbers(item: str, values: Sequence[Any]) -> bool:
    return all(is_number(v) for v in values if v is not None)


def _counts(item: str, values: Sequence[Any]) -> bool:
    return _in_range([v for v in values if v is not None], 0, INT32_MAX)


def _tags(item: str, values: Sequence[Any]) -> bool:
    return set(map(type, _flat(values))) <= {str}


def _ids(item: str, values: Sequence[Any]) -> bool:
    ids = _flat(values)
    return set(map(type, ids)) <= {int} and _in_range(ids, INT64_MIN, INT64_MAX)


def _objects(item: str, values: Sequence[Any]) -> bool:
    return set(map(type, _flat(values))) <= {dict}


def _addresses(item: str, values: Sequence[Any]) -> bool:
    addresses = [v for v in values if v is not None]
    return all(map(_ADDRESS_KEYS.issuperset, addresses)) and (
        set(map(type, _flat([a.values() for a in addresses]))) <= _TEXT
    )


def _entries(item: str, values: Sequence[Any]) -> bool:
    return _plain_entries(_flat(values), item)


def _entry(item: str, values: Sequence[Any]) -> bool:
    return _plain_entries([v for v in values if v is not None], item)


def _custom(item: str, values: Sequence[Any]) -> bool:
    entries = _flat(values)
    return (
        set(map(type, entries)) <= {dict}
        and all(map(_CUSTOM_KEYS.issuperset, entries))
        and {type(e.get("custom_field_definition_id")) for e in entries} <= {int}
    )


_COLUMN_CHECKS: dict[Kind, Callable[[str, Sequence[Any]], bool]] = {
    Kind.INT: _ints, Kind.NUMBER: _numbers, Kind.COUNT: _counts, Kind.TAGS: _tags,
    Kind.IDS: _ids, Kind.OBJECTS: _objects, Kind.ADDRESS: _addresses,
    Kind.ENTRIES: _entries, Kind.ENTRY: _entry, Kind.CUSTOM: _custom,
}  # fmt: skip


def _plain_entries(entries: list[Any], name: str) -> bool:
    """Objects of `name` (a string) and an optional `category` (a string or null)."""
    keys = frozenset((name, "category"))
    return (
        set(map(type, entries)) <= {dict}
        and all(map(keys.issuperset, entries))
        and {type(e.get(name)) for e in entries} <= {str}
        and {type(e.get("category")) for e in entries} <= _TEXT
    )


def custom_fields_plainly_valid(refs: AccountRefs, record_type: str, lists: list[Any]) -> bool:
    """True when custom_fields_error finds nothing in any of these `custom_fields` lists
    (of records that passed plainly_valid)."""
    values: dict[int, list[Any]] = {}
    for entries in lists:
        if not entries:
            continue
        ids = [e["custom_field_definition_id"] for e in entries]
        if len(ids) > 1 and len(set(ids)) != len(ids):
            return False
        for definition_id, entry in zip(ids, entries, strict=True):
            column = values.get(definition_id)
            if column is None:
                column = values[definition_id] = []
            column.append(entry.get("value"))
    for definition_id, column in values.items():
        definition = refs.custom_fields.get(definition_id)
        if definition is None or record_type not in definition.available_on:
            return False
        if not _plain_values(definition, column):
            return False
    return True


def _plain_values(definition: CustomField, values: list[Any]) -> bool:
    kind = definition.data_type
    types = set(map(type, values))
    if kind in cf.TEXT_TYPES:
        return types <= _TEXT
    if kind == "Date":
        ints = [v for v in values if type(v) is int]
        return types <= _INT and _in_range(ints, INT64_MIN, INT64_MAX)
    if kind in cf.NUMBER_TYPES:
        return types <= {int, float, _NONE} and all(is_number(v) for v in values if v is not None)
    if kind == "Checkbox":
        return types <= {bool, _NONE}
    if kind == "MultiSelect":
        if not types <= {list, _NONE}:
            return False
        values = _flat([v for v in values if v is not None])
    elif not types <= _INT:
        return False
    options = [v for v in values if v is not None]
    return set(map(type, options)) <= {int} and set(options) <= definition.option_ids
