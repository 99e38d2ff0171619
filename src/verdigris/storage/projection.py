"""Project records (Copper's output shape) into their table rows, search rows and counters.

Every write path (HTTP writes, snapshot load, lead conversion) goes through `Projection`,
so a record's folded sort keys, child rows, name tokens and counter keys are computed
once, the same way. It is written for loads of a million records: rows are tuples in
column order, values that repeat (places, tags, titles) are folded once, and counters
are counted per batch from the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

import orjson

from verdigris.domain import custom_fields as cf
from verdigris.domain.text import match_key, name_tokens, phone_digits, sort_key
from verdigris.domain.types import Record, RecordType
from verdigris.storage import schema

CustomFieldTypes = dict[int, str]
"""Definition id -> data type, for the definitions of one account."""
Row = tuple[Any, ...]

PERSON_COLUMNS = tuple(str(c.name) for c in schema.people.columns)
LEAD_COLUMNS = tuple(str(c.name) for c in schema.leads.columns)
_KEYS = ("account_id", "record_type", "record_id")
CHILD_COLUMNS: dict[str, tuple[str, ...]] = {
    "record_tags": (*_KEYS, "tag_key"),
    "record_emails": (*_KEYS, "email_key"),
    "record_phones": (*_KEYS, "digits"),
    "record_socials": (*_KEYS, "url_key"),
    "custom_field_values": (*_KEYS, "definition_id", "value_number", "value_text", "position"),
    "name_tokens": ("account_id", "record_type", "token", "record_id"),
}
"""Column order of child rows, by table name."""
FOLLOWER_COLUMNS = ("account_id", "record_type", "user_id", "record_id")

_COUNTED_IDS = {
    RecordType.PERSON: ("assignee_id", "contact_type_id", "company_id"),
    RecordType.LEAD: ("assignee_id", "customer_source_id", "status_id"),
}
_ADDRESS_MATCHES = (
    ("city", "city_match"),
    ("state", "state_match"),
    ("postal_code", "postal_code_match"),
    ("country", "country_match"),
)
_EMPTY = "[]"
_NO_FOLDS: tuple[None, None] = (None, None)
_FOLDS: dict[str, tuple[str | None, str | None]] = {}
_MAX_FOLDS = 1 << 18


def dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def _folds(value: object) -> tuple[str | None, str | None]:
    """(sort key, match key) of a value that repeats across records, folded once."""
    if type(value) is not str:
        return _NO_FOLDS
    folds = _FOLDS.get(value)
    if folds is None:
        if len(_FOLDS) >= _MAX_FOLDS:
            _FOLDS.clear()
        folds = _FOLDS[value] = (sort_key(value), match_key(value))
    return folds


def _first(items: object, key: str) -> str | None:
    if type(items) is list and items and type(items[0]) is dict:
        return sort_key(items[0].get(key))
    return None


def _list_json(items: object) -> str:
    return dumps(items) if items else _EMPTY


def custom_value_map(entries: object) -> dict[str, Any]:
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


def is_converted(record: Record) -> bool:
    return record.get("converted_at") is not None or record.get("converted_contact_id") is not None


class Projection:
    """The rows records of one account and type add: the table row, child rows and
    follower rows as tuples in column order, and the counter keys they count under."""

    def __init__(self, account_id: int, record_type: RecordType, types: CustomFieldTypes):
        self.account_id, self.record_type = account_id, record_type
        self.kind = int(record_type)
        self.person = record_type is RecordType.PERSON
        self.columns = PERSON_COLUMNS if self.person else LEAD_COLUMNS
        self.value_kinds = {d: _value_kind(t) for d, t in types.items()}
        self.rows: list[Row] = []
        self.children: dict[str, list[Row]] = {name: [] for name in CHILD_COLUMNS}
        children = self.children
        self.tags, self.emails = children["record_tags"], children["record_emails"]
        self.phones, self.socials = children["record_phones"], children["record_socials"]
        self.values, self.tokens = children["custom_field_values"], children["name_tokens"]
        self.followers: list[Row] = []
        self.tag_lists: list[list[str]] = []

    def add(self, record: Record) -> None:
        custom_values = custom_value_map(record.get("custom_fields"))
        if self.person:
            self.rows.append(self._person(record, custom_values))
        else:
            self.rows.append(self._lead(record, custom_values))
        self._children(record, custom_values)

    def _common(self, record: Record, custom_values: dict[str, Any]) -> Row:
        """Columns people and leads share, up to `country_match` (see schema.py)."""
        get = record.get
        address = get("address")
        if type(address) is dict:
            place = address.get
            city_key, city_match = _folds(place("city"))
            state_key, state_match = _folds(place("state"))
            zip_key, zip_match = _folds(place("postal_code"))
            country_key, country_match = _folds(place("country"))
        else:
            city_key = city_match = state_key = state_match = None
            zip_key = zip_match = country_key = country_match = None
        name, first_name, last_name = get("name"), get("first_name"), get("last_name")
        title, phones, socials = get("title"), get("phone_numbers"), get("socials")
        email_key = _first(get("emails"), "email") if self.person else _lead_email_key(record)
        return (
            self.account_id, get("id"), name, get("prefix"), first_name, get("middle_name"),
            last_name, get("suffix"), get("details"), title,
            None if address is None else dumps(address), get("assignee_id"),
            _list_json(phones), _list_json(socials), _list_json(get("tags")),
            _list_json(get("websites")), dumps(custom_values), get("date_created"),
            get("date_modified"), get("date_last_contacted"), get("interaction_count") or 0,
            sort_key(name), sort_key(first_name), sort_key(last_name), _folds(title)[0],
            email_key, _first(phones, "number"), _first(socials, "url"),
            city_key, state_key, country_key, zip_key,
            city_match, state_match, zip_match, country_match,
        )  # fmt: skip

    def _person(self, record: Record, custom_values: dict[str, Any]) -> Row:
        get = record.get
        return (
            *self._common(record, custom_values), get("company_id"), get("contact_type_id"),
            _list_json(get("emails")), _list_json(get("leads_converted_from")),
            get("date_lead_created"),
        )  # fmt: skip

    def _lead(self, record: Record, custom_values: dict[str, Any]) -> Row:
        get = record.get
        email, value = get("email"), get("monetary_value")
        company = get("company_name")
        return (
            *self._common(record, custom_values), company, _folds(company)[0],
            get("customer_source_id"), None if email is None else dumps(email),
            get("monetary_unit"), None if value is None else float(value), get("status_id"),
            get("date_status_changed") or get("date_created"),
            get("converted_opportunity_id"), get("converted_contact_id"), get("converted_at"),
            is_converted(record),
        )  # fmt: skip

    def _children(self, record: Record, custom_values: dict[str, Any]) -> None:
        get = record.get
        account_id, kind, record_id = self.account_id, self.kind, record["id"]
        tags = tag_keys(record)
        self.tag_lists.append(tags)
        for tag in tags:
            self.tags.append((account_id, kind, record_id, tag))
        for email in record_emails(self.record_type, record):
            self.emails.append((account_id, kind, record_id, email))
        phones = get("phone_numbers")
        if phones:
            for digits in _distinct(
                phone_digits(p.get("number")) for p in phones if type(p) is dict
            ):
                self.phones.append((account_id, kind, record_id, digits))
        socials = get("socials")
        if socials:
            for url in _distinct(match_key(s.get("url")) for s in socials if type(s) is dict):
                self.socials.append((account_id, kind, record_id, url))
        if custom_values:
            _add_custom_values(self.values, account_id, kind, record_id, custom_values,
                               self.value_kinds)  # fmt: skip
        tokens = name_tokens(get("name"))
        for token in sorted(set(tokens)) if len(tokens) > 1 else tokens:
            self.tokens.append((account_id, kind, token, record_id))
        followers = get("followers")
        if followers:
            for user_id in sorted(set(followers)):
                self.followers.append((account_id, kind, user_id, record_id))

    def tables(self) -> list[tuple[str, tuple[str, ...], list[Row]]]:
        """(table name, columns, rows) of every table with rows, the record table first."""
        name = schema.people.name if self.person else schema.leads.name
        tables = [(str(name), self.columns, self.rows)]
        tables += [(t, CHILD_COLUMNS[t], rows) for t, rows in self.children.items() if rows]
        if self.followers:
            tables.append((str(schema.followers.name), FOLLOWER_COLUMNS, self.followers))
        return tables

    def counts(self) -> Counter[tuple[str, str]]:
        """How many of the records count under each (field, value) of `value_counts`:
        every record under `*` and its ids, address parts and tags (`""`: none). Leads
        count under `all:<field>` always, and under the bare field while not converted
        (lead search leaves converted leads out by default)."""
        counts: Counter[tuple[str, str]] = Counter()
        if self.person:
            _count(counts, "", self._counted(), self.rows, self.tag_lists)
            return counts
        _count(counts, "all:", self._counted(), self.rows, self.tag_lists)
        converted = self.columns.index("is_converted")
        open_ones = [i for i, row in enumerate(self.rows) if not row[converted]]
        rows = [self.rows[i] for i in open_ones]
        _count(counts, "", self._counted(), rows, [self.tag_lists[i] for i in open_ones])
        return counts

    def _counted(self) -> list[tuple[str, int]]:
        fields = [*_COUNTED_IDS[self.record_type], *(m for m, _ in _ADDRESS_MATCHES)]
        columns = [*_COUNTED_IDS[self.record_type], *(c for _, c in _ADDRESS_MATCHES)]
        return [(f, self.columns.index(c)) for f, c in zip(fields, columns, strict=True)]


def _count(
    counts: Counter[tuple[str, str]],
    prefix: str,
    fields: list[tuple[str, int]],
    rows: Sequence[Row],
    tag_lists: Sequence[list[str]],
) -> None:
    if not rows:
        return
    counts[(f"{prefix}*", "")] += len(rows)
    for name, column in fields:
        field = prefix + name
        for value, n in Counter(map(itemgetter(column), rows)).items():
            counts[(field, "" if value is None else str(value))] += n
    tag_field = f"{prefix}tag"
    tagged = Counter(t for tags in tag_lists for t in tags)
    for tag, n in tagged.items():
        counts[(tag_field, tag)] += n
    untagged = sum(1 for tags in tag_lists if not tags)
    if untagged:
        counts[(tag_field, "")] += untagged


def _lead_email_key(record: Record) -> str | None:
    email = record.get("email")
    return sort_key(email.get("email")) if type(email) is dict else None


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


def _add_custom_values(
    rows: list[Row],
    account_id: int,
    kind: int,
    record_id: int,
    custom_values: dict[str, Any],
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
            for position, option in enumerate(value):
                rows.append((account_id, kind, record_id, definition_id, float(option), None,
                             position))  # fmt: skip
        elif value_kind == _TEXT:
            rows.append((account_id, kind, record_id, definition_id, None,
                         str(value).casefold(), 0))  # fmt: skip
        elif value_kind == _CHECKBOX:
            rows.append((account_id, kind, record_id, definition_id, 1.0, None, 0))
        else:
            rows.append((account_id, kind, record_id, definition_id, float(value), None, 0))


def tag_keys(record: Record) -> list[str]:
    tags = record.get("tags")
    if not tags:
        return []
    if len(tags) == 1:
        key = _folds(tags[0])[1]
        return [key] if key else []
    return sorted({key for t in tags if (key := _folds(t)[1])})


def record_emails(record_type: RecordType, record: Record) -> list[str]:
    """Folded emails of a record (a lead has at most one)."""
    if record_type is RecordType.LEAD:
        email = record.get("email")
        key = match_key(email.get("email")) if type(email) is dict else None
        return [key] if key else []
    items = record.get("emails")
    if not items:
        return []
    keys = (match_key(i.get("email")) for i in items if type(i) is dict)
    return sorted({k for k in keys if k})


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


def child_rows(
    account_id: int, record_type: RecordType, record: Record, types: CustomFieldTypes
) -> dict[str, list[dict[str, Any]]]:
    """Rows of the shared child tables for one record, by table name."""
    children = project(account_id, record_type, [record], types).children
    return {
        name: [dict(zip(CHILD_COLUMNS[name], row, strict=True)) for row in rows]
        for name, rows in children.items()
    }


def counter_keys(record_type: RecordType, record: Record) -> Counter[tuple[str, str]]:
    """(field, value) pairs this record adds one to in `value_counts`."""
    return project(0, record_type, [record], {}).counts()


def tokens_of(records: Iterable[Record]) -> set[str]:
    return {t for r in records for t in name_tokens(r.get("name"))}
