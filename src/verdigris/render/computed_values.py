"""`?custom_field_computed_values=true` (SPEC.md 7): each custom field entry of a
rendered record gains `computed_value`: the option's name for a Dropdown, the options'
names for a MultiSelect, the value itself otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verdigris.domain.definitions import Definition

_DEPTH = 3
"""Records sit at most this deep in an answer: a record, a list of them, or convert's
{"person": ..., "company": ..., "opportunity": ...}."""


def with_computed_values(
    content: Any, definitions: Mapping[int, Definition], depth: int = 0
) -> Any:
    """`content` with `computed_value` added to every custom field entry of its records."""
    if depth > _DEPTH:
        return content
    if isinstance(content, list):
        return [with_computed_values(item, definitions, depth + 1) for item in content]
    if not isinstance(content, dict):
        return content
    shown = {k: with_computed_values(v, definitions, depth + 1) for k, v in content.items()}
    entries = content.get("custom_fields")
    if isinstance(entries, list):
        shown["custom_fields"] = [_entry(entry, definitions) for entry in entries]
    return shown


def _entry(entry: Any, definitions: Mapping[int, Definition]) -> Any:
    if not isinstance(entry, dict):
        return entry
    definition = definitions.get(entry.get("custom_field_definition_id"))  # type: ignore[arg-type]
    return entry | {"computed_value": computed_value(definition, entry.get("value"))}


def computed_value(definition: Definition | None, value: Any) -> Any:
    if definition is None or value is None or not definition.has_options:
        return value
    names = {option.id: option.name for option in definition.options}
    if isinstance(value, list):
        return [names.get(item, item) for item in value]
    return names.get(value, value)
