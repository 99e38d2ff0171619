"""Checkers of a snapshot's records, derived from the declarations: one checker per field
kind (singledispatch), composed per record type; plus every account section's checker.

A record in a snapshot is the record as the API shows it, plus `followers` and its type's
stored-only values (a lead's `date_status_changed`); derived keys (a person's
`company_name`, a lead's `status`) may be given and are recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, singledispatch
from typing import Any

from verdigris.domain.declarations import DECLARATIONS, Declaration, declaration
from verdigris.domain.declarations.fields import (
    Address,
    Choice,
    Count,
    CustomFields,
    DateText,
    Entries,
    Entry,
    Field,
    Id,
    Integer,
    Joined,
    JsonList,
    Null,
    Number,
    Ref,
    Related,
    Tags,
    Text,
    Timestamp,
)
from verdigris.domain.types import RecordType
from verdigris.snapshot import lookup_checks
from verdigris.snapshot.format import (
    ADDRESS,
    COUNT,
    CUSTOM_ENTRY,
    INT,
    LOOKUP_SECTIONS,
    NUMBER,
    RECORD_SECTIONS,
    REQ_INT,
    REQ_STR,
    STR,
    Check,
    duplicate_error,
    entries,
    list_of,
    nullable,
    obj,
    one_of,
)


def _any(value: Any) -> str | None:
    return None


def _within(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        if type(value) is not int or not low <= value <= high:
            return f": expected an integer from {low} to {high} or null"
        return None

    return check


@singledispatch
def field_check(field: Field) -> Check:
    """The checker of one field's value in a snapshot record."""
    raise TypeError(f"no snapshot check for {type(field).__name__}")


@field_check.register
def _(field: Id) -> Check:
    return REQ_INT


@field_check.register
def _(field: Text) -> Check:
    return REQ_STR if field.required else STR


@field_check.register(Joined)
@field_check.register(DateText)
def _(field: Field) -> Check:
    return STR


@field_check.register(Timestamp)
@field_check.register(Ref)
def _(field: Field) -> Check:
    return INT


@field_check.register
def _(field: Count) -> Check:
    return COUNT


@field_check.register
def _(field: Integer) -> Check:
    return _within(field.minimum, field.maximum)


@field_check.register
def _(field: Number) -> Check:
    return NUMBER


@field_check.register
def _(field: Choice) -> Check:
    return nullable(one_of(*field.choices))


@field_check.register
def _(field: Address) -> Check:
    return ADDRESS


@field_check.register
def _(field: Entries) -> Check:
    return entries(field.item)


@field_check.register
def _(field: Entry) -> Check:
    return nullable(obj({field.item: REQ_STR, "category": STR}, required=(field.item,)))


@field_check.register
def _(field: Related) -> Check:
    return nullable(obj({"id": INT, "type": nullable(one_of(*field.types))}))


@field_check.register
def _(field: Tags) -> Check:
    return list_of(REQ_STR)


@field_check.register
def _(field: CustomFields) -> Check:
    return list_of(CUSTOM_ENTRY)


@field_check.register
def _(field: JsonList) -> Check:
    return list_of(obj({}, extra=True))


@field_check.register
def _(field: Null) -> Check:
    return _any


def snapshot_fields(decl: Declaration) -> tuple[Field, ...]:
    """The fields a snapshot record may carry: shown ones and stored-only ones that are
    not derived."""
    return (*decl.fields, *decl.carried)


RECORD_EXTRAS: Mapping[RecordType, Mapping[str, Check]] = {
    RecordType.OPPORTUNITY: {"related_people": list_of(REQ_INT)},
}
"""Keys a snapshot record carries beyond its fields (an opportunity's related people)."""


@cache
def record_check(record_type: RecordType) -> Check:
    """The detailed checker of one snapshot record of this type."""
    decl = declaration(record_type)
    checks = {f.name: field_check(f) for f in snapshot_fields(decl)}
    if decl.followers:
        checks["followers"] = list_of(REQ_INT)
    checks |= RECORD_EXTRAS.get(record_type, {})
    name = decl.by_name.get("name")
    required = ("id", "name") if isinstance(name, Text) and name.required else ("id",)
    return obj(checks, required=required)


_TYPES = one_of(*(d.name for d in DECLARATIONS))
RELATION = obj(
    {"type": _TYPES, "id": REQ_INT, "other_type": _TYPES, "other_id": REQ_INT},
    required=("type", "id", "other_type", "other_id"),
)
SECTIONS: dict[str, Check] = (
    LOOKUP_SECTIONS
    | {
        d.plural: list_of(record_check(d.record_type))
        for d in DECLARATIONS
        if d.plural not in RECORD_SECTIONS
    }
    | {"relations": list_of(RELATION)}
)
"""Every section of an account that comes before its people and leads: lookups, the
record types other than people and leads, and relations beyond those records hold."""


def section_error(section: str, rows: Any) -> str | None:
    error = SECTIONS[section](rows)
    if error or section == "relations":  # a record may be in many relations
        return error
    return duplicate_error(section, rows) or lookup_checks.section_error(section, rows)
