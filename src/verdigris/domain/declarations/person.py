"""People (SPEC.md 2): Copper's person record, its sort keys and search filters."""

from __future__ import annotations

from verdigris.domain.declarations import contacts as c
from verdigris.domain.declarations.declaration import Declaration, Filter
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import (
    EMAIL_CATEGORIES,
    Entries,
    Joined,
    JsonList,
    Ref,
    Timestamp,
)
from verdigris.domain.types import RecordType

PERSON = Declaration(
    record_type=RecordType.PERSON,
    name="person",
    plural="people",
    table="people",
    fields=(
        c.ID, c.NAME, c.PREFIX, c.FIRST_NAME, c.MIDDLE_NAME, c.LAST_NAME, c.SUFFIX,
        c.ADDRESS, c.ASSIGNEE,
        Ref(name="company_id", writable=True, target="companies", counted=True, related=True),
        Joined(name="company_name", via="company_id", target="companies"),
        Ref(name="contact_type_id", writable=True, target="contact_types", counted=True),
        c.DETAILS,
        Entries(
            name="emails", writable=True, item="email", categories=EMAIL_CATEGORIES,
            child="record_emails", first_key="email_key",
        ),
        c.PHONES, c.SOCIALS, c.TAGS, c.TITLE, c.WEBSITES, c.CUSTOM_FIELDS, c.DATE_CREATED,
        c.DATE_MODIFIED, c.DATE_LAST_CONTACTED, c.INTERACTION_COUNT,
        JsonList(name="leads_converted_from"),
        Timestamp(name="date_lead_created"),
    ),
    sorts=tuple(c.SORTS.values()),
    default_sort="first_name",
    filters=(
        *c.FIRST_FILTERS,
        Filter("contact_type_ids", K.REF_IDS, "contact_type_id", none=True),
        Filter("company_ids", K.REF_IDS, "company_id", none=True),
        Filter("company_id", K.REF_IDS, "company_id", none=True, alias_of="company_ids"),
        Filter("opportunity_ids", K.OPPORTUNITIES),
        Filter("custom_fields", K.CUSTOM_FIELDS),
    ),
    person_name=True,
)  # fmt: skip
