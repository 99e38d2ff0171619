"""Project records (Copper's output shape) into their table rows, search rows and counters.

Every write path (HTTP writes, bulk writes, snapshot loads, lead conversion) goes through
`Projection`, so a record's folded keys, child rows, name tokens and counter keys are
computed once, the same way, from its type's declaration. It is written for loads of a
million records: rows are tuples in column order (storage/columns.py compiles each
declaration's row function once), and counters are counted per batch from the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

from verdigris.domain import custom_fields as cf
from verdigris.domain.declarations import declaration
from verdigris.domain.declarations.declaration import FilterKind
from verdigris.domain.declarations.fields import ADDRESS_KEYS, Ref, Related
from verdigris.domain.text import match_key, name_tokens, name_words, phone_digits, sort_key
from verdigris.domain.types import Record, RecordType
from verdigris.storage.columns import (
    CustomValues,
    RowFunction,
    field_columns,
    folds,
    row_function,
)
from verdigris.storage.created_days import CREATED_DAY, day_key, day_of
from verdigris.storage.record_tables import stored_fields
from verdigris.storage.schema import TYPE_OF_TABLE

CustomFieldTypes = dict[int, str]
"""Definition id -> data type, for the definitions of one account."""
Row = tuple[Any, ...]

_KEYS = ("account_id", "record_type", "record_id")
CHILD_COLUMNS: dict[str, tuple[str, ...]] = {
    "record_tags": (*_KEYS, "tag_key"),
    "record_emails": (*_KEYS, "email_key"),
    "record_phones": (*_KEYS, "digits"),
    "record_socials": (*_KEYS, "url_key"),
    "custom_field_values": (*_KEYS, "definition_id", "value_number", "value_text", "position"),
    "name_tokens": ("account_id", "record_type", "token", "record_id", "converted", "default_key"),
    "name_words": (*_KEYS, "word"),
    "relations": ("account_id", "type", "id", "other_type", "other_id"),
}
"""Column order of child rows, by table name."""
FOLLOWER_COLUMNS = ("account_id", "record_type", "user_id", "record_id")
TAG_NAME_COLUMNS = ("account_id", "tag_key", "name")
"""Rows of `tag_names`: a batch holds each tag once; the writer drops those it has seen."""
_LOOKUP_KEY = {"record_emails": match_key, "record_phones": phone_digits,
               "record_socials": match_key}  # fmt: skip
"""How the values of a looked-up field are keyed in its child table."""


@dataclass(frozen=True)
class Layout:
    """A declaration compiled for projection: its columns, its row values per field,
    and where its counted values sit in a row."""

    columns: tuple[str, ...]
    row: RowFunction
    counted: tuple[tuple[str, int], ...]
    converted_at: int | None
    created_at: int | None
    """The column of `date_created`, counted by day (storage/created_days.py)."""
    default_key_at: int | None
    """The column of the type's default sort key (name tokens carry it)."""
    references: tuple[tuple[str, int], ...]
    """Related references: (field, the type code of the record it names)."""
    resources: tuple[str, ...]
    """Related resource fields ({"id", "type"})."""


@cache
def layout(record_type: RecordType) -> Layout:
    decl = declaration(record_type)
    fields = stored_fields(decl)
    columns = ("account_id", *(str(c.name) for f in fields for c in field_columns(f)))
    counted = [(r.name, columns.index(r.column)) for r in decl.counted]
    if decl.address is not None:
        counted += [(part, columns.index(match)) for part, (_, match) in ADDRESS_KEYS.items()]
    converted = None if decl.converted_column is None else columns.index(decl.converted_column)
    created = columns.index("date_created") if "date_created" in columns else None
    references = tuple(
        (f.name, int(TYPE_OF_TABLE[f.target]))
        for f in decl.fields
        if isinstance(f, Ref) and f.related
    )
    resources = tuple(f.name for f in decl.fields if isinstance(f, Related))
    default = decl.sort_by_key.get(decl.default_sort)
    default_at = columns.index(default.column) if default and default.column in columns else None
    return Layout(columns, row_function(fields), tuple(counted), converted, created,
                  default_at, references, resources)  # fmt: skip


