"""The verdigris-snapshot/1 format: its shape as checkers, one per section and record.

A checker returns None when a value is valid, else "<relative path>: <what is wrong>";
the loader prefixes the account and record (`accounts[0] (id 1).people[3] (id 42)`).
Pure: no I/O. References between sections are checked with `AccountRefs`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from verdigris.domain.custom_fields import AVAILABLE_ON, DATA_TYPES, NUMBER_TYPES, TEXT_TYPES

FORMAT = "verdigris-snapshot/1"
Check = Callable[[Any], "str | None"]
HEADER_SECTIONS = (
    "users", "contact_types", "customer_sources", "lead_statuses", "activity_types",
    "custom_field_definitions", "companies", "opportunities",
)  # fmt: skip
RECORD_SECTIONS = ("people", "leads")
_HASH = re.compile(r"[0-9a-f]{64}")


def _is_int(value: Any) -> bool:
    return type(value) is int


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MAX = 2**31 - 1


def _types(expected: str, *types: type) -> Check:
    """A value of exactly one of `types` (so True is not an integer); integers that fit
    the database's 64-bit columns."""
    allowed = frozenset(types)
    message = f": expected {expected}" + (" or null" if type(None) in allowed else "")

    def check(value: Any) -> str | None:
        kind = type(value)
        if kind not in allowed:
            return message
        if kind is int and not INT64_MIN <= value <= INT64_MAX:
            return f": {value} is out of range (64-bit integers)"
        # PostgreSQL text cannot hold NUL; refuse it on every backend alike.
        return ": contains a NUL character" if kind is str and "\x00" in value else None

    return check


