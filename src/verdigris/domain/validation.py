"""Write bodies of people and leads -> clean field values, or BadRequest naming the field.

Pure: checks shapes and values only. References to other rows (company, status,
contact type...) and email uniqueness are checked by storage, which has the database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from verdigris.domain.custom_fields import NUMBER_TYPES, TEXT_TYPES
from verdigris.domain.definitions import Definition
from verdigris.domain.fields import ADDRESS_KEYS
from verdigris.domain.names import has_parts, join_name, split_name
from verdigris.errors import BadRequest, Unprocessable

EMAIL_CATEGORIES = ("work", "personal", "other")
PHONE_CATEGORIES = ("mobile", "work", "home", "other")
SOCIAL_CATEGORIES = (
    "linkedin", "twitter", "googleplus", "facebook", "youtube", "quora", "foursquare",
    "klout", "gravatar", "other",
)  # fmt: skip
WEBSITE_CATEGORIES = ("work", "personal", "other")
DEFAULT_CATEGORY = "other"

NAME_KEYS = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix")
PART_KEYS = ("first_name", "middle_name", "last_name", "suffix")
COMMON_TEXT = ("details", "title")
COMMON_IDS = ("assignee_id",)
PERSON_IDS = ("company_id", "contact_type_id")
LEAD_IDS = ("customer_source_id", "status_id")
LEAD_TEXT = ("company_name", "monetary_unit")

MAX_TEXT = 100_000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SPACE = re.compile(r"\s")
_DIGIT = re.compile(r"\d")

Cleaned = dict[str, Any]
"""Validated body keys (only those present); `custom_fields` as {definition id: value}."""


MAX_INT = 2**63  # ids and counts are BIGINT columns


def is_int(value: object) -> bool:
    """A JSON integer that fits a BIGINT column (larger ones would fail in the database)."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_INT <= value < MAX_INT


