"""The ranges a stored number must fit, checked once for every write path (HTTP, upsert,
convert, bulk, snapshot loads) and every search value: what the database, the search
and the renderer can all hold."""

from __future__ import annotations

import math

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
"""Ids, timestamps and counts are BIGINT columns (and PostgreSQL's binary COPY would
truncate anything wider)."""
INT32_MAX = 2**31 - 1
MAX_EXACT = 2**53
"""Numbers (monetary values, Float/Currency/Percentage custom fields) are doubles: up to
this size every whole number is exact, as it is for JavaScript clients."""


def fits_int64(value: int) -> bool:
    """Whether an integer (an id from a path, say) can name a stored row."""
    return INT64_MIN <= value <= INT64_MAX


def is_number(value: object) -> bool:
    """A JSON number (integer or float; a bool is not one) that a double holds exactly
    enough and every layer can show: finite, within +-MAX_EXACT."""
    if type(value) is int:
        return -MAX_EXACT <= value <= MAX_EXACT
    return type(value) is float and math.isfinite(value) and abs(value) <= MAX_EXACT
