"""Lead upsert (match by name, email or a custom field) and lead conversion.

Each runs inside the caller's one write transaction: a 422 or any failure part-way
leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Select, select, update

from verdigris.domain.custom_fields import TEXT_TYPES, is_unset
from verdigris.domain.definitions import Definition
from verdigris.domain.text import match_key
from verdigris.domain.types import Record, RecordType
from verdigris.domain.validation import custom_value
from verdigris.errors import BadRequest, Unprocessable
from verdigris.storage import payload, schema
from verdigris.storage.changes import custom_types
from verdigris.storage.companies import create_company, get_company, require_lookup
from verdigris.storage.indexing import replace_record
from verdigris.storage.leads import create_lead, update_lead
from verdigris.storage.opportunities import create_opportunity, mark_converted_from
from verdigris.storage.people import create_person
from verdigris.storage.projection import dumps
from verdigris.storage.records import custom_field_definitions, get_record, get_stored

LEAD, PERSON = RecordType.LEAD, RecordType.PERSON
MAX_LISTED = 30
"""Copper lists the ids of an ambiguous upsert's matches up to 30; beyond, none."""
NAME_KEYS = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix")
CARRIED = ("address", "assignee_id", "details", "phone_numbers", "socials", "tags", "title",
           "websites")  # fmt: skip
_leads = schema.leads


def upsert_lead(conn: Connection, account_id: int, body: Mapping[str, Any], now: int) -> Record:
    """No match creates, one match updates (partially), 2 or more are 422."""
    properties = payload.obj(body, "properties")
    if properties is None:
        raise BadRequest("properties: required, an object of lead fields")
    ids = matching_leads(conn, account_id, payload.obj(body, "match"))
    if not ids:
        return create_lead(conn, account_id, properties, now)
    if len(ids) == 1:
        return update_lead(conn, account_id, ids[0], properties, now)
    if len(ids) > MAX_LISTED:
        raise Unprocessable(f"match: more than {MAX_LISTED} leads match")
    raise Unprocessable(f"match: {len(ids)} leads match", ids=ids)


def matching_leads(conn: Connection, account_id: int, match: dict[str, Any] | None) -> list[int]:
    """Ids of the unconverted leads matching (up to MAX_LISTED + 1), ascending."""
    if match is None:
        raise BadRequest("match: required, as {field_name, field_value}")
    field, value = match.get("field_name"), match.get("field_value")
    if field == "name":
        query = _by_name(account_id, value)
    elif field == "email":
        query = _by_child(account_id, schema.record_emails.c.email_key, _email_key(value))
    elif field == "custom":
        query = _by_custom(conn, account_id, value)
    else:
        raise BadRequest("match.field_name: must be name, email or custom")
    query = query.where(_leads.c.is_converted.is_(False)).order_by(_leads.c.id)
    return [int(i) for i in conn.execute(query.limit(MAX_LISTED + 1)).scalars()]


def _by_name(account_id: int, value: Any) -> Select[Any]:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("match.field_value: a name must be a non-empty string")
    key = value.strip().casefold()
    return select(_leads.c.id).where(_leads.c.account_id == account_id, _leads.c.name_key == key)


def _email_key(value: Any) -> str:
    key = match_key(value)
    if key is None:
        raise BadRequest("match.field_value: an email must be a non-empty string")
    return key


def _by_child(account_id: int, column: Any, value: Any, *extra: Any) -> Select[Any]:
    """Leads with a child row (record_emails, custom_field_values) whose `column` = value."""
    child = column.table
    on = (child.c.account_id == _leads.c.account_id) & (child.c.record_id == _leads.c.id)
    return (
        select(_leads.c.id)
        .distinct()
        .select_from(_leads.join(child, on))
        .where(_leads.c.account_id == account_id, child.c.record_type == int(LEAD), *extra)
        .where(column == value)
    )


def _by_custom(conn: Connection, account_id: int, value: Any) -> Select[Any]:
    """Match on a custom field's value: text case-insensitively, numbers, option ids, a
    checked Checkbox. Unset values and MultiSelect lists cannot be matched (400)."""
    if not isinstance(value, dict):
        raise BadRequest("match.field_value: must be {custom_field_definition_id, value}")
    definition = _lead_definition(conn, account_id, value.get("custom_field_definition_id"))
    wanted = custom_value("match.field_value.value", definition, value.get("value"))
    if is_unset(definition.data_type, wanted) or definition.data_type == "MultiSelect":
        raise BadRequest("match.field_value.value: must be a set, single value")
    v = schema.custom_field_values
    same_field = v.c.definition_id == definition.id
    if definition.data_type in TEXT_TYPES:
        return _by_child(account_id, v.c.value_text, str(wanted).casefold(), same_field)
    number = 1.0 if definition.data_type == "Checkbox" else float(wanted)
    return _by_child(account_id, v.c.value_number, number, same_field)


def _lead_definition(conn: Connection, account_id: int, definition_id: Any) -> Definition:
    for definition in custom_field_definitions(conn, account_id):
        if definition.id == definition_id and definition.is_on("lead"):
            return definition
    raise BadRequest(
        f"match.field_value.custom_field_definition_id: no lead custom field {definition_id!r}"
    )


