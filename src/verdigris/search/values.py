"""Strict readers of JSON filter values: each returns the value or raises BadRequest
naming the field. `None` always means "not given" and is handled by the caller."""

from __future__ import annotations

from typing import Any

from verdigris.errors import BadRequest

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def integer(field: str, value: Any) -> int:
    """A JSON integer that fits the database's 64-bit columns (a bool is not one)."""
    if type(value) is not int:
        raise BadRequest(f"{field}: must be an integer, got {_kind(value)}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise BadRequest(f"{field}: {value} is out of range")
    return value


def number(field: str, value: Any) -> float | int:
    if type(value) is float:
        return value
    return integer(field, value)


def string(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{field}: must be a string, got {_kind(value)}")
    if "\x00" in value:  # PostgreSQL text cannot hold NUL, so nothing could match it
        raise BadRequest(f"{field}: must not contain NUL characters")
    return value


def boolean(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadRequest(f"{field}: must be true or false, got {_kind(value)}")
    return value


def listed(value: Any) -> list[Any]:
    """A scalar where the docs say array is a one-element array (SPEC.md 3)."""
    return value if isinstance(value, list) else [value]


def elements(field: str, value: Any) -> list[tuple[str, Any]]:
    """(field[i], item) for each non-null item of an array (or scalar)."""
    return [(f"{field}[{i}]", item) for i, item in enumerate(listed(value)) if item is not None]


def choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    """One of `allowed`, compared case-insensitively; returns the canonical spelling."""
    text = string(field, value)
    for option in allowed:
        if text.casefold() == option.casefold():
            return option
    raise BadRequest(f"{field}: must be one of {', '.join(allowed)}, got {text[:40]!r}")


def mapping(field: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadRequest(f"{field}: must be an object, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    return names.get(type(value), "an array" if isinstance(value, list) else "an object")
