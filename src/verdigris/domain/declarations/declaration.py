"""A record type's declaration: its fields in output order, its sort keys and filters.

Everything else about a record type (table, rows, rendering, write validation, snapshot
checks, OpenAPI, search) is derived from this by the layers that handle it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from verdigris.domain.declarations.fields import (
    Address,
    Choice,
    CustomFields,
    Entries,
    Entry,
    Field,
    Flag,
    Joined,
    JoinedKey,
    Ref,
    Tags,
)
from verdigris.domain.types import RecordType


class FilterKind(Enum):
    """How a search filter matches (SPEC.md 3 and 7); search/ builds one clause each."""

    IDS = "ids"  # the record's id is one of the ids
    REF_IDS = "ref_ids"  # a reference is one of the ids (-2: none, when `none`)
    FUZZY_NAME = "fuzzy_name"  # a name token within the edit budget of a query token
    NAME_CONTAINS = "name_contains"  # the name contains the text, case-insensitively
    PHONE = "phone"  # a phone's digits equal the query's digits
    EMAILS = "emails"  # an email equals one of them, case-insensitively
    TEXTS = "texts"  # a text's match key equals one of them (trimmed, case-insensitive)
    SOCIALS = "socials"  # a social URL equals one of them, case-insensitively
    ADDRESS = "address"  # an address part equals a value {value, allow_empty}
    TAGS = "tags"  # ANY / ALL / NONE of the tags, allow_empty
    FOLLOWED = "followed"  # 1: the requesting user follows it, 2: does not
    AGE = "age"  # created at most this many seconds ago
    MINIMUM = "minimum"  # column >= value
    MAXIMUM = "maximum"  # column <= value
    OPPORTUNITIES = "opportunities"  # primary contact of, or related to, the opportunities
    CHOICES = "choices"  # a choice column is one of the names (case-insensitive)
    CHOICE_IDS = "choice_ids"  # a choice column is one of the names numbered 0, 1, ...
    RELATED_IDS = "related_ids"  # the related record is one of the `target` ids (-2: none)
    CUSTOM_FIELDS = "custom_fields"  # every entry holds


@dataclass(frozen=True)
class Filter:
    """A search key and how it matches. `column` is what it compares; REF_IDS filters
    with `none` take -2 for "no value"; MINIMUM/MAXIMUM of a `number` take any number
    (else an integer); CHOICES and CHOICE_IDS match the `choices` of their column;
    RELATED_IDS the related record of type `target`."""

    key: str
    kind: FilterKind
    column: str | None = None
    none: bool = False
    number: bool = False
    alias_of: str | None = None
    choices: tuple[str, ...] = ()
    target: str | None = None


@dataclass(frozen=True)
class Sort:
    """A `sort_by` value: the column it orders by; `reverse` keys order by their column
    the other way round (`inactive_days` ascending is the latest contact first)."""

    key: str
    column: str
    reverse: bool = False


@dataclass(frozen=True, kw_only=True)
class Declaration:
    """One record type. `fields` are its JSON keys in output order; `stored` are columns
    it keeps but does not show (snapshots carry those that are not Derived)."""

    record_type: RecordType
    name: str
    plural: str
    table: str
    fields: tuple[Field, ...]
    stored: tuple[Field, ...] = ()
    sorts: tuple[Sort, ...] = ()
    default_sort: str = "name"
    filters: tuple[Filter, ...] = ()
    person_name: bool = False
    followers: bool = True
    converted_column: str | None = None
    default_descending: bool = field(default=False)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Output keys, in order."""
        return tuple(f.name for f in self.fields)

    @cached_property
    def by_name(self) -> Mapping[str, Field]:
        return {f.name: f for f in (*self.fields, *self.stored)}

    @cached_property
    def writable(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.writable)

    @cached_property
    def sort_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sorts)

    @cached_property
    def sort_by_key(self) -> Mapping[str, Sort]:
        return {s.key: s for s in self.sorts}

    @cached_property
    def filter_by_key(self) -> Mapping[str, Filter]:
        return {f.key: f for f in self.filters}

    @cached_property
    def references(self) -> tuple[Ref, ...]:
        """Writable references, checked against their target table on every write."""
        return tuple(f for f in self.fields if isinstance(f, Ref) and f.writable)

    @cached_property
    def joins(self) -> tuple[Joined, ...]:
        return tuple(f for f in self.fields if isinstance(f, Joined))

    @cached_property
    def joined_keys(self) -> tuple[JoinedKey, ...]:
        return tuple(f for f in self.stored if isinstance(f, JoinedKey))

    @cached_property
    def carried(self) -> tuple[Field, ...]:
        """Stored-only fields a snapshot carries: those not derived from the record
        (Flag) or from other rows (JoinedKey)."""
        return tuple(f for f in self.stored if not isinstance(f, Flag | JoinedKey))

    @cached_property
    def counted(self) -> tuple[Ref | Choice, ...]:
        """References and choices counted per value in `value_counts`."""
        return tuple(f for f in self.fields if isinstance(f, Ref | Choice) and f.counted)

    @cached_property
    def address(self) -> Address | None:
        return next((f for f in self.fields if isinstance(f, Address)), None)

    @cached_property
    def tags(self) -> Tags | None:
        return next((f for f in self.fields if isinstance(f, Tags)), None)

    @cached_property
    def custom_fields(self) -> CustomFields | None:
        return next((f for f in self.fields if isinstance(f, CustomFields)), None)

    @cached_property
    def looked_up(self) -> tuple[Entries | Entry, ...]:
        """Fields whose values are also rows of a child table (emails, phones, socials)."""
        return tuple(f for f in self.fields if isinstance(f, Entries | Entry) and f.child)

    @cached_property
    def name_tokens(self) -> bool:
        """Whether names are searched fuzzily (their tokens are indexed)."""
        return any(f.kind is FilterKind.FUZZY_NAME for f in self.filters)
