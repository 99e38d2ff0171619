"""Lead upsert (match by name, email or a custom field) and lead conversion.

Each runs inside the caller's one write transaction: a 422 or any failure part-way
leaves nothing behind.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, select, update

from verdigris.domain.custom_fields import TEXT_TYPES
from verdigris.domain.declarations.fields import Text
from verdigris.domain.declarations.person import PERSON as PERSON_FIELDS
from verdigris.domain.types import Record, RecordType
from verdigris.errors import BadRequest, Unprocessable
from verdigris.parsing.conversions import Conversion, Match, Upsert
from verdigris.parsing.records import Changes
from verdigris.storage import schema
from verdigris.storage.columns import dumps
from verdigris.storage.lookups import require_row
from verdigris.storage.records import (
    custom_field_definitions,
    definitions_read_once,
    get_record,
    get_stored,
)
from verdigris.storage.writes import create_record, store_update, update_record

LEAD, PERSON = RecordType.LEAD, RecordType.PERSON
COMPANY, OPPORTUNITY = RecordType.COMPANY, RecordType.OPPORTUNITY
MAX_LISTED = 30
"""Copper lists the ids of an ambiguous upsert's matches up to 30; beyond, none."""
NAME_KEYS = tuple(f.name for f in PERSON_FIELDS.fields if isinstance(f, Text) and f.name_part)
CARRIED = ("address", "assignee_id", "details", "phone_numbers", "socials", "tags", "title",
           "websites")  # fmt: skip
_leads = schema.leads


@definitions_read_once
def upsert_lead(conn: Connection, account_id: int, upsert: Upsert, now: int) -> Record:
    """No match creates, one match updates (partially), 2 or more are 422."""
    ids = matching_leads(conn, account_id, upsert.match)
    if not ids:
        return create_record(conn, account_id, LEAD, upsert.properties, now)
    if len(ids) == 1:
        return update_record(conn, account_id, LEAD, ids[0], upsert.properties, now)
    if len(ids) > MAX_LISTED:
        raise Unprocessable(f"match: more than {MAX_LISTED} leads match")
    raise Unprocessable(f"match: {len(ids)} leads match", ids=ids)


def matching_leads(conn: Connection, account_id: int, match: Match) -> list[int]:
    """Ids of the unconverted leads matching (up to MAX_LISTED + 1), ascending."""
    if match.field == "name":
        query = select(_leads.c.id).where(
            _leads.c.account_id == account_id, _leads.c.name_key == match.key
        )
    elif match.field == "email":
        query = _by_child(account_id, schema.record_emails.c.email_key, match.key)
    else:
        query = _by_custom(account_id, match)
    query = query.where(_leads.c.is_converted.is_(False)).order_by(_leads.c.id)
    return [int(i) for i in conn.execute(query.limit(MAX_LISTED + 1)).scalars()]


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


def _by_custom(account_id: int, match: Match) -> Select[Any]:
    definition = match.definition
    if definition is None:  # pragma: no cover - parse_upsert always sets it for "custom"
        raise BadRequest("match.field_value: a custom match needs a definition")
    v = schema.custom_field_values
    same_field = v.c.definition_id == definition.id
    if definition.data_type in TEXT_TYPES:
        return _by_child(account_id, v.c.value_text, str(match.value).casefold(), same_field)
    number = 1.0 if definition.data_type == "Checkbox" else float(match.value)
    return _by_child(account_id, v.c.value_number, number, same_field)


@definitions_read_once
def convert_lead(
    conn: Connection, account_id: int, lead_id: int, conversion: Conversion, now: int
) -> dict[str, Any]:
    """Create a person (and a company, an opportunity) from a lead and mark it converted."""
    lead = get_stored(conn, account_id, LEAD, lead_id)
    if lead["converted_at"] is not None or lead["converted_contact_id"] is not None:
        raise Unprocessable(f"lead {lead_id} is already converted")
    company = _company(conn, account_id, conversion, lead, now)
    person_changes = _person_changes(conn, account_id, lead, conversion.person)
    if company is not None and "company_id" not in person_changes:
        person_changes = Changes({**person_changes.values, "company_id": company["id"]},
                                 person_changes.custom)  # fmt: skip
    person = create_record(conn, account_id, PERSON, person_changes, now)
    opportunity = _opportunity(conn, account_id, conversion, lead, person, now)
    _mark_person(conn, account_id, person["id"], lead, now)
    _mark_lead(conn, account_id, lead, person["id"], opportunity, now)
    return {
        "person": get_record(conn, account_id, PERSON, person["id"]),
        "company": None if company is None else get_record(conn, account_id, COMPANY,
                                                             company["id"]),
        "opportunity": opportunity,
    }  # fmt: skip


