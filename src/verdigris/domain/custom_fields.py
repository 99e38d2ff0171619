"""Custom field data types (Copper's names), where each may live, and unset defaults."""

from __future__ import annotations

DATA_TYPES = (
    "String",
    "Text",
    "URL",
    "Date",
    "Float",
    "Percentage",
    "Currency",
    "Checkbox",
    "Dropdown",
    "MultiSelect",
)
TEXT_TYPES = frozenset({"String", "Text", "URL"})
NUMBER_TYPES = frozenset({"Date", "Float", "Percentage", "Currency"})
OPTION_TYPES = frozenset({"Dropdown", "MultiSelect"})
AVAILABLE_ON = ("person", "lead", "company", "opportunity", "project", "task")


def unset_value(data_type: str) -> object:
    """What `custom_fields` shows for a definition the record has no value for."""
    if data_type == "Checkbox":
        return False
    if data_type == "MultiSelect":
        return []
    return None


def is_unset(data_type: str, value: object) -> bool:
    """True when `value` carries nothing (so no value row is stored)."""
    if value is None:
        return True
    if data_type == "Checkbox":
        return value is False
    if data_type == "MultiSelect":
        return value == []
    if data_type in TEXT_TYPES:
        return value == ""
    return False
