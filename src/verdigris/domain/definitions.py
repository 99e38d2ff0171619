"""Custom field definitions as typed values: what render shows and validation checks."""

from __future__ import annotations

from dataclasses import dataclass

from verdigris.domain.custom_fields import OPTION_TYPES


@dataclass(frozen=True)
class Option:
    id: int
    name: str
    rank: int


@dataclass(frozen=True)
class Definition:
    """One custom field definition of an account, with its options in (rank, id) order."""

    id: int
    name: str
    data_type: str
    available_on: tuple[str, ...]
    options: tuple[Option, ...] = ()

    def is_on(self, type_name: str) -> bool:
        return type_name in self.available_on

    @property
    def option_ids(self) -> frozenset[int]:
        return frozenset(o.id for o in self.options)

    @property
    def has_options(self) -> bool:
        return self.data_type in OPTION_TYPES
