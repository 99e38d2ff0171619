"""Strict readers of JSON values: each returns the value or raises BadRequest naming the
field. `None` always means "not given" and is handled by the caller (or `optional`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from verdigris.domain.numbers import INT64_MAX, INT64_MIN, MAX_EXACT, is_number
from verdigris.errors import BadRequest

T = TypeVar("T")
Reader = Callable[[str, Any], T]


def integer(field: str, value: Any) -> int:
    """A JSON integer that fits the database's 64-bit columns (a bool is not one).

    `2.0` is an integer too, as JSON Schema counts it: clients that compute a page
    number or an id by division send one."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int:
        raise BadRequest(f"{field}: must be an integer, got {kind(value)}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise BadRequest(f"{field}: {value} is out of range (64-bit integers)")
    return value


def number(field: str, value: Any) -> float | int:
    """A finite number within +-2**53 (what every layer stores and shows exactly)."""
    if type(value) not in (int, float):
        raise BadRequest(f"{field}: must be a number, got {kind(value)}")
    if not is_number(value):
        raise BadRequest(f"{field}: must be a finite number within +-{MAX_EXACT}")
    return value  # type: ignore[no-any-return]


def string(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{field}: must be a string, got {kind(value)}")
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: refused on every backend alike
        raise BadRequest(f"{field}: must not contain NUL characters")
    return value


def boolean(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadRequest(f"{field}: must be true or false, got {kind(value)}")
    return value


def mapping(field: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadRequest(f"{field}: must be an object, got {kind(value)}")
    return value


def choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    """One of `allowed`, compared case-insensitively; returns the canonical spelling."""
    text = string(field, value)
    for option in allowed:
        if text.strip().casefold() == option.casefold():
            return option
    raise BadRequest(f"{field}: must be one of {', '.join(allowed)}, got {text[:40]!r}")


def optional(read: Reader[T]) -> Reader[T | None]:
    """`read`, with null passing through as None."""
    return lambda field, value: None if value is None else read(field, value)


def listed(value: Any) -> list[Any]:
    """A scalar where the docs say array is a one-element array (SPEC.md 3)."""
    return value if isinstance(value, list) else [value]


def elements(field: str, value: Any) -> list[tuple[str, Any]]:
    """(field[i], item) for each non-null item of an array (or scalar)."""
    return [(f"{field}[{i}]", item) for i, item in enumerate(listed(value)) if item is not None]


def id_list(field: str, value: Any) -> list[int]:
    """Ids (a scalar is a one-element list), repeats dropped, order kept; null is []."""
    if value is None:
        return []
    return list(dict.fromkeys(integer(f, item) for f, item in elements(field, value)))


def kind(value: Any) -> str:
    """How a message names the JSON type of `value`."""
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    return names.get(type(value), "an array" if isinstance(value, list) else "an object")
