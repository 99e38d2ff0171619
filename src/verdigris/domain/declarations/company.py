"""Companies (SPEC.md 4): Copper's company record; list fields are [] when empty. Its
search has every filter and sort key of copper-surface section 9 (decision 0721)."""

from __future__ import annotations

from verdigris.domain.declarations import contacts as c
from verdigris.domain.declarations.declaration import Declaration, Filter, Sort
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import WEBSITE_CATEGORIES, Entries, Ref, Text, Timestamp
from verdigris.domain.types import RecordType

# A company is a "contact" in Copper's words (people and companies share contact types):
# the contact sort keys order companies by their name.
_SORTS = (
    Sort("name", "name_key"),
    Sort("phone", "phone_key"),
    Sort("contact", "name_key"),
    Sort("contact_first_name", "name_key"),
    Sort("contact_last_name", "name_key"),
    Sort("date_modified", "date_modified"),
    Sort("date_created", "date_created"),
    Sort("email_domain", "email_domain_key"),
    Sort("city", "city_key"),
    Sort("state", "state_key"),
    Sort("country", "country_key"),
    Sort("zip", "zip_key"),
    Sort("assignee", "assignee_id"),
    Sort("contact_group", "contact_type_id"),
    Sort("last_interaction", "date_last_contacted"),
    Sort("interaction_count", "interaction_count"),
    Sort("primary_website", "website_key"),
    Sort("socials", "socials_key"),
    Sort("inactive_days", "date_last_contacted", reverse=True),
)
_FILTERS = (
    Filter("ids", K.IDS, "id"),
    Filter("name", K.NAME_CONTAINS, "name_key"),
    Filter("phone_number", K.PHONE),
    Filter("email_domains", K.TEXTS, "email_domain_match"),
    Filter("contact_type_ids", K.REF_IDS, "contact_type_id", none=True),
    Filter("assignee_ids", K.REF_IDS, "assignee_id", none=True),
    *(Filter(part, K.ADDRESS, part) for part in ("city", "state", "postal_code", "country")),
    Filter("tags", K.TAGS),
    Filter("socials", K.SOCIALS),
    Filter("followed", K.FOLLOWED),
    Filter("age", K.AGE, "date_created"),
    *c.bounded("interaction_count", "interaction_count"),
    *c.bounded("interaction_date", "date_last_contacted"),
    *c.bounded("created_date", "date_created"),
    *c.bounded("modified_date", "date_modified"),
    Filter("custom_fields", K.CUSTOM_FIELDS),
)

COMPANY = Declaration(
    record_type=RecordType.COMPANY,
    name="company",
    plural="companies",
    table="companies",
    fields=(
        c.ID,
        Text(name="name", writable=True, sort_key="name_key", name_part=True, required=True),
        c.ADDRESS, c.ASSIGNEE,
        Ref(name="contact_type_id", writable=True, target="contact_types", counted=True),
        c.DETAILS,
        Text(name="email_domain", writable=True, sort_key="email_domain_key",
             match_key="email_domain_match"),
        c.PHONES, c.SOCIALS, c.TAGS,
        Entries(name="websites", writable=True, item="url", categories=WEBSITE_CATEGORIES,
                first_key="website_key"),
        c.CUSTOM_FIELDS, c.INTERACTION_COUNT, c.DATE_CREATED, c.DATE_MODIFIED,
    ),
    stored=(Timestamp(name="date_last_contacted"),),
    sorts=_SORTS,
    default_sort="date_modified",
    filters=_FILTERS,
)  # fmt: skip
