"""Shared vocabulary: record types and their small-integer codes in child tables."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

Record = dict[str, Any]
"""A record in Copper's output shape (every key present), as storage returns it."""


class RecordType(IntEnum):
    """Code stored in the `record_type` column of the shared child tables."""

    PERSON = 1
    LEAD = 2
    COMPANY = 3
    OPPORTUNITY = 4
    TASK = 5
    PROJECT = 6

    @property
    def api_name(self) -> str:
        """The name Copper uses in `available_on` and activity parents."""
        return self.name.lower()

    @classmethod
    def from_api_name(cls, name: str) -> RecordType:
        return cls[name.upper()]