def custom_value_map(entries: object) -> CustomValues:
    """The stored map {definition id: value} of a `custom_fields` list, without the
    entries that carry nothing (null, false, [], "")."""
    if type(entries) is not list:
        return {}
    return {
        str(e["custom_field_definition_id"]): value
        for e in entries
        if type(e) is dict and not _blank(value := e.get("value"))
    }


def _blank(value: object) -> bool:
    # Identity for False: `0 in (False, ...)` is true, and a Float of 0 is a value.
    return value is None or value is False or value == [] or value == ""


class Projection:
    """The rows records of one account and type add: the table row, child rows and
    follower rows as tuples in column order, and the counter keys they count under."""

    def __init__(self, account_id: int, record_type: RecordType, types: CustomFieldTypes):
        self.account_id, self.record_type = account_id, record_type
        self.declaration = decl = declaration(record_type)
        self.kind = int(record_type)
        self.layout = layout(record_type)
        self.columns, self.row = self.layout.columns, self.layout.row
        self.value_kinds = {d: _value_kind(t) for d, t in types.items()}
        self.rows: list[Row] = []
        self.children: dict[str, list[Row]] = {name: [] for name in CHILD_COLUMNS}
        self.tags = self.children["record_tags"]
        self.values, self.tokens = (
            self.children["custom_field_values"],
            self.children["name_tokens"],
        )
        self.relations = self.children["relations"]
        self.looked_up = [(f.name, f.item, _LOOKUP_KEY[f.child], self.children[f.child])
                          for f in decl.looked_up if f.child]  # fmt: skip
        self.has_tags, self.has_tokens = decl.tags is not None, decl.name_tokens
        self.has_words = has_words(record_type)
        self.words = self.children["name_words"]
        self.followers: list[Row] = []
        self.tag_lists: list[list[str]] = []
        self.tag_names: dict[str, str] = {}

    def add(self, record: Record) -> None:
        custom = custom_value_map(record.get("custom_fields"))
        self.rows.append(self.row(self.account_id, record, custom))
        self._children(record, custom)

    def _children(self, record: Record, custom: CustomValues) -> None:
        account_id, kind, record_id = self.account_id, self.kind, record["id"]
        if self.has_tags:
            self._tags(record, account_id, kind, record_id)
        for name, item, key, rows in self.looked_up:
            value = record.get(name)
            if value:
                for found in lookup_keys(value, item, key):
                    rows.append((account_id, kind, record_id, found))
        if custom:
            _add_custom_values(self.values, account_id, kind, record_id, custom,
                               self.value_kinds)  # fmt: skip
        if self.has_words or self.has_tokens:
            self._name(record, account_id, kind, record_id, self.rows[-1])
        self._followers(record, account_id, kind, record_id)
        if self.layout.references or self.layout.resources:
            self._relations(record, account_id, kind, record_id)

    def _name(self, record: Record, account_id: int, kind: int, record_id: int, row: Row) -> None:
        """The name's words (substring search) or its tokens (fuzzy search), these with
        the record's converted flag and default sort key (schema.name_tokens)."""
        name = record.get("name")
        if self.has_words:
            for word in sorted(name_words(sort_key(name))):
                self.words.append((account_id, kind, record_id, word))
        if self.has_tokens:
            tokens = name_tokens(name)
            layout = self.layout
            converted = layout.converted_at is not None and bool(row[layout.converted_at])
            key = None if layout.default_key_at is None else row[layout.default_key_at]
            for token in sorted(set(tokens)) if len(tokens) > 1 else tokens:
                self.tokens.append((account_id, kind, token, record_id, converted, key))

    def _followers(self, record: Record, account_id: int, kind: int, record_id: int) -> None:
        followers = record.get("followers")
        if followers:
            for user_id in sorted(set(followers)):
                self.followers.append((account_id, kind, user_id, record_id))

    def _relations(self, record: Record, account_id: int, kind: int, record_id: int) -> None:
        """Both directions of each relation the record holds in its fields."""
        held = {(other, value) for name, other in self.layout.references
                if (value := record.get(name)) is not None}  # fmt: skip
        for name in self.layout.resources:
            resource = record.get(name)
            if type(resource) is dict and resource.get("id") is not None:
                held.add((int(RecordType.from_api_name(resource["type"])), resource["id"]))
        for other, other_id in sorted(held):
            self.relations.append((account_id, kind, record_id, other, other_id))
            self.relations.append((account_id, other, other_id, kind, record_id))

    def _tags(self, record: Record, account_id: int, kind: int, record_id: int) -> None:
        tags = tag_keys(record)
        self.tag_lists.append(tags)
        for tag in tags:
            self.tags.append((account_id, kind, record_id, tag))
        if tags:
            first_spellings(self.tag_names, record["tags"])

    def tables(self) -> list[tuple[str, tuple[str, ...], list[Row]]]:
        """(table name, columns, rows) of every table with rows, the record table first."""
        tables = [(self.declaration.table, self.columns, self.rows)]
        tables += [(t, CHILD_COLUMNS[t], rows) for t, rows in self.children.items() if rows]
        if self.followers:
            tables.append(("followers", FOLLOWER_COLUMNS, self.followers))
        if self.tag_names:
            rows = [(self.account_id, k, n) for k, n in sorted(self.tag_names.items())]
            tables.append(("tag_names", TAG_NAME_COLUMNS, rows))
        return tables

    def counts(self) -> Counter[tuple[str, str]]:
        """How many of the records count under each (field, value) of `value_counts`:
        every record under `*` and its counted references, address parts, tags (`""`:
        none) and the day it was created (storage/created_days.py). Types with a
        converted flag (leads) count every record under `all:<field>`, and under the
        bare field while not converted (their searches leave converted ones out by
        default)."""
        counts: Counter[tuple[str, str]] = Counter()
        converted = self.layout.converted_at
        tag_lists = self.tag_lists if self.declaration.tags is not None else None
        if converted is None:
            _count(counts, "", self.layout, self.rows, tag_lists)
            return counts
        _count(counts, "all:", self.layout, self.rows, tag_lists)
        open_ones = [i for i, row in enumerate(self.rows) if not row[converted]]
        rows = [self.rows[i] for i in open_ones]
        open_tags = None if tag_lists is None else [tag_lists[i] for i in open_ones]
        _count(counts, "", self.layout, rows, open_tags)
        return counts


