"""Project a record (Copper's output shape) into its table row and its search rows.

Every write path (HTTP writes, snapshot load, lead conversion) goes through here, so a
record's folded sort keys, child rows, name tokens and counter keys are computed once,
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from verdigris.domain import custom_fields as cf
from verdigris.domain.text import match_key, name_tokens, phone_digits, sort_key
from verdigris.domain.types import Record, RecordType

CustomFieldTypes = Mapping[int, str]
"""Definition id -> data type, for the definitions of one account."""

_ADDRESS_PARTS = (
    ("city", "city"),
    ("state", "state"),
    ("postal_code", "zip"),
    ("country", "country"),
)


def dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def _first(items: object, key: str) -> str | None:
    if type(items) is list and items and type(items[0]) is dict:
        return sort_key(items[0].get(key))
    return None


def _common_row(
    account_id: int, record: Record, custom_values: dict[str, Any] | None
) -> dict[str, Any]:
    """Columns people and leads share (one dict literal: this runs a million times).
    `custom_values`: the record's stored custom value map, when already computed."""
    get = record.get
    if custom_values is None:
        custom_values = _set_custom_values(get("custom_fields"))
    address = get("address")
    parts = address if type(address) is dict else {}
    city, state = parts.get("city"), parts.get("state")
    postal_code, country = parts.get("postal_code"), parts.get("country")
    return {
        "account_id": account_id, "id": get("id"), "name": get("name"),
        "prefix": get("prefix"), "first_name": get("first_name"),
        "middle_name": get("middle_name"), "last_name": get("last_name"),
        "suffix": get("suffix"), "details": get("details"), "title": get("title"),
        "assignee_id": get("assignee_id"), "date_created": get("date_created"),
        "date_modified": get("date_modified"),
        "date_last_contacted": get("date_last_contacted"),
        "interaction_count": get("interaction_count") or 0,
        "address": None if address is None else dumps(address),
        "phone_numbers": dumps(get("phone_numbers") or []),
        "socials": dumps(get("socials") or []),
        "tags": dumps(get("tags") or []),
        "websites": dumps(get("websites") or []),
        "custom_fields": dumps(custom_values),
        "name_key": sort_key(get("name")),
        "first_name_key": sort_key(get("first_name")),
        "last_name_key": sort_key(get("last_name")),
        "title_key": sort_key(get("title")),
        "phone_key": _first(get("phone_numbers"), "number"),
        "socials_key": _first(get("socials"), "url"),
        "city_key": sort_key(city), "city_match": match_key(city),
        "state_key": sort_key(state), "state_match": match_key(state),
        "zip_key": sort_key(postal_code), "postal_code_match": match_key(postal_code),
        "country_key": sort_key(country), "country_match": match_key(country),
    }  # fmt: skip


def _set_custom_values(entries: object) -> dict[str, Any]:
    """The stored map {definition id: value} of a record's `custom_fields` list."""
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


def person_row(
    account_id: int, record: Record, custom_values: dict[str, Any] | None = None
) -> dict[str, Any]:
    row = _common_row(account_id, record, custom_values)
    get = record.get
    row["company_id"] = get("company_id")
    row["contact_type_id"] = get("contact_type_id")
    row["emails"] = dumps(get("emails") or [])
    row["email_key"] = _first(get("emails"), "email")
    row["leads_converted_from"] = dumps(get("leads_converted_from") or [])
    row["date_lead_created"] = get("date_lead_created")
    return row


def lead_row(
    account_id: int, record: Record, custom_values: dict[str, Any] | None = None
) -> dict[str, Any]:
    row = _common_row(account_id, record, custom_values)
    get = record.get
    email = get("email")
    row["email"] = None if email is None else dumps(email)
    row["email_key"] = sort_key(email.get("email")) if type(email) is dict else None
    row["company_name"] = get("company_name")
    row["company_name_key"] = sort_key(get("company_name"))
    row["customer_source_id"] = get("customer_source_id")
    row["monetary_unit"] = get("monetary_unit")
    value = get("monetary_value")
    row["monetary_value"] = None if value is None else float(value)
    row["status_id"] = get("status_id")
    row["date_status_changed"] = get("date_status_changed") or get("date_created")
    row["converted_opportunity_id"] = get("converted_opportunity_id")
    row["converted_contact_id"] = get("converted_contact_id")
    row["converted_at"] = get("converted_at")
    row["is_converted"] = is_converted(record)
    return row


def is_converted(record: Record) -> bool:
    return record.get("converted_at") is not None or record.get("converted_contact_id") is not None


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


_KEYS = ("account_id", "record_type", "record_id")
CHILD_COLUMNS: dict[str, tuple[str, ...]] = {
    "record_tags": (*_KEYS, "tag_key"),
    "record_emails": (*_KEYS, "email_key"),
    "record_phones": (*_KEYS, "digits"),
    "record_socials": (*_KEYS, "url_key"),
    "custom_field_values": (*_KEYS, "definition_id", "value_number", "value_text", "position"),
    "name_tokens": ("account_id", "record_type", "token", "record_id"),
}
"""Column order of `child_tuples` rows, by table name."""


def child_rows(
    account_id: int, record_type: RecordType, record: Record, types: CustomFieldTypes
) -> dict[str, list[dict[str, Any]]]:
    """Rows of the shared child tables for one record, by table name."""
    return {
        name: [dict(zip(CHILD_COLUMNS[name], row, strict=True)) for row in rows]
        for name, rows in child_tuples(account_id, record_type, record, types).items()
    }


