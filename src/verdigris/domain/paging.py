"""Paging of every /search route (SPEC.md 3): only the first 100,000 matches are
reachable, and X-PW-TOTAL never exceeds that (parsing/paging.py reads the values)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_REACHABLE = 100_000
"""Only the first 100,000 matches can be paged to; X-PW-TOTAL never exceeds it."""
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class Paging:
    number: int = 1
    size: int = DEFAULT_PAGE_SIZE

    def window(self) -> tuple[int, int] | None:
        """(offset, limit) of this page within the reachable matches, None past them."""
        offset = (self.number - 1) * self.size
        if offset >= MAX_REACHABLE:
            return None
        return offset, min(self.size, MAX_REACHABLE - offset)
