"""Name rules of SPEC.md 2: `name` from its parts, and parts from `name`."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def _clean(part: object) -> str | None:
    if isinstance(part, str) and part.strip():
        return part.strip()
    return None


def join_name(
    first: str | None, middle: str | None, last: str | None, suffix: str | None
) -> str | None:
    """`first [middle] last`, then `, suffix` when there is one; None when all are empty."""
    words = [p for p in (_clean(first), _clean(middle), _clean(last)) if p]
    name = " ".join(words)
    suffix_text = _clean(suffix)
    if suffix_text:
        name = f"{name}, {suffix_text}" if name else suffix_text
    return name or None


def split_name(name: str) -> tuple[str | None, str | None]:
    """First word, and the rest (or None)."""
    words = name.split()
    if not words:
        return None, None
    rest = " ".join(words[1:])
    return words[0], rest or None


def has_parts(record: dict[str, object]) -> bool:
    return any(_clean(record.get(k)) for k in ("first_name", "middle_name", "last_name"))


PART_KEYS = ("first_name", "middle_name", "last_name", "suffix")


def derive_names(record: dict[str, object], changed: Collection[str]) -> None:
    """Make `record` (with a write's `changed` keys applied) follow SPEC.md 2, in place.

    Parts in the write (first/middle/last/suffix) rebuild `name` from the merged parts;
    else a `name` in the write is split into first and last (middle cleared); else the
    stored name stays as it is.
    """
    parts_given = any(k in changed for k in PART_KEYS)
    if parts_given and has_parts(record):
        record["name"] = join_name(*(_text(record.get(k)) for k in PART_KEYS))
    elif "name" in changed and isinstance(record.get("name"), str) and record["name"]:
        first, last = split_name(str(record["name"]))
        record.update(first_name=first, middle_name=None, last_name=last)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def complete_names(record: dict[str, Any]) -> None:
    """A loaded record's `name` from its parts, or its first and last names from `name`
    (SPEC.md 5: derived fields are recomputed), in place."""
    if has_parts(record):
        record["name"] = join_name(
            _text(record.get("first_name")), _text(record.get("middle_name")),
            _text(record.get("last_name")), _text(record.get("suffix")),
        )  # fmt: skip
    else:
        record["first_name"], record["last_name"] = split_name(str(record["name"]))
