"""Field kinds of a record declaration: what a field is, never how a layer handles it.

Each layer derives its own part from the kind, in one function per kind registered with
`functools.singledispatch` (storage: columns and row values; render: JSON values;
parsing: write validation; snapshot: file checks; api: OpenAPI schemas). A kind a layer
does not know fails when that layer compiles the declarations, at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from verdigris.domain.types import Record

ADDRESS_PARTS = ("street", "city", "state", "postal_code", "country")
ADDRESS_KEYS: dict[str, tuple[str, str]] = {
    "city": ("city_key", "city_match"),
    "state": ("state_key", "state_match"),
    "postal_code": ("zip_key", "postal_code_match"),
    "country": ("country_key", "country_match"),
}
"""Address part -> (its sort key column, its match key column). The match key is the
sort key trimmed, so they differ only for values with spaces around them: equality
filters look up the sort key's index, and those few values in a partial index."""

EMAIL_CATEGORIES = ("work", "personal", "other")
PHONE_CATEGORIES = ("mobile", "work", "home", "other")
SOCIAL_CATEGORIES = (
    "linkedin", "twitter", "googleplus", "facebook", "youtube", "quora", "foursquare",
    "klout", "gravatar", "other",
)  # fmt: skip
WEBSITE_CATEGORIES = ("work", "personal", "other")
MAX_TEXT = 100_000
"""Longest text a write may store in one field (characters)."""


@dataclass(frozen=True, kw_only=True)
class Field:
    """One key of a record's JSON. `column` is where it is stored (default: its name);
    `writable` fields are read from create and update bodies, the others are kept by
    the server (ids, dates, counts, derived names) and ignored when a body sends them."""

    name: str
    writable: bool = False
    column: str = ""

    def __post_init__(self) -> None:
        if not self.column:
            object.__setattr__(self, "column", self.name)


@dataclass(frozen=True, kw_only=True)
class Id(Field):
    """The record's own id, assigned by the server (kept as given by a snapshot)."""

    name: str = "id"


@dataclass(frozen=True, kw_only=True)
class Text(Field):
    """A string or null. `sort_key` names the column of its folded form (None when blank),
    for sorting; `match_key` the column of its trimmed folded form, for equality filters
    and uniqueness; `name_part` values are trimmed (empty is null); a `required` text
    must be non-blank (422 otherwise)."""

    sort_key: str | None = None
    match_key: str | None = None
    name_part: bool = False
    required: bool = False


@dataclass(frozen=True, kw_only=True)
class Timestamp(Field):
    """Unix seconds. Server-kept ones default to the creation time (`default_now`) or to
    another field's value (`default_from`); writable ones are null until set."""

    nullable: bool = True
    default_now: bool = False
    default_from: str | None = None


@dataclass(frozen=True, kw_only=True)
class Count(Field):
    """A non-negative counter kept by the server (0 when not set)."""


@dataclass(frozen=True, kw_only=True)
class Integer(Field):
    """A whole number within [minimum, maximum], or null."""

    minimum: int
    maximum: int


@dataclass(frozen=True, kw_only=True)
class Number(Field):
    """A number (integral values are shown as integers), or null."""


@dataclass(frozen=True, kw_only=True)
class Ref(Field):
    """The id of a row of the account's `target` table, or null. `counted` references
    keep a count per value (X-PW-TOTAL of a one-value filter is a point read);
    `related` ones are also relations of the relation store (a person's company, an
    opportunity's company and primary contact), kept in step on every write."""

    target: str
    counted: bool = False
    related: bool = False


@dataclass(frozen=True, kw_only=True)
class Joined(Field):
    """A name shown from the row a reference names (a person's company name, a lead's
    status); not stored, recomputed on every read."""

    via: str
    target: str
    target_column: str = "name"


@dataclass(frozen=True, kw_only=True)
class Choice(Field):
    """One of `choices` (compared case-insensitively, stored as listed); `default` when
    not given or null. `counted` choices keep a count per value; `rank_key` names the
    column of the choice's position in `choices`, for sorting in that order."""

    choices: tuple[str, ...]
    default: str
    counted: bool = False
    rank_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class DateText(Field):
    """A calendar date shown as Copper shows it, "M/D/YYYY" text (an opportunity's
    `close_date`), or null; `date_key` names the column of its Unix seconds (midnight
    UTC), for bounds and sorting."""

    date_key: str


@dataclass(frozen=True, kw_only=True)
class JoinedKey(Field):
    """Stored only: the sort key of the name of the row a reference (`via`) names (an
    opportunity's company name), so that records sort by it; kept in step when that row
    is renamed or deleted, never written by a body nor carried by snapshots."""

    via: str
    target: str
    target_column: str = "name_key"


@dataclass(frozen=True, kw_only=True)
class Address(Field):
    """{street, city, state, postal_code, country} or null; its parts' sort and match
    keys are columns of their own (ADDRESS_KEYS), counted per value. `ranged`: (part,
    column) pairs indexed together, for a value of the part within a range of the
    column (decision 0206); `carried`: columns each such index also holds, so that a
    range on them is tested from its entries, not from each record's row."""

    name: str = "address"
    ranged: tuple[tuple[str, str], ...] = ()
    carried: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Entries(Field):
    """A list of {`item`, category}. `child` names the child table its values are
    looked up in (emails, phone digits, social URLs); `first_key` the sort key column of
    the first entry."""

    item: str
    categories: tuple[str, ...]
    child: str | None = None
    first_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class Entry(Field):
    """One {`item`, category} object, or null (a lead's email)."""

    item: str
    categories: tuple[str, ...]
    child: str | None = None
    first_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class Related(Field):
    """One related record `{"id", "type"}` of one of `types`, kept in the relation store
    too (a task's `related_resource`); shown as `{"id": null, "type": null}` when none,
    or as null when `null_when_none` (a project's)."""

    types: tuple[str, ...]
    null_when_none: bool = False


@dataclass(frozen=True, kw_only=True)
class Tags(Field):
    """A list of tags (kept in their first spelling), looked up and counted by folded
    value."""

    name: str = "tags"


@dataclass(frozen=True, kw_only=True)
class CustomFields(Field):
    """Values of the account's custom fields available on the record type: every
    definition listed, in id order (unset ones at their data type's empty value)."""

    name: str = "custom_fields"


@dataclass(frozen=True, kw_only=True)
class JsonList(Field):
    """A list of objects the server keeps as it was given (a person's
    `leads_converted_from`)."""


@dataclass(frozen=True, kw_only=True)
class Null(Field):
    """A key Copper shows and never fills (an opportunity's `converted_unit`)."""


@dataclass(frozen=True, kw_only=True)
class Flag(Field):
    """A stored-only true/false column computed from the record (a lead's
    `is_converted`), for filters."""

    derive: Callable[[Record], bool] = field(compare=False)
