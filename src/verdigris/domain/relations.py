"""Related items (copper-surface 5): which record types may be related, and which
relations a record holds at most one of. Relations are symmetric and hold only ids."""

from __future__ import annotations

PAIRS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("lead", "task"),
        ("person", "company"), ("person", "opportunity"), ("person", "task"),
        ("person", "project"),
        ("company", "opportunity"), ("company", "task"), ("company", "project"),
        ("opportunity", "task"), ("opportunity", "project"),
        ("project", "task"),
    )
)  # fmt: skip
"""Unordered pairs of types that may be related (Copper's list, both directions)."""

ONE_OF: dict[tuple[str, str], str] = {
    ("person", "company"): "company_id",
    ("opportunity", "company"): "company_id",
}
"""(type, other type) -> the reference field holding the one record of the other type
the record may relate to."""

ONE_IN_ALL = frozenset({"task"})
"""Types whose records relate to one record at most, of any type."""


def allowed(a: str, b: str) -> bool:
    return frozenset((a, b)) in PAIRS and a != b