def child_tuples(
    account_id: int, record_type: RecordType, record: Record, types: CustomFieldTypes
) -> dict[str, list[tuple[Any, ...]]]:
    """`child_rows` as tuples in CHILD_COLUMNS order."""
    children = ChildTuples(account_id, record_type, types)
    children.add(record, _set_custom_values(record.get("custom_fields")), tag_keys(record))
    return children.tables


class ChildTuples:
    """Child rows of many records of one type, as tuples in CHILD_COLUMNS order, by
    table name (what bulk loads write)."""

    def __init__(self, account_id: int, record_type: RecordType, types: CustomFieldTypes) -> None:
        self.account_id, self.record_type, self.types = account_id, record_type, types
        self.kind = int(record_type)
        self.tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in CHILD_COLUMNS}
        self.tags, self.emails = self.tables["record_tags"], self.tables["record_emails"]
        self.phones, self.socials = self.tables["record_phones"], self.tables["record_socials"]
        self.values, self.tokens = self.tables["custom_field_values"], self.tables["name_tokens"]

    def add(self, record: Record, custom_values: dict[str, Any], tag_keys: list[str]) -> None:
        """`custom_values` and `tag_keys` are the record's (computed once, for its table
        row and counters too)."""
        account_id, kind, record_id = self.account_id, self.kind, record["id"]
        get = record.get
        self.tags += [(account_id, kind, record_id, t) for t in tag_keys]
        emails = record_emails(self.record_type, record)
        self.emails += [(account_id, kind, record_id, e) for e in emails]
        phones = get("phone_numbers")
        if phones:
            digits = {phone_digits(p.get("number")) for p in _dicts(phones)}
            digits.discard(None)
            self.phones += [(account_id, kind, record_id, d) for d in sorted(digits)]  # type: ignore[type-var]
        socials = get("socials")
        if socials:
            urls = {match_key(s.get("url")) for s in _dicts(socials)}
            urls.discard(None)
            self.socials += [(account_id, kind, record_id, u) for u in sorted(urls)]  # type: ignore[type-var]
        if custom_values:
            self.values += [
                (account_id, kind, record_id, *value)
                for value in _custom_values(custom_values, self.types)
            ]
        tokens = sorted(set(name_tokens(get("name"))))
        self.tokens += [(account_id, kind, t, record_id) for t in tokens]


def _dicts(items: object) -> list[dict[str, Any]]:
    return [i for i in items if type(i) is dict] if type(items) is list else []


def custom_value_rows(
    base: dict[str, Any], entries: object, types: CustomFieldTypes
) -> list[dict[str, Any]]:
    columns = CHILD_COLUMNS["custom_field_values"][3:]
    return [
        {**base, **dict(zip(columns, value, strict=True))}
        for value in _custom_values(_set_custom_values(entries), types)
    ]


def _custom_values(
    custom_values: dict[str, Any], types: CustomFieldTypes
) -> list[tuple[int, float | None, str | None, int]]:
    """(definition_id, value_number, value_text, position) of each set custom value."""
    rows: list[tuple[int, float | None, str | None, int]] = []
    for key, value in custom_values.items():
        definition_id = int(key)
        data_type = types.get(definition_id)
        if data_type is None or cf.is_unset(data_type, value):
            continue
        if data_type == "MultiSelect":
            rows.extend((definition_id, float(v), None, i) for i, v in enumerate(value))
        elif data_type in cf.TEXT_TYPES:
            rows.append((definition_id, None, str(value).casefold(), 0))
        elif data_type == "Checkbox":
            rows.append((definition_id, 1.0, None, 0))
        else:
            rows.append((definition_id, float(value), None, 0))
    return rows


def tag_keys(record: Record) -> list[str]:
    tags = record.get("tags")
    if not tags:
        return []
    return sorted({key for t in tags if (key := match_key(t))})


_COUNTED_IDS = {
    RecordType.PERSON: ("assignee_id", "contact_type_id", "company_id"),
    RecordType.LEAD: ("assignee_id", "customer_source_id", "status_id"),
}
_SCOPED = {f: f"all:{f}" for f in ("*", "tag", *(p for p, _ in _ADDRESS_PARTS))} | {
    f: f"all:{f}" for fields in _COUNTED_IDS.values() for f in fields
}


def counter_keys(record_type: RecordType, record: Record) -> list[tuple[str, str]]:
    """(field, value) pairs this record adds one to in `value_counts`.

    Leads count under `all:` always, and under the bare field name only while not
    converted (lead search leaves converted leads out by default).
    """
    get = record.get
    keys = [("*", "")]
    for f in _COUNTED_IDS[record_type]:
        value = get(f)
        keys.append((f, "" if value is None else str(value)))
    address = get("address")
    if type(address) is dict:
        for part, _ in _ADDRESS_PARTS:
            keys.append((part, match_key(address.get(part)) or ""))
    else:
        keys += [(part, "") for part, _ in _ADDRESS_PARTS]
    tags = tag_keys(record)
    keys += [("tag", t) for t in tags] if tags else [("tag", "")]
    if record_type is not RecordType.LEAD:
        return keys
    scoped = [(_SCOPED[f], v) for f, v in keys]
    return scoped if is_converted(record) else scoped + keys


def tokens_of(records: Iterable[Record]) -> set[str]:
    return {t for r in records for t in name_tokens(r.get("name"))}


def custom_value_map(entries: object) -> dict[str, Any]:
    """The stored {definition id: value} map of a `custom_fields` list (companies and
    opportunities keep it as JSON; used by snapshot loads)."""
    return _set_custom_values(entries)