def convert_lead(
    conn: Connection, account_id: int, lead_id: int, body: Mapping[str, Any], now: int
) -> dict[str, Any]:
    """Create a person (and a company, an opportunity) from a lead and mark it converted."""
    details = payload.obj(body, "details") or {}
    lead = get_stored(conn, account_id, LEAD, lead_id)
    if lead["converted_at"] is not None or lead["converted_contact_id"] is not None:
        raise Unprocessable(f"lead {lead_id} is already converted")
    company = _company(conn, account_id, details, lead, now)
    person_body = _person_body(conn, account_id, lead, payload.obj(details, "person", "details."))
    if company is not None and "company_id" not in person_body:
        person_body["company_id"] = company["id"]
    person = create_person(conn, account_id, person_body, now)
    opportunity = _opportunity(conn, account_id, details, lead, person, now)
    _mark_person(conn, account_id, person["id"], lead, now)
    _mark_lead(conn, account_id, lead, person["id"], opportunity, now)
    return {
        "person": get_record(conn, account_id, PERSON, person["id"]),
        "company": None if company is None else get_company(conn, account_id, company["id"]),
        "opportunity": opportunity,
    }


def _company(
    conn: Connection, account_id: int, details: Mapping[str, Any], lead: Record, now: int
) -> Record | None:
    """details.company {id} links, {name} links the same-named company or creates one;
    without details.company, the lead's company_name is used the same way (if any)."""
    given = payload.obj(details, "company", "details.")
    if given is None:
        name = lead["company_name"]
        return _company_named(conn, account_id, name, now) if name and name.strip() else None
    if given.get("id") is not None:
        company_id = given["id"]
        require_lookup(conn, account_id, schema.companies, "details.company.id", company_id)
        return get_company(conn, account_id, company_id)
    name = given.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("details.company: needs an id or a non-empty name")
    return _company_named(conn, account_id, name, now)


def _company_named(conn: Connection, account_id: int, name: str, now: int) -> Record:
    c = schema.companies
    found = conn.execute(
        select(c.c.id)
        .where(c.c.account_id == account_id, c.c.name_key == name.strip().casefold())
        .order_by(c.c.id)
        .limit(1)
    ).scalar()
    if found is not None:
        return get_company(conn, account_id, int(found))
    return create_company(conn, account_id, {"name": name.strip()}, now)


def _person_body(
    conn: Connection, account_id: int, lead: Record, overrides: dict[str, Any] | None
) -> dict[str, Any]:
    """The lead's fields as a person body, overlaid by details.person (whose name, when
    given in any form, replaces the lead's whole name)."""
    overrides = overrides or {}
    body = {k: lead[k] for k in CARRIED}
    if not any(k in overrides for k in NAME_KEYS):
        body |= {k: lead[k] for k in NAME_KEYS if lead[k] is not None}
    body["emails"] = [lead["email"]] if lead["email"] else []
    on_person = {d.id for d in custom_field_definitions(conn, account_id) if d.is_on("person")}
    body["custom_fields"] = [
        e for e in lead["custom_fields"]
        if e["custom_field_definition_id"] in on_person and e["value"] not in (None, False, [])
    ]  # fmt: skip
    return body | overrides


def _opportunity(
    conn: Connection,
    account_id: int,
    details: Mapping[str, Any],
    lead: Record,
    person: Record,
    now: int,
) -> Record | None:
    given = payload.obj(details, "opportunity", "details.")
    if given is None:
        return None
    defaults = {"name": lead["name"], "monetary_value": lead["monetary_value"],
                "monetary_unit": lead["monetary_unit"], "assignee_id": lead["assignee_id"],
                "customer_source_id": lead["customer_source_id"]}  # fmt: skip
    if person["company_id"] is not None:
        defaults["company_id"] = person["company_id"]
    body = defaults | given | {"primary_contact_id": person["id"]}
    created = create_opportunity(conn, account_id, body, now)
    return mark_converted_from(conn, account_id, created["id"], lead, now)


def _mark_person(conn: Connection, account_id: int, person_id: int, lead: Record, now: int) -> None:
    """leads_converted_from and date_lead_created: plain columns, not indexed for search."""
    p = schema.people
    conn.execute(
        update(p)
        .where(p.c.account_id == account_id, p.c.id == person_id)
        .values(
            leads_converted_from=dumps([{"lead_id": lead["id"], "converted_timestamp": now}]),
            date_lead_created=lead["date_created"],
        )
    )


def _mark_lead(
    conn: Connection,
    account_id: int,
    lead: Record,
    person_id: int,
    opportunity: Record | None,
    now: int,
) -> None:
    """Through indexing, so the lead's counters move from open to converted."""
    converted = lead | {
        "converted_contact_id": person_id,
        "converted_opportunity_id": None if opportunity is None else opportunity["id"],
        "converted_at": now,
        "date_modified": now,
    }
    types = custom_types(custom_field_definitions(conn, account_id))
    replace_record(conn, account_id, LEAD, lead, converted, types)
