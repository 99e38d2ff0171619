"""Typed readers for the body keys of company, opportunity, activity and conversion writes
that domain.validation does not cover; each raises BadRequest naming the key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verdigris.errors import BadRequest

MAX_ID = 2**63 - 1
"""Ids are BIGINT columns; a larger number can name no record (and PostgreSQL rejects it)."""


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_ID <= value <= MAX_ID


def fits(value: int) -> bool:
    return -MAX_ID <= value <= MAX_ID


def text(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None or isinstance(value, str):
        return value
    raise BadRequest(f"{key}: must be a string or null")


def integer(body: Mapping[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None or is_int(value):
        return value
    raise BadRequest(f"{key}: must be an integer or null")


def obj(body: Mapping[str, Any], key: str, where: str = "") -> dict[str, Any] | None:
    """body[key] when an object (or None); `where` prefixes the key in the message."""
    value = body.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise BadRequest(f"{where}{key}: must be an object or null")


def id_list(body: Mapping[str, Any], key: str) -> list[int]:
    """A list of ids (a scalar is a one-element list), repeats dropped, order kept."""
    value = body.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if not all(is_int(i) for i in items):
        raise BadRequest(f"{key}: must be a list of integer ids")
    return list(dict.fromkeys(items))


def choice(body: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    """One of `allowed`, matched case-insensitively and returned in its listed spelling."""
    value = text(body, key)
    if value is None:
        return None
    for option in allowed:
        if option.casefold() == value.strip().casefold():
            return option
    raise BadRequest(f"{key}: must be one of {', '.join(allowed)}")
