"""Name rules of SPEC.md 2: `name` from its parts, and parts from `name`."""

from __future__ import annotations


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
