"""Leads (SPEC.md 2): Copper's lead record, its sort keys and search filters. Converted
leads are left out of searches unless `include_converted_leads` says otherwise."""

from __future__ import annotations

from verdigris.domain.declarations import contacts as c
from verdigris.domain.declarations.declaration import Declaration, Filter, Sort
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import (
    EMAIL_CATEGORIES,
    Entry,
    Flag,
    Joined,
    Number,
    Ref,
    Text,
    Timestamp,
)
from verdigris.domain.types import Record, RecordType


def is_converted(lead: Record) -> bool:
    return lead.get("converted_at") is not None or lead.get("converted_contact_id") is not None


_SORTS = dict(c.SORTS) | {
    "company_name": Sort("company_name", "company_name_key"),
    "value": Sort("value", "monetary_value"),
    "inactive_days": Sort("inactive_days", "date_last_contacted", reverse=True),
}
_SORT_ORDER = (
    "name", "first_name", "last_name", "company_name", "title", "value", "email", "phone",
    "date_modified", "date_created", "city", "state", "country", "zip", "inactive_days",
    "socials", "interaction_count", "date_last_contacted",
)  # fmt: skip

LEAD = Declaration(
    record_type=RecordType.LEAD,
    name="lead",
    plural="leads",
    table="leads",
    fields=(
        c.ID, c.NAME, c.PREFIX, c.FIRST_NAME, c.LAST_NAME, c.MIDDLE_NAME, c.SUFFIX, c.ADDRESS,
        c.ASSIGNEE,
        Text(name="company_name", writable=True, sort_key="company_name_key"),
        Ref(name="customer_source_id", writable=True, target="customer_sources", counted=True),
        c.DETAILS,
        Entry(
            name="email", writable=True, item="email", categories=EMAIL_CATEGORIES,
            child="record_emails", first_key="email_key",
        ),
        c.INTERACTION_COUNT,
        Text(name="monetary_unit", writable=True),
        Number(name="monetary_value", writable=True),
        c.SOCIALS,
        Joined(name="status", via="status_id", target="lead_statuses"),
        Ref(name="status_id", writable=True, target="lead_statuses", counted=True),
        c.TAGS, c.TITLE, c.WEBSITES, c.PHONES, c.CUSTOM_FIELDS, c.DATE_CREATED,
        c.DATE_MODIFIED, c.DATE_LAST_CONTACTED,
        Ref(name="converted_opportunity_id", target="opportunities"),
        Ref(name="converted_contact_id", target="people"),
        Timestamp(name="converted_at"),
    ),
    stored=(
        Timestamp(name="date_status_changed", nullable=False, default_from="date_created"),
        Flag(name="is_converted", derive=is_converted),
    ),
    sorts=tuple(_SORTS[key] for key in _SORT_ORDER),
    default_sort="name",
    filters=(
        *c.FIRST_FILTERS,
        Filter("customer_source_ids", K.REF_IDS, "customer_source_id", none=True),
        Filter("status_ids", K.REF_IDS, "status_id"),
        Filter("minimum_monetary_value", K.MINIMUM, "monetary_value", number=True),
        Filter("maximum_monetary_value", K.MAXIMUM, "monetary_value", number=True),
        Filter("minimum_status_change_date", K.MINIMUM, "date_status_changed"),
        Filter("maximum_status_change_date", K.MAXIMUM, "date_status_changed"),
        Filter("custom_fields", K.CUSTOM_FIELDS),
    ),
    person_name=True,
    converted_column="is_converted",
)  # fmt: skip
