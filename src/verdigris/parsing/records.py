"""Create and update bodies of every declared record type -> `Changes`, or BadRequest
naming the field. Which keys are read, and how, comes from the declaration: one reader
per field kind. References to other rows and uniqueness rules are checked by storage,
which has the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, singledispatch
from typing import Any

from verdigris.domain.custom_fields import NUMBER_TYPES, TEXT_TYPES
from verdigris.domain.dates import copper_date, parse_date
from verdigris.domain.declarations import Declaration
from verdigris.domain.declarations.fields import (
    ADDRESS_PARTS,
    MAX_TEXT,
    Address,
    Choice,
    CustomFields,
    DateText,
    Entries,
    Entry,
    Field,
    Integer,
    Number,
    Ref,
    Related,
    Tags,
    Text,
    Timestamp,
)
from verdigris.domain.definitions import Definition
from verdigris.errors import BadRequest
from verdigris.parsing import values as v

DEFAULT_CATEGORY = "other"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SPACE = re.compile(r"\s")
_DIGIT = re.compile(r"\d")

Definitions = Callable[[], Sequence[Definition]]
"""The account's custom field definitions, read only when a body sets custom fields."""
Read = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Changes:
    """A validated write body: the writable fields it sets (only those present, with
    null meaning "clear"), its custom field values by definition id (None when the
    body has no `custom_fields`), and type-specific `extras` (an opportunity's
    `related_people`)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    custom: Mapping[int, Any] | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def parse_changes(
    declaration: Declaration,
    body: Mapping[str, Any],
    definitions: Definitions,
    extras: Mapping[str, Read] | None = None,
) -> Changes:
    """The writable keys present in `body`, checked and normalised; every other key (id,
    dates, counts, derived names, unknown keys) is ignored. `extras` read keys the
    declaration does not show (key -> reader)."""
    values = {
        name: read(name, body[name]) for name, read in readers(declaration).items() if name in body
    }
    custom = None
    if declaration.custom_fields is not None and "custom_fields" in body:
        custom = custom_field_values(body["custom_fields"], definitions(), declaration.name)
    read_extras = {key: read(key, body[key]) for key, read in (extras or {}).items() if key in body}
    return Changes(values, custom, read_extras)


@cache
def readers(declaration: Declaration) -> dict[str, Read]:
    """The reader of each writable field, by key (compiled once per declaration)."""
    return {
        f.name: field_reader(f) for f in declaration.writable if not isinstance(f, CustomFields)
    }


@singledispatch
def field_reader(field: Field) -> Read:
    """How a writable field's value is read from a body."""
    raise TypeError(f"{type(field).__name__} fields cannot be written")


def _text(key: str, value: Any) -> str | None:
    if value is None:
        return None
    text = v.string(key, value)
    if len(text) > MAX_TEXT:
        raise BadRequest(f"{key}: longer than {MAX_TEXT} characters")
    return text


def _name_part(key: str, value: Any) -> str | None:
    text = _text(key, value)
    return text.strip() or None if text is not None else None


@field_reader.register
def _(field: Text) -> Read:
    return _name_part if field.name_part else _text


@field_reader.register
def _(field: DateText) -> Read:
    return _date


def _date(key: str, value: Any) -> str | None:
    """A date as Copper shows it, "M/D/YYYY" (read from that, zero-padded or not, or from
    "YYYY-MM-DD"); null clears."""
    if value is None:
        return None
    day = parse_date(v.string(key, value))
    if day is None:
        raise BadRequest(f"{key}: must be a date as M/D/YYYY, got {str(value)[:40]!r}")
    return copper_date(day)


@field_reader.register(Ref)
@field_reader.register(Timestamp)
def _(field: Field) -> Read:
    return v.optional(v.integer)


@field_reader.register
def _(field: Integer) -> Read:
    low, high = field.minimum, field.maximum

    def read(key: str, value: Any) -> int | None:
        number = v.optional(v.integer)(key, value)
        if number is not None and not low <= number <= high:
            raise BadRequest(f"{key}: must be between {low} and {high}")
        return number

    return read


@field_reader.register
def _(field: Number) -> Read:
    return v.optional(v.number)


@field_reader.register
def _(field: Choice) -> Read:
    choices, default = field.choices, field.default
    return lambda key, value: default if value is None else v.choice(key, value, choices)


@field_reader.register
def _(field: Address) -> Read:
    return _address


def _address(key: str, value: Any) -> dict[str, str | None] | None:
    """Five keys in order; unknown keys are dropped, missing ones null."""
    if value is None:
        return None
    place = v.mapping(key, value)
    return {part: _text(f"{key}.{part}", place.get(part)) for part in ADDRESS_PARTS}


def _category(key: str, value: Any, allowed: Sequence[str]) -> str:
    if value is None:
        return DEFAULT_CATEGORY
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise BadRequest(f"{key}: must be one of {', '.join(allowed)}")
    return value.strip().lower()


def _email(key: str, value: Any) -> str:
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value.strip()):
        raise BadRequest(f"{key}: not a valid email address")
    return value.strip()


def _phone(key: str, value: Any) -> str:
    if not isinstance(value, str) or len(value) > 64 or not _DIGIT.search(value):
        raise BadRequest(f"{key}: not a phone number (a string with at least one digit)")
    return value.strip()


