"""The verdigris-snapshot/1 format: checkers of its values, and of its lookup sections.

A checker returns None when a value is valid, else "<relative path>: <what is wrong>";
the loader prefixes the account and record (`accounts[0] (id 1).people[3] (id 42)`).
Pure: no I/O. Record checkers are derived from the declarations (record_checks.py);
references between sections are checked with `AccountRefs`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from verdigris.domain.custom_fields import AVAILABLE_ON, DATA_TYPES, NUMBER_TYPES, TEXT_TYPES
from verdigris.domain.declarations.fields import ADDRESS_PARTS
from verdigris.domain.lookup_defaults import ICON_TYPES
from verdigris.domain.numbers import INT32_MAX, INT64_MAX, INT64_MIN, is_number
from verdigris.parsing.webhooks import EVENTS as WEBHOOK_EVENTS
from verdigris.parsing.webhooks import TYPES as WEBHOOK_TYPES

FORMAT = "verdigris-snapshot/1"
Check = Callable[[Any], "str | None"]
RECORD_SECTIONS = ("people", "leads")
"""Record sections streamed in batches; they come after every other section."""
_HASH = re.compile(r"[0-9a-f]{64}")


def _is_int(value: Any) -> bool:
    return type(value) is int


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


def _number(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) not in (int, float):
        return ": expected a number or null"
    return None if is_number(value) else f": {value} is out of range (finite, within +-2**53)"


NUMBER: Check = _number
BOOL = _types("true or false", bool, _NULL)
REQ_STR = _types("a string", str)
REQ_INT = _types("an integer", int)
REQ_BOOL = _types("true or false", bool)
COUNT = _test(lambda v: _is_int(v) and 0 <= v <= INT32_MAX, "a non-negative 32-bit integer")
PERCENT = _test(lambda v: _is_int(v) and 0 <= v <= 100, "an integer from 0 to 100")


def _int32(value: Any) -> str | None:
    if value is None or (_is_int(value) and -INT32_MAX <= value <= INT32_MAX):
        return None
    return ": expected an integer or null, within 32 bits"


INT32: Check = _int32


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


def entries(key: str) -> Check:
    return list_of(obj({key: REQ_STR, "category": STR}, required=(key,)))


ADDRESS = nullable(obj(dict.fromkeys(ADDRESS_PARTS, STR)))
CUSTOM_ENTRY = obj(
    {"custom_field_definition_id": REQ_INT, "value": lambda v: None},
    required=("custom_field_definition_id",),
)

_NAMED = obj({"id": REQ_INT, "name": REQ_STR}, required=("id", "name"))
_STRINGS = obj({}, extra=True)
"""A webhook's `secret` or `headers`: an object (its values are checked on the way in)."""
LOOKUP_SECTIONS: dict[str, Check] = {
    "users": list_of(obj(
        {"id": REQ_INT, "name": STR, "email": REQ_STR, "api_tokens": list_of(REQ_STR),
         "api_token_hashes": list_of(TOKEN_HASH)},
        required=("id", "email"),
    )),
    "contact_types": list_of(_NAMED),
    "customer_sources": list_of(_NAMED),
    "lead_statuses": list_of(obj(
        {"id": REQ_INT, "name": REQ_STR, "order": INT32, "is_default": BOOL},
        required=("id", "name"),
    )),
    "activity_types": list_of(obj(
        {"id": REQ_INT, "category": one_of("user", "system"), "name": REQ_STR,
         "count_as_interaction": REQ_BOOL, "icon_type": nullable(one_of(*ICON_TYPES)),
         "is_disabled": BOOL, "is_default_task_type": BOOL},
        required=("id", "category", "name"),
    )),
    "pipelines": list_of(obj(
        {"id": REQ_INT, "name": REQ_STR,
         "stages": list_of(obj({"id": REQ_INT, "name": REQ_STR, "win_probability": PERCENT},
                               required=("id", "name")))},
        required=("id", "name"),
    )),
    "loss_reasons": list_of(_NAMED),
    "webhooks": list_of(obj(
        {"id": REQ_INT, "target": REQ_STR, "type": one_of(*WEBHOOK_TYPES),
         "event": one_of(*WEBHOOK_EVENTS), "secret": _STRINGS, "headers": _STRINGS,
         "custom_field_computed_values": BOOL, "signing_secret": STR, "created_at": INT},
        required=("id", "target", "type", "event"),
    )),
    "custom_field_definitions": list_of(obj(
        {"id": REQ_INT, "name": REQ_STR, "data_type": one_of(*DATA_TYPES),
         "available_on": list_of(one_of(*AVAILABLE_ON)),
         "options": list_of(obj({"id": REQ_INT, "name": REQ_STR, "rank": INT32},
                                required=("id", "name")))},
        required=("id", "name", "data_type", "available_on"),
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
    """Ids an account's records may refer to, gathered from its header sections: `ids`
    by section (a reference's target table), and the custom field definitions."""

    ids: dict[str, set[int]] = field(default_factory=dict)
    custom_fields: dict[int, CustomField] = field(default_factory=dict)

    @property
    def users(self) -> set[int]:
        return self.ids.get("users", set())


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


def account_refs(sections: Mapping[str, list[dict[str, Any]]]) -> AccountRefs:
    """The reference sets of an account whose header sections are valid."""
    definitions = {
        d["id"]: CustomField(
            d["data_type"], frozenset(d["available_on"]),
            frozenset(o["id"] for o in d.get("options") or ()),
        )
        for d in sections.get("custom_field_definitions") or ()
    }  # fmt: skip
    ids = {
        name: {row["id"] for row in rows or ()}
        for name, rows in sections.items()
        if isinstance(rows, list) and name != "custom_field_definitions"
    }
    stages = (s["id"] for p in sections.get("pipelines") or () for s in p.get("stages") or ())
    ids["pipeline_stages"] = set(stages)
    return AccountRefs(ids, definitions)