def _test(test: Callable[[Any], bool], expected: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value is None or test(value) else f": expected {expected} or null"

    return check


_NULL = type(None)
STR = _types("a string", str, _NULL)
INT = _types("an integer", int, _NULL)
NUMBER = _types("a number", int, float, _NULL)
BOOL = _types("true or false", bool, _NULL)
REQ_STR = _types("a string", str)
REQ_INT = _types("an integer", int)
REQ_BOOL = _types("true or false", bool)
COUNT = _test(lambda v: _is_int(v) and 0 <= v <= INT32_MAX, "a non-negative 32-bit integer")


def _token_hash(value: Any) -> str | None:
    ok = type(value) is str and _HASH.fullmatch(value)
    return None if ok else ": expected a sha256 hex digest"


TOKEN_HASH: Check = _token_hash


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in choices else f": expected one of {', '.join(choices)}"

    return check


def list_of(item: Check, nullable: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if type(value) is not list:
            return ": expected a list"
        for i, entry in enumerate(value):
            error = item(entry)
            if error:
                return f"[{i}]{error}"
        return None

    return check


def obj(fields: Mapping[str, Check], required: tuple[str, ...] = (), extra: bool = False) -> Check:
    """An object with these keys (unknown keys are an error unless `extra`)."""

    def check(value: Any) -> str | None:
        if type(value) is not dict:
            return ": expected an object"
        for key in required:
            if key not in value:
                return f".{key}: is required"
        for key, entry in value.items():
            checker = fields.get(key)
            if checker is None:
                if extra:
                    continue
                return f".{key}: unknown key"
            error = checker(entry)
            if error:
                return f".{key}{error}"
        return None

    return check


def nullable(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _entries(key: str) -> Check:
    return list_of(obj({key: REQ_STR, "category": STR}, required=(key,)))


ADDRESS = nullable(obj(dict.fromkeys(("street", "city", "state", "postal_code", "country"), STR)))
CUSTOM_ENTRY = obj(
    {"custom_field_definition_id": REQ_INT, "value": lambda v: None},
    required=("custom_field_definition_id",),
)
_COMMON = {
    "id": REQ_INT, "name": STR, "prefix": STR, "first_name": STR, "middle_name": STR,
    "last_name": STR, "suffix": STR, "address": ADDRESS, "assignee_id": INT, "details": STR,
    "phone_numbers": _entries("number"), "socials": _entries("url"), "tags": list_of(REQ_STR),
    "title": STR, "websites": _entries("url"), "custom_fields": list_of(CUSTOM_ENTRY),
    "date_created": INT, "date_modified": INT, "date_last_contacted": INT,
    "interaction_count": COUNT, "followers": list_of(REQ_INT),
}  # fmt: skip
PERSON = obj(
    _COMMON
    | {"company_id": INT, "company_name": STR, "contact_type_id": INT,
       "emails": _entries("email"), "date_lead_created": INT,
       "leads_converted_from": list_of(obj({}, extra=True))},
    required=("id",),
)  # fmt: skip
LEAD = obj(
    _COMMON
    | {"company_name": STR, "customer_source_id": INT,
       "email": nullable(obj({"email": REQ_STR, "category": STR}, required=("email",))),
       "monetary_unit": STR, "monetary_value": NUMBER, "status": STR, "status_id": INT,
       "converted_opportunity_id": INT, "converted_contact_id": INT, "converted_at": INT,
       "date_status_changed": INT},
    required=("id",),
)  # fmt: skip

_NAMED = obj({"id": REQ_INT, "name": REQ_STR}, required=("id", "name"))
SECTIONS: dict[str, Check] = {
    "users": list_of(obj(
        {"id": REQ_INT, "name": STR, "email": REQ_STR, "api_tokens": list_of(REQ_STR),
         "api_token_hashes": list_of(TOKEN_HASH)},
        required=("id", "email"),
    )),
    "contact_types": list_of(_NAMED),
    "customer_sources": list_of(_NAMED),
    "lead_statuses": list_of(obj(
        {"id": REQ_INT, "name": REQ_STR, "order": INT, "is_default": BOOL},
        required=("id", "name"),
    )),
    "activity_types": list_of(obj(
        {"id": REQ_INT, "category": one_of("user", "system"), "name": REQ_STR,
         "count_as_interaction": REQ_BOOL},
        required=("id", "category", "name"),
    )),
    "custom_field_definitions": list_of(obj(
        {"id": REQ_INT, "name": REQ_STR, "data_type": one_of(*DATA_TYPES),
         "available_on": list_of(one_of(*AVAILABLE_ON)),
         "options": list_of(obj({"id": REQ_INT, "name": REQ_STR, "rank": INT},
                                required=("id", "name")))},
        required=("id", "name", "data_type", "available_on"),
    )),
    "companies": list_of(obj(
        {"id": REQ_INT, "name": REQ_STR, "address": ADDRESS, "assignee_id": INT,
         "contact_type_id": INT, "details": STR, "email_domain": STR,
         "phone_numbers": _entries("number"), "socials": _entries("url"),
         "tags": list_of(REQ_STR), "websites": _entries("url"),
         "custom_fields": list_of(CUSTOM_ENTRY), "interaction_count": COUNT,
         "date_created": INT, "date_modified": INT},
        required=("id", "name"),
    )),
    # Opportunities keep any other Copper field as given (the `doc` column).
    "opportunities": list_of(obj(
        {"id": REQ_INT, "name": REQ_STR, "primary_contact_id": INT,
         "related_people": list_of(REQ_INT), "company_id": INT, "date_created": INT,
         "date_modified": INT},
        required=("id", "name"), extra=True,
    )),
}  # fmt: skip
ACCOUNT_SCALARS: dict[str, Check] = {"id": REQ_INT, "name": REQ_STR}


@dataclass
class CustomField:
    data_type: str
    available_on: frozenset[str]
    option_ids: frozenset[int]


@dataclass
class AccountRefs:
    """Ids an account's records may refer to, gathered from its header sections."""

    users: set[int] = field(default_factory=set)
    contact_types: set[int] = field(default_factory=set)
    customer_sources: set[int] = field(default_factory=set)
    lead_statuses: set[int] = field(default_factory=set)
    companies: set[int] = field(default_factory=set)
    opportunities: set[int] = field(default_factory=set)
    custom_fields: dict[int, CustomField] = field(default_factory=dict)


def custom_value_error(definition: CustomField, value: Any) -> str | None:
    """Why `value` cannot be stored under `definition`, or None."""
    kind = definition.data_type
    if value is None:
        return None
    if kind in TEXT_TYPES:
        return STR(value)
    if kind == "Date":
        return INT(value)
    if kind in NUMBER_TYPES:
        return NUMBER(value)
    if kind == "Checkbox":
        return BOOL(value)
    ids = value if kind == "MultiSelect" else [value]
    if kind == "MultiSelect" and type(value) is not list:
        return ": expected a list of option ids"
    for option in ids:
        if not _is_int(option) or option not in definition.option_ids:
            return f": {option!r} is not an option of custom field definition"
    return None


def custom_fields_error(refs: AccountRefs, record_type: str, entries: Any) -> str | None:
    seen: set[int] = set()
    for i, entry in enumerate(entries or ()):
        definition_id = entry["custom_field_definition_id"]
        definition = refs.custom_fields.get(definition_id)
        where = f".custom_fields[{i}]"
        if definition is None:
            return f"{where}.custom_field_definition_id: no definition {definition_id}"
        if record_type not in definition.available_on:
            return f"{where}.custom_field_definition_id: {definition_id} is not on {record_type}"
        if definition_id in seen:
            return f"{where}.custom_field_definition_id: {definition_id} given twice"
        seen.add(definition_id)
        error = custom_value_error(definition, entry.get("value"))
        if error:
            return f"{where}.value{error}"
    return None


def refs_error(record: Mapping[str, Any], references: Mapping[str, set[int]]) -> str | None:
    """The first `key: id` of the record that names no row of its section."""
    for key, known in references.items():
        value = record.get(key)
        if value is not None and value not in known:
            return f".{key}: {value} is not in this account"
    return None


def duplicate_error(section: str, rows: list[dict[str, Any]]) -> str | None:
    """A section's ids (and users' emails, options' ids) must be unique."""
    seen: set[object] = set()
    emails: set[str] = set()
    for i, row in enumerate(rows):
        key = (row.get("category"), row["id"]) if section == "activity_types" else row["id"]
        if key in seen:
            return f"[{i}].id: duplicate id {row['id']}"
        seen.add(key)
        if section == "users":
            email = row["email"].strip().casefold()
            if email in emails:
                return f"[{i}].email: duplicate user email {row['email']!r}"
            emails.add(email)
        options = [o["id"] for o in row.get("options") or ()]
        if len(set(options)) != len(options):
            return f"[{i}].options: duplicate option id"
    return None


def section_error(section: str, rows: Any) -> str | None:
    return SECTIONS[section](rows) or duplicate_error(section, rows)


def account_refs(sections: Mapping[str, list[dict[str, Any]]]) -> AccountRefs:
    """The reference sets of an account whose header sections are valid."""

    def ids(name: str) -> set[int]:
        return {row["id"] for row in sections.get(name) or ()}

    definitions = {
        d["id"]: CustomField(
            d["data_type"], frozenset(d["available_on"]),
            frozenset(o["id"] for o in d.get("options") or ()),
        )
        for d in sections.get("custom_field_definitions") or ()
    }  # fmt: skip
    return AccountRefs(
        users=ids("users"),
        contact_types=ids("contact_types"),
        customer_sources=ids("customer_sources"),
        lead_statuses=ids("lead_statuses"),
        companies=ids("companies"),
        opportunities=ids("opportunities"),
        custom_fields=definitions,
    )


# The fast path: a batch of records checked a key at a time, with type tests over
# whole columns, for the common well-formed batch. False means "maybe wrong somewhere":
# the checkers above then go record by record to find the first error and word it.
# Anything they refuse, this refuses too, except NUL characters in strings, which the
# caller rules out for the whole batch text at once (`may_hold_nul`).
_S, _I, _N, _B, _C, _ADDR, _ENTRIES, _TAGS, _IDS, _CUSTOM, _OBJECTS, _EMAIL = range(12)
_COMMON_KINDS = {
    "id": _I, "name": _S, "prefix": _S, "first_name": _S, "middle_name": _S, "last_name": _S,
    "suffix": _S, "address": _ADDR, "assignee_id": _I, "details": _S,
    "phone_numbers": _ENTRIES, "socials": _ENTRIES, "tags": _TAGS, "title": _S,
    "websites": _ENTRIES, "custom_fields": _CUSTOM, "date_created": _I, "date_modified": _I,
    "date_last_contacted": _I, "interaction_count": _C, "followers": _IDS,
}  # fmt: skip
PERSON_KINDS = _COMMON_KINDS | {
    "company_id": _I, "company_name": _S, "contact_type_id": _I, "emails": _ENTRIES,
    "date_lead_created": _I, "leads_converted_from": _OBJECTS,
}  # fmt: skip
LEAD_KINDS = _COMMON_KINDS | {
    "company_name": _S, "customer_source_id": _I, "email": _EMAIL, "monetary_unit": _S,
    "monetary_value": _N, "status": _S, "status_id": _I, "converted_opportunity_id": _I,
    "converted_contact_id": _I, "converted_at": _I, "date_status_changed": _I,
}  # fmt: skip
_ENTRY_KEY = {"phone_numbers": "number", "socials": "url", "websites": "url", "emails": "email"}
_ADDRESS_KEYS = frozenset(("street", "city", "state", "postal_code", "country"))
_CUSTOM_KEYS = frozenset(("custom_field_definition_id", "value"))
_NONE = type(None)
_TEXT: frozenset[type] = frozenset((str, _NONE))
_ALLOWED: dict[int, frozenset[type]] = {
    _S: _TEXT, _I: frozenset((int, _NONE)), _N: frozenset((int, float, _NONE)),
    _B: frozenset((bool, _NONE)), _C: frozenset((int, _NONE)), _ADDR: frozenset((dict, _NONE)),
    _EMAIL: frozenset((dict, _NONE)), _ENTRIES: frozenset((list,)), _TAGS: frozenset((list,)),
    _IDS: frozenset((list,)), _CUSTOM: frozenset((list,)), _OBJECTS: frozenset((list,)),
}  # fmt: skip


class _Missing:
    """The value of a key a record does not have (every key but `id` may be left out)."""


_MISSING = _Missing()


def may_hold_nul(text: bytes) -> bool:
    """Whether a JSON text may hold a NUL character: only the escape can write one."""
    return b"\\u0000" in text


def plainly_valid(records: list[Any], kinds: Mapping[str, int]) -> bool:
    """True when every record passes PERSON (with PERSON_KINDS) or LEAD (LEAD_KINDS)."""
    if not records:
        return True
    if any(type(r) is not dict for r in records):
        return False
    for key, values in _columns(records):
        kind = kinds.get(key)
        if kind is None:
            return False
        types = set(map(type, values))
        if _Missing in types:
            if key == "id":
                return False
            types.discard(_Missing)
            values = [v for v in values if v is not _MISSING]
        allowed = _ALLOWED[kind] if key != "id" else {int}
        if not types <= allowed or not _plain_column(kind, key, values):
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


def _plain_column(kind: int, key: str, values: Sequence[Any]) -> bool:  # noqa: C901
    """The checks of one key beyond the types of its values."""
    if kind in (_I, _N):
        return _in_range([v for v in values if type(v) is int], INT64_MIN, INT64_MAX)
    if kind == _C:
        return _in_range([v for v in values if v is not None], 0, INT32_MAX)
    if kind == _TAGS:
        return set(map(type, _flat(values))) <= {str}
    if kind == _IDS:
        ids = _flat(values)
        return set(map(type, ids)) <= {int} and _in_range(ids, INT64_MIN, INT64_MAX)
    if kind == _OBJECTS:
        return set(map(type, _flat(values))) <= {dict}
    if kind == _ADDR:
        addresses = [v for v in values if v is not None]
        return all(map(_ADDRESS_KEYS.issuperset, addresses)) and (
            set(map(type, _flat([a.values() for a in addresses]))) <= _TEXT
        )
    if kind == _ENTRIES:
        return _plain_entries(_flat(values), _ENTRY_KEY[key])
    if kind == _EMAIL:
        return _plain_entries([v for v in values if v is not None], "email")
    if kind == _CUSTOM:
        entries = _flat(values)
        return (
            set(map(type, entries)) <= {dict}
            and all(map(_CUSTOM_KEYS.issuperset, entries))
            and {type(e.get("custom_field_definition_id")) for e in entries} <= {int}
        )
    return True


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
    if kind in TEXT_TYPES:
        return types <= _TEXT
    if kind == "Date" or kind in NUMBER_TYPES:
        allowed = {int, _NONE} if kind == "Date" else {int, float, _NONE}
        ints = [v for v in values if type(v) is int]
        return types <= allowed and _in_range(ints, INT64_MIN, INT64_MAX)
    if kind == "Checkbox":
        return types <= {bool, _NONE}
    if kind == "MultiSelect":
        if not types <= {list, _NONE}:
            return False
        values = _flat([v for v in values if v is not None])
    elif not types <= {int, _NONE}:
        return False
    options = [v for v in values if v is not None]
    return set(map(type, options)) <= {int} and set(options) <= definition.option_ids
