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
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return sort_key(items[0].get(key))
    return None


def _address_columns(address: object) -> dict[str, Any]:
    parts = address if isinstance(address, dict) else {}
    columns: dict[str, Any] = {}
    for part, sort_name in _ADDRESS_PARTS:
        columns[f"{sort_name}_key"] = sort_key(parts.get(part))
        columns[f"{part}_match"] = match_key(parts.get(part))
    return columns


def _common_row(account_id: int, record: Record) -> dict[str, Any]:
    """Columns people and leads share."""
    row: dict[str, Any] = {"account_id": account_id}
    for key in ("id", "name", "prefix", "first_name", "middle_name", "last_name", "suffix"):
        row[key] = record.get(key)
    for key in ("details", "title", "assignee_id", "date_created", "date_modified"):
        row[key] = record.get(key)
    row["date_last_contacted"] = record.get("date_last_contacted")
    row["interaction_count"] = record.get("interaction_count") or 0
    row["address"] = None if record.get("address") is None else dumps(record["address"])
    for key in ("phone_numbers", "socials", "tags", "websites"):
        row[key] = dumps(record.get(key) or [])
    row["custom_fields"] = dumps(_set_custom_values(record.get("custom_fields")))
    row["name_key"] = sort_key(record.get("name"))
    row["first_name_key"] = sort_key(record.get("first_name"))
    row["last_name_key"] = sort_key(record.get("last_name"))
    row["title_key"] = sort_key(record.get("title"))
    row["phone_key"] = _first(record.get("phone_numbers"), "number")
    row["socials_key"] = _first(record.get("socials"), "url")
    row.update(_address_columns(record.get("address")))
    return row


def _set_custom_values(entries: object) -> dict[str, Any]:
    """The stored map {definition id: value} of a record's `custom_fields` list."""
    if not isinstance(entries, list):
        return {}
    return {
        str(e["custom_field_definition_id"]): e.get("value")
        for e in entries
        if isinstance(e, dict) and not _blank(e.get("value"))
    }


def _blank(value: object) -> bool:
    # Identity for False: `0 in (False, ...)` is true, and a Float of 0 is a value.
    return value is None or value is False or value == [] or value == ""


def person_row(account_id: int, record: Record) -> dict[str, Any]:
    row = _common_row(account_id, record)
    row["company_id"] = record.get("company_id")
    row["contact_type_id"] = record.get("contact_type_id")
    row["emails"] = dumps(record.get("emails") or [])
    row["email_key"] = _first(record.get("emails"), "email")
    row["leads_converted_from"] = dumps(record.get("leads_converted_from") or [])
    row["date_lead_created"] = record.get("date_lead_created")
    return row


def lead_row(account_id: int, record: Record) -> dict[str, Any]:
    row = _common_row(account_id, record)
    email = record.get("email")
    row["email"] = None if email is None else dumps(email)
    row["email_key"] = sort_key(email.get("email")) if isinstance(email, dict) else None
    row["company_name"] = record.get("company_name")
    row["company_name_key"] = sort_key(record.get("company_name"))
    row["customer_source_id"] = record.get("customer_source_id")
    row["monetary_unit"] = record.get("monetary_unit")
    value = record.get("monetary_value")
    row["monetary_value"] = None if value is None else float(value)
    row["status_id"] = record.get("status_id")
    row["date_status_changed"] = record.get("date_status_changed") or record.get("date_created")
    for key in ("converted_opportunity_id", "converted_contact_id", "converted_at"):
        row[key] = record.get(key)
    row["is_converted"] = is_converted(record)
    return row


def is_converted(record: Record) -> bool:
    return record.get("converted_at") is not None or record.get("converted_contact_id") is not None


def record_emails(record_type: RecordType, record: Record) -> list[str]:
    """Folded emails of a record (a lead has at most one)."""
    if record_type is RecordType.LEAD:
        email = record.get("email")
        items = [email] if isinstance(email, dict) else []
    else:
        items = record.get("emails") or []
    keys = (match_key(i.get("email")) for i in items if isinstance(i, dict))
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
    """`child_rows` as tuples in CHILD_COLUMNS order (what bulk loads write)."""
    kind, record_id = int(record_type), record["id"]
    phones = {phone_digits(p.get("number")) for p in _dicts(record.get("phone_numbers"))}
    socials = {match_key(s.get("url")) for s in _dicts(record.get("socials"))}
    phones.discard(None)
    socials.discard(None)
    tokens = set(name_tokens(record.get("name")))
    return {
        "record_tags": [(account_id, kind, record_id, t) for t in _tag_keys(record)],
        "record_emails": [
            (account_id, kind, record_id, e) for e in record_emails(record_type, record)
        ],
        "record_phones": [(account_id, kind, record_id, d) for d in sorted(phones)],  # type: ignore[type-var]
        "record_socials": [(account_id, kind, record_id, s) for s in sorted(socials)],  # type: ignore[type-var]
        "custom_field_values": [
            (account_id, kind, record_id, *value)
            for value in _custom_values(record.get("custom_fields"), types)
        ],
        "name_tokens": [(account_id, kind, t, record_id) for t in sorted(tokens)],
    }


def _dicts(items: object) -> list[dict[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def custom_value_rows(
    base: dict[str, Any], entries: object, types: CustomFieldTypes
) -> list[dict[str, Any]]:
    columns = CHILD_COLUMNS["custom_field_values"][3:]
    return [
        {**base, **dict(zip(columns, value, strict=True))}
        for value in _custom_values(entries, types)
    ]


def _custom_values(
    entries: object, types: CustomFieldTypes
) -> list[tuple[int, float | None, str | None, int]]:
    """(definition_id, value_number, value_text, position) of each set custom value."""
    rows: list[tuple[int, float | None, str | None, int]] = []
    for key, value in _set_custom_values(entries).items():
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


def _tag_keys(record: Record) -> list[str]:
    return sorted({key for t in record.get("tags") or [] if (key := match_key(t))})


def counter_keys(record_type: RecordType, record: Record) -> list[tuple[str, str]]:
    """(field, value) pairs this record adds one to in `value_counts`.

    Leads count under `all:` always, and under the bare field name only while not
    converted (lead search leaves converted leads out by default).
    """
    keys = [("*", "")]
    ids = ("assignee_id", "contact_type_id", "company_id")
    if record_type is RecordType.LEAD:
        ids = ("assignee_id", "customer_source_id", "status_id")
    keys += [(f, "" if record.get(f) is None else str(record[f])) for f in ids]
    address = record.get("address") if isinstance(record.get("address"), dict) else {}
    for part, _ in _ADDRESS_PARTS:
        keys.append((part, match_key(address.get(part)) or ""))  # type: ignore[union-attr]
    keys += [("tag", t) for t in _tag_keys(record)] or [("tag", "")]
    if record_type is not RecordType.LEAD:
        return keys
    scoped = [(f"all:{f}", v) for f, v in keys]
    return scoped if is_converted(record) else scoped + keys


def tokens_of(records: Iterable[Record]) -> set[str]:
    return {t for r in records for t in name_tokens(r.get("name"))}


def custom_value_map(entries: object) -> dict[str, Any]:
    """The stored {definition id: value} map of a `custom_fields` list (companies and
    opportunities keep it as JSON; used by snapshot loads)."""
    return _set_custom_values(entries)