def _count(
    counts: Counter[tuple[str, str]],
    prefix: str,
    layout: Layout,
    rows: Sequence[Row],
    tag_lists: Sequence[list[str]] | None,
) -> None:
    if not rows:
        return
    counts[(f"{prefix}*", "")] += len(rows)
    for name, column in layout.counted:
        field = prefix + name
        for value, n in Counter(map(itemgetter(column), rows)).items():
            counts[(field, "" if value is None else str(value))] += n
    if layout.created_at is not None:
        seconds = (row[layout.created_at] for row in rows)
        days = Counter(day_of(s) for s in seconds if s is not None)
        for day, n in days.items():
            counts[(prefix + CREATED_DAY, day_key(day))] += n
    if tag_lists is None:
        return
    tag_field = f"{prefix}tag"
    tagged = Counter(t for tags in tag_lists for t in tags)
    for tag, n in tagged.items():
        counts[(tag_field, tag)] += n
    untagged = sum(1 for tags in tag_lists if not tags)
    if untagged:
        counts[(tag_field, "")] += untagged


_MULTI, _TEXT, _CHECKBOX, _NUMBER = range(4)


def _value_kind(data_type: str) -> int:
    if data_type == "MultiSelect":
        return _MULTI
    if data_type in cf.TEXT_TYPES:
        return _TEXT
    return _CHECKBOX if data_type == "Checkbox" else _NUMBER