def check_strings(value: Any, key: str = "body") -> None:
    """Reject NUL characters anywhere: PostgreSQL text cannot hold them."""
    if isinstance(value, str):
        if "\x00" in value:
            raise BadRequest(f"{key}: contains a NUL character")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_strings(k, key)
            check_strings(v, k if key == "body" else f"{key}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_strings(v, f"{key}[{i}]")


def _text(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{key}: must be a string or null")
    if len(value) > MAX_TEXT:
        raise BadRequest(f"{key}: longer than {MAX_TEXT} characters")
    return value


def _name_part(key: str, value: Any) -> str | None:
    text = _text(key, value)
    return text.strip() or None if text is not None else None


def _id(key: str, value: Any) -> int | None:
    if value is None or is_int(value):
        return value  # type: ignore[no-any-return]
    raise BadRequest(f"{key}: must be an integer id or null")


def _number(key: str, value: Any) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadRequest(f"{key}: must be a number or null")
    return value


def _address(key: str, value: Any) -> dict[str, str | None] | None:
    """Five keys in order; unknown keys are dropped, missing ones null."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest(f"{key}: must be an object or null")
    return {part: _text(f"{key}.{part}", value.get(part)) for part in ADDRESS_KEYS}


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


def _entry(
    key: str, value: Any, field: str, check: Callable[[str, Any], str], categories: Sequence[str]
) -> dict[str, str]:
    if not isinstance(value, dict):
        raise BadRequest(f"{key}: must be an object {{{field}, category}}")
    return {
        field: check(f"{key}.{field}", value.get(field)),
        "category": _category(f"{key}.category", value.get("category"), categories),
    }


def _entries(
    key: str, value: Any, field: str, check: Callable[[str, Any], str], categories: Sequence[str]
) -> list[dict[str, str]]:
    """A list of {field, category}; null is the empty list (lists are replaced whole)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest(f"{key}: must be a list")
    return [_entry(f"{key}[{i}]", v, field, check, categories) for i, v in enumerate(value)]


def _tags(key: str, value: Any) -> list[str]:
    """Non-empty strings, trimmed; repeats (case-insensitive) keep the first spelling."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest(f"{key}: must be a list of strings")
    tags: dict[str, str] = {}
    for i, tag in enumerate(value):
        if not isinstance(tag, str) or not tag.strip():
            raise BadRequest(f"{key}[{i}]: must be a non-empty string")
        tags.setdefault(tag.strip().casefold(), tag.strip())
    return list(tags.values())


_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    **dict.fromkeys(NAME_KEYS, _name_part),
    **dict.fromkeys(COMMON_TEXT + LEAD_TEXT, _text),
    **dict.fromkeys(COMMON_IDS + PERSON_IDS + LEAD_IDS, _id),
    "address": _address,
    "monetary_value": _number,
    "tags": _tags,
    "phone_numbers": lambda k, v: _entries(k, v, "number", _phone, PHONE_CATEGORIES),
    "socials": lambda k, v: _entries(k, v, "url", _url, SOCIAL_CATEGORIES),
    "websites": lambda k, v: _entries(k, v, "url", _url, WEBSITE_CATEGORIES),
    "emails": lambda k, v: _entries(k, v, "email", _email, EMAIL_CATEGORIES),
    "email": lambda k, v: None if v is None else _entry(k, v, "email", _email, EMAIL_CATEGORIES),
}
_COMMON = ("address", "tags", "phone_numbers", "socials", "websites")
PERSON_WRITABLE = NAME_KEYS + COMMON_TEXT + COMMON_IDS + PERSON_IDS + _COMMON + ("emails",)
LEAD_WRITABLE = (
    NAME_KEYS + COMMON_TEXT + LEAD_TEXT + COMMON_IDS + LEAD_IDS + _COMMON
    + ("email", "monetary_value")
)  # fmt: skip
"""Every other key of a body (id, dates, counts, derived names) is read-only: ignored."""


def clean(
    body: Mapping[str, Any],
    writable: Sequence[str],
    definitions: Sequence[Definition],
    type_name: str,
) -> Cleaned:
    """The writable keys present in `body`, checked and normalised."""
    check_strings(body)
    out: Cleaned = {key: _CHECKS[key](key, body[key]) for key in writable if key in body}
    if "custom_fields" in body:
        out["custom_fields"] = custom_field_values(body["custom_fields"], definitions, type_name)
    return out


def derive_names(record: dict[str, Any], changes: Cleaned) -> None:
    """Make `record` (with `changes` applied) follow SPEC.md 2's name rules, in place.

    Parts in the body (first/middle/last/suffix) rebuild `name` from the merged parts;
    else a `name` in the body is split into first and last (middle cleared); else the
    stored name stays as it is. Raises Unprocessable when no name is left.
    """
    parts_given = any(k in changes for k in PART_KEYS)
    if parts_given and has_parts(record):
        parts = (record.get(k) for k in PART_KEYS)
        record["name"] = join_name(*parts)
    elif "name" in changes and record.get("name"):
        first, last = split_name(record["name"])
        record.update(first_name=first, middle_name=None, last_name=last)
    if not record.get("name"):
        raise Unprocessable("name: a name (or a first_name or last_name) is required")


def custom_field_values(
    value: Any, definitions: Sequence[Definition], type_name: str
) -> dict[int, Any]:
    """{definition id: value} of a `custom_fields` list; a later entry wins over an earlier."""
    if value is None:
        return {}
    if not isinstance(value, list):
        raise BadRequest("custom_fields: must be a list of {custom_field_definition_id, value}")
    by_id = {d.id: d for d in definitions}
    values: dict[int, Any] = {}
    for i, entry in enumerate(value):
        key = f"custom_fields[{i}]"
        if not isinstance(entry, dict):
            raise BadRequest(f"{key}: must be an object {{custom_field_definition_id, value}}")
        definition = _definition(key, entry.get("custom_field_definition_id"), by_id, type_name)
        values[definition.id] = custom_value(f"{key}.value", definition, entry.get("value"))
    return values


def _definition(
    key: str, definition_id: Any, by_id: Mapping[int, Definition], type_name: str
) -> Definition:
    key = f"{key}.custom_field_definition_id"
    if not is_int(definition_id):
        raise BadRequest(f"{key}: must be an integer")
    definition = by_id.get(definition_id)
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
        if not (is_int(value) or (isinstance(value, float) and value.is_integer())):
            raise BadRequest(f"{key}: a Date value must be a Unix timestamp (integer seconds)")
        return int(value)
    if data_type in NUMBER_TYPES:
        return _number(key, value)
    return _options(key, definition, value)


def _options(key: str, definition: Definition, value: Any) -> Any:
    if definition.data_type == "Dropdown":
        _option(key, definition, value)
        return value
    if not isinstance(value, list):
        raise BadRequest(f"{key}: a MultiSelect value must be a list of option ids")
    for i, option in enumerate(value):
        _option(f"{key}[{i}]", definition, option)
    return list(dict.fromkeys(value))


def _option(key: str, definition: Definition, value: Any) -> None:
    if not is_int(value):
        raise BadRequest(f"{key}: must be an option id (integer)")
    if value not in definition.option_ids:
        raise BadRequest(f"{key}: option {value} is not an option of definition {definition.id}")
