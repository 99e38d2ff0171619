"""Parsed search filter values, in the form the SQL needs (keys folded, -2 split out)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IdSet:
    """Ids to match; `none` when -2 was given (records with no value match too)."""

    ids: tuple[int, ...]
    none: bool


@dataclass(frozen=True)
class Equals:
    """An address part equal to `key` (trimmed, folded); `allow_empty` adds empty ones.
    `key` None means only empty ones."""

    key: str | None
    allow_empty: bool


@dataclass(frozen=True)
class Options:
    """Tags or MultiSelect/Dropdown options: `option` ANY, ALL or NONE of `values`;
    `allow_empty` adds records with none. No values means only records with none."""

    option: str
    values: tuple[str, ...] | tuple[int, ...]
    allow_empty: bool


@dataclass(frozen=True)
class Bounds:
    """Inclusive bounds on a number; a record with no value never matches."""

    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class CustomFieldFilter:
    """One `custom_fields` entry: Options, Bounds, a bool (Checkbox) or a folded string."""

    definition_id: int
    data_type: str
    condition: Options | Bounds | bool | str