def _company(
    conn: Connection, account_id: int, conversion: Conversion, lead: Record, now: int
) -> Record | None:
    """details.company {id} links, {name} links the same-named company or creates one;
    without details.company, the lead's company_name is used the same way (if any)."""
    if conversion.company_id is not None:
        require_row(conn, account_id, "companies", "details.company.id", conversion.company_id)
        return get_record(conn, account_id, COMPANY, conversion.company_id)
    name = conversion.company_name or lead["company_name"]
    if not name or not name.strip():
        return None
    c = schema.companies
    found = conn.execute(
        select(c.c.id)
        .where(c.c.account_id == account_id, c.c.name_key == name.strip().casefold())
        .order_by(c.c.id)
        .limit(1)
    ).scalar()
    if found is not None:
        return get_record(conn, account_id, COMPANY, int(found))
    return create_record(conn, account_id, COMPANY, Changes({"name": name.strip()}), now)


def _person_changes(conn: Connection, account_id: int, lead: Record, overrides: Changes) -> Changes:
    """The lead's fields as a person body, overlaid by details.person (whose name, when
    given in any form, replaces the lead's whole name)."""
    values = {k: lead[k] for k in CARRIED}
    if not any(k in overrides for k in NAME_KEYS):
        values |= {k: lead[k] for k in NAME_KEYS if lead[k] is not None}
    values["emails"] = [lead["email"]] if lead["email"] else []
    on_person = {d.id for d in custom_field_definitions(conn, account_id) if d.is_on("person")}
    custom = {
        e["custom_field_definition_id"]: e["value"] for e in lead["custom_fields"]
        if e["custom_field_definition_id"] in on_person and e["value"] not in (None, False, [])
    }  # fmt: skip
    return Changes(values | dict(overrides.values), custom | dict(overrides.custom or {}))


def _opportunity(
    conn: Connection,
    account_id: int,
    conversion: Conversion,
    lead: Record,
    person: Record,
    now: int,
) -> Record | None:
    given = conversion.opportunity
    if given is None:
        return None
    defaults = {"name": lead["name"], "monetary_value": lead["monetary_value"],
                "monetary_unit": lead["monetary_unit"], "assignee_id": lead["assignee_id"],
                "customer_source_id": lead["customer_source_id"]}  # fmt: skip
    if person["company_id"] is not None:
        defaults["company_id"] = person["company_id"]
    values = defaults | dict(given.values) | {"primary_contact_id": person["id"]}
    changes = Changes(values, given.custom, given.extras)
    created = create_record(conn, account_id, OPPORTUNITY, changes, now)
    return _mark_opportunity(conn, account_id, created["id"], lead, now)


def _mark_opportunity(
    conn: Connection, account_id: int, opp_id: int, lead: Record, now: int
) -> Record:
    """Record on a new opportunity the lead it was converted from (as on the person)."""
    o = schema.opportunities
    conn.execute(
        update(o)
        .where(o.c.account_id == account_id, o.c.id == opp_id)
        .values(
            leads_converted_from=dumps([{"lead_id": lead["id"], "converted_timestamp": now}]),
            date_lead_created=lead["date_created"],
        )
    )
    return get_record(conn, account_id, OPPORTUNITY, opp_id)


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
    """Through the generic update, so the lead's counters move from open to converted
    and the change is reported."""
    converted = lead | {
        "converted_contact_id": person_id,
        "converted_opportunity_id": None if opportunity is None else opportunity["id"],
        "converted_at": now,
        "date_modified": now,
    }
    store_update(conn, account_id, LEAD, lead, converted, Changes(), now)