def _distinct(values: Iterable[str | None]) -> list[str]:
    """The values, sorted, without repeats or None."""
    found = {v for v in values if v is not None}
    return sorted(found) if len(found) > 1 else list(found)


def lookup_keys(value: object, item: str, key: Callable[[object], str | None]) -> list[str]:
    """The child-table keys of a looked-up field's value (a list of entries, or one)."""
    if type(value) is dict:
        found = key(value.get(item))
        return [found] if found else []
    if type(value) is not list or not value:
        return []
    if len(value) == 1:
        found = key(value[0].get(item)) if type(value[0]) is dict else None
        return [found] if found else []
    return _distinct(key(e.get(item)) for e in value if type(e) is dict)


def _add_custom_values(
    rows: list[Row],
    account_id: int,
    kind: int,
    record_id: int,
    custom_values: CustomValues,
    value_kinds: dict[int, int],
) -> None:
    """A `custom_field_values` row (..., definition_id, value_number, value_text,
    position) per set value (`custom_values` holds none blank: see custom_value_map)."""
    for key, value in custom_values.items():
        definition_id = int(key)
        value_kind = value_kinds.get(definition_id)
        if value_kind is None:
            continue
        if value_kind == _MULTI:
            # Each option once (a loaded snapshot may repeat one): searches count a
            # record's rows as its matches (search/scope.py, each_once).
            for position, option in enumerate(dict.fromkeys(value)):
                rows.append((account_id, kind, record_id, definition_id, float(option), None,
                             position))  # fmt: skip
        elif value_kind == _TEXT:
            rows.append((account_id, kind, record_id, definition_id, None,
                         str(value).casefold(), 0))  # fmt: skip
        elif value_kind == _CHECKBOX:
            rows.append((account_id, kind, record_id, definition_id, 1.0, None, 0))
        else:
            rows.append((account_id, kind, record_id, definition_id, float(value), None, 0))


def first_spellings(names: dict[str, str], tags: object) -> dict[str, str]:
    """Add to `names` ({folded tag: spelling}) the tags it has no spelling of yet."""
    for tag in tags if type(tags) is list else ():
        key = folds(tag)[1]
        if key and key not in names:
            names[key] = tag.strip()
    return names


def tag_keys(record: Record) -> list[str]:
    tags = record.get("tags")
    if not tags:
        return []
    if len(tags) == 1:
        key = folds(tags[0])[1]
        return [key] if key else []
    return sorted({key for t in tags if (key := folds(t)[1])})


def record_emails(record_type: RecordType, record: Record) -> list[str]:
    """Folded emails of a record (a lead has at most one)."""
    decl = declaration(record_type)
    emails = [f for f in decl.looked_up if f.child == "record_emails"]
    return [k for f in emails for k in lookup_keys(record.get(f.name), f.item, match_key)]


def project(
    account_id: int, record_type: RecordType, records: Iterable[Record], types: CustomFieldTypes
) -> Projection:
    projection = Projection(account_id, record_type, types)
    for record in records:
        projection.add(record)
    return projection


def table_row(account_id: int, record_type: RecordType, record: Record) -> dict[str, Any]:
    """The record's row of its table, by column name (the HTTP write path)."""
    projection = project(account_id, record_type, [record], {})
    return dict(zip(projection.columns, projection.rows[0], strict=True))


@cache
def has_words(record_type: RecordType) -> bool:
    """Whether the type's names are searched by substring (indexed by their words)."""
    return any(f.kind is FilterKind.NAME_CONTAINS for f in declaration(record_type).filters)
