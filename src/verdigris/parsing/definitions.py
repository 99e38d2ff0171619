"""Bodies of custom field definition writes: `{name, data_type, available_on, options:
[{id?, name, rank}]}` (SPEC.md 4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from verdigris.domain import custom_fields as cf
from verdigris.domain.numbers import INT32_MAX
from verdigris.errors import BadRequest
from verdigris.parsing import values as v


@dataclass(frozen=True)
class OptionEntry:
    """An option as a body gives it: `id` names an existing one (None: a new one),
    `name` None keeps an existing option's name, `rank` None keeps or defaults it."""

    id: int | None
    name: str | None
    rank: int | None


@dataclass(frozen=True)
class DefinitionBody:
    """The keys a body sets (None: not given)."""

    name: str | None = None
    data_type: str | None = None
    available_on: tuple[str, ...] | None = None
    options: tuple[OptionEntry, ...] | None = None


def parse_definition(body: Mapping[str, Any], creating: bool) -> DefinitionBody:
    """A create body needs name and data_type; an update sets only the keys present."""
    name = _name(body.get("name")) if creating or "name" in body else None
    data_type = None
    if creating or "data_type" in body:
        data_type = _data_type(body.get("data_type"))
    available_on = None
    if creating or "available_on" in body:
        available_on = _available_on(body.get("available_on"))
    options = _options(body.get("options")) if creating or "options" in body else None
    return DefinitionBody(name, data_type, available_on, options)


def _name(value: Any, key: str = "name") -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{key}: must be a non-empty string")
    return v.string(key, value).strip()


def _available_on(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or any(item not in cf.AVAILABLE_ON for item in value):
        raise BadRequest(f"available_on: must be a list of {', '.join(cf.AVAILABLE_ON)}")
    return tuple(dict.fromkeys(value))


def _data_type(value: Any) -> str:
    if value not in cf.DATA_TYPES:
        raise BadRequest(f"data_type: must be one of {', '.join(cf.DATA_TYPES)}")
    return str(value)


def _options(value: Any) -> tuple[OptionEntry, ...]:
    """Checked option entries; whether the data type has options is storage's check."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadRequest("options: must be a list of {name, rank}")
    entries = tuple(_option(f"options[{i}]", entry) for i, entry in enumerate(value))
    names = [o.name.casefold() for o in entries if o.name is not None]
    if len(set(names)) != len(names):
        raise BadRequest("options: two options have the same name")
    return entries


def _option(key: str, entry: Any) -> OptionEntry:
    option = v.mapping(key, entry)
    option_id = v.optional(v.integer)(f"{key}.id", option.get("id"))
    rank = v.optional(v.integer)(f"{key}.rank", option.get("rank"))
    if rank is not None and not -INT32_MAX <= rank <= INT32_MAX:
        raise BadRequest(f"{key}.rank: must be a 32-bit integer")
    # An existing option (with its id) may leave its name out: it keeps it.
    keep = option_id is not None and option.get("name") is None
    name = None if keep else _name(option.get("name"), f"{key}.name")
    return OptionEntry(option_id, name, rank)