def _url(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 2048:
        raise BadRequest(f"{key}: must be a non-empty URL")
    if _SPACE.search(value.strip()):
        raise BadRequest(f"{key}: a URL cannot contain spaces")
    return value.strip()


_ITEMS: dict[str, Callable[[str, Any], str]] = {"email": _email, "number": _phone, "url": _url}


def _entry_reader(item: str, categories: Sequence[str]) -> Read:
    check = _ITEMS[item]

    def read(key: str, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise BadRequest(f"{key}: must be an object {{{item}, category}}")
        return {
            item: check(f"{key}.{item}", value.get(item)),
            "category": _category(f"{key}.category", value.get("category"), categories),
        }

    return read


@field_reader.register
def _(field: Entry) -> Read:
    return v.optional(_entry_reader(field.item, field.categories))


@field_reader.register
def _(field: Entries) -> Read:
    entry = _entry_reader(field.item, field.categories)

    def read(key: str, value: Any) -> list[dict[str, str]]:
        """A list of {item, category}; null is the empty list (lists are replaced whole)."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise BadRequest(f"{key}: must be a list")
        return [entry(f"{key}[{i}]", e) for i, e in enumerate(value)]

    return read


@field_reader.register
def _(field: Related) -> Read:
    types = field.types

    def read(key: str, value: Any) -> dict[str, Any] | None:
        """{"id", "type"} of one of `types`; null (or a null id) is "none"."""
        if value is None:
            return None
        resource = v.mapping(key, value)
        if resource.get("id") is None and resource.get("type") is None:
            return None
        kind = resource.get("type")
        if kind not in types:
            raise BadRequest(f"{key}.type: must be one of {', '.join(types)}")
        return {"id": v.integer(f"{key}.id", resource.get("id")), "type": kind}

    return read


@field_reader.register
def _(field: Tags) -> Read:
    return tags


def tags(key: str, value: Any) -> list[str]:
    """Non-empty strings, trimmed; repeats (case-insensitive) keep the first spelling."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest(f"{key}: must be a list of strings")
    found: dict[str, str] = {}
    for i, tag in enumerate(value):
        if not isinstance(tag, str) or not tag.strip():
            raise BadRequest(f"{key}[{i}]: must be a non-empty string")
        text = v.string(f"{key}[{i}]", tag).strip()
        found.setdefault(text.casefold(), text)
    return list(found.values())


def custom_field_values(
    value: Any, definitions: Sequence[Definition], type_name: str
) -> dict[int, Any]:
    """{definition id: value} of a `custom_fields` list; a later entry wins over an earlier."""
    if value is None:
        return {}
    if not isinstance(value, list):
        raise BadRequest("custom_fields: must be a list of {custom_field_definition_id, value}")
    by_id = {d.id: d for d in definitions}
    found: dict[int, Any] = {}
    for i, entry in enumerate(value):
        key = f"custom_fields[{i}]"
        if not isinstance(entry, dict):
            raise BadRequest(f"{key}: must be an object {{custom_field_definition_id, value}}")
        definition = custom_definition(
            f"{key}.custom_field_definition_id",
            entry.get("custom_field_definition_id"),
            by_id,
            type_name,
        )
        found[definition.id] = custom_value(f"{key}.value", definition, entry.get("value"))
    return found


def custom_definition(
    key: str, definition_id: Any, by_id: Mapping[int, Definition], type_name: str
) -> Definition:
    """The definition an entry names, available on `type_name` (else 400)."""
    definition = by_id.get(v.integer(key, definition_id))
    if definition is None:
        raise BadRequest(f"{key}: no custom field definition {definition_id}")
    if not definition.is_on(type_name):
        raise BadRequest(f"{key}: definition {definition_id} is not available on {type_name}")
    return definition


def custom_value(key: str, definition: Definition, value: Any) -> Any:
    """A value checked against its definition's data type (null clears)."""
    data_type = definition.data_type
    if value is None:
        return None
    if data_type in TEXT_TYPES:
        return _text(key, value)
    if data_type == "Checkbox":
        if not isinstance(value, bool):
            raise BadRequest(f"{key}: a Checkbox value must be true, false or null")
        return value
    if data_type == "Date":
        if type(value) is float and value.is_integer():
            value = int(value)
        if type(value) is not int:
            raise BadRequest(f"{key}: a Date value must be a Unix timestamp (integer seconds)")
        return v.integer(key, value)
    if data_type in NUMBER_TYPES:
        return v.number(key, value)
    return _options(key, definition, value)


def _options(key: str, definition: Definition, value: Any) -> Any:
    if definition.data_type == "Dropdown":
        return _option(key, definition, value)
    if not isinstance(value, list):
        raise BadRequest(f"{key}: a MultiSelect value must be a list of option ids")
    return list(dict.fromkeys(_option(f"{key}[{i}]", definition, o) for i, o in enumerate(value)))


def _option(key: str, definition: Definition, value: Any) -> int:
    option = v.integer(key, value) if type(value) is int else None
    if option is None:
        raise BadRequest(f"{key}: must be an option id (integer)")
    if option not in definition.option_ids:
        raise BadRequest(f"{key}: option {value} is not an option of definition {definition.id}")
    return option
