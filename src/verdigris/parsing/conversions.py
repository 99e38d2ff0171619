"""Bodies of `PUT /leads/upsert` and `POST /leads/{id}/convert` (SPEC.md 4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from verdigris.domain.custom_fields import is_unset
from verdigris.domain.declarations import LEAD, OPPORTUNITY, PERSON
from verdigris.domain.definitions import Definition
from verdigris.domain.text import match_key
from verdigris.errors import BadRequest
from verdigris.parsing import values as v
from verdigris.parsing.records import (
    Changes,
    Definitions,
    custom_value,
    parse_changes,
)
from verdigris.parsing.relations import opportunity_extras


@dataclass(frozen=True)
class Match:
    """How an upsert finds its lead: by `name` (folded), `email` (folded), or a custom
    field's set, single value (`definition` and `value`)."""

    field: str
    key: str | None = None
    definition: Definition | None = None
    value: Any = None


@dataclass(frozen=True)
class Upsert:
    properties: Changes
    match: Match


@dataclass(frozen=True)
class Conversion:
    """What a lead is converted into: person fields overriding the lead's, a company by
    id or name (None: the lead's company name, if any), an opportunity (None: none)."""

    person: Changes
    company_id: int | None
    company_name: str | None
    opportunity: Changes | None


def parse_upsert(body: Mapping[str, Any], definitions: Definitions) -> Upsert:
    properties = body.get("properties")
    if properties is None:
        raise BadRequest("properties: required, an object of lead fields")
    changes = parse_changes(LEAD, v.mapping("properties", properties), definitions)
    match = body.get("match")
    if match is None:
        raise BadRequest("match: required, as {field_name, field_value}")
    return Upsert(changes, _match(v.mapping("match", match), definitions))


def _match(match: Mapping[str, Any], definitions: Definitions) -> Match:
    field, value = match.get("field_name"), match.get("field_value")
    if field == "name":
        if not isinstance(value, str) or not value.strip():
            raise BadRequest("match.field_value: a name must be a non-empty string")
        return Match("name", v.string("match.field_value", value).strip().casefold())
    if field == "email":
        key = match_key(value) if isinstance(value, str) else None
        if key is None:
            raise BadRequest("match.field_value: an email must be a non-empty string")
        return Match("email", v.string("match.field_value", key))
    if field == "custom":
        return _custom_match(value, definitions())
    raise BadRequest("match.field_name: must be name, email or custom")


def _custom_match(value: Any, definitions: Sequence[Definition]) -> Match:
    """A custom field's value: text case-insensitively, numbers, option ids, a checked
    Checkbox. Unset values and MultiSelect lists cannot be matched (400)."""
    if not isinstance(value, dict):
        raise BadRequest("match.field_value: must be {custom_field_definition_id, value}")
    wanted_id = value.get("custom_field_definition_id")
    definition = next(
        (
            d
            for d in definitions
            if d.id == wanted_id and type(wanted_id) is int and d.is_on("lead")
        ),
        None,
    )
    if definition is None:
        raise BadRequest(
            f"match.field_value.custom_field_definition_id: no lead custom field {wanted_id!r}"
        )
    wanted = custom_value("match.field_value.value", definition, value.get("value"))
    if is_unset(definition.data_type, wanted) or definition.data_type == "MultiSelect":
        raise BadRequest("match.field_value.value: must be a set, single value")
    return Match("custom", definition=definition, value=wanted)


def parse_conversion(body: Mapping[str, Any], definitions: Definitions) -> Conversion:
    details = v.optional(v.mapping)("details", body.get("details")) or {}
    person = v.optional(v.mapping)("details.person", details.get("person")) or {}
    company = v.optional(v.mapping)("details.company", details.get("company"))
    opportunity = v.optional(v.mapping)("details.opportunity", details.get("opportunity"))
    company_id = company_name = None
    if company is not None:
        company_id = v.optional(v.integer)("details.company.id", company.get("id"))
        name = company.get("name")
        if company_id is None:
            if not isinstance(name, str) or not name.strip():
                raise BadRequest("details.company: needs an id or a non-empty name")
            company_name = v.string("details.company.name", name).strip()
    return Conversion(
        person=parse_changes(PERSON, person, definitions),
        company_id=company_id,
        company_name=company_name,
        opportunity=None
        if opportunity is None
        else parse_changes(OPPORTUNITY, opportunity, definitions, opportunity_extras()),
    )
