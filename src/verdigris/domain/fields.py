"""Output key order and the sort keys of SPEC.md 2 and 3."""

from __future__ import annotations

PERSON_KEYS = (
    "id", "name", "prefix", "first_name", "middle_name", "last_name", "suffix", "address",
    "assignee_id", "company_id", "company_name", "contact_type_id", "details", "emails",
    "phone_numbers", "socials", "tags", "title", "websites", "custom_fields", "date_created",
    "date_modified", "date_last_contacted", "interaction_count", "leads_converted_from",
    "date_lead_created",
)  # fmt: skip

LEAD_KEYS = (
    "id", "name", "prefix", "first_name", "last_name", "middle_name", "suffix", "address",
    "assignee_id", "company_name", "customer_source_id", "details", "email",
    "interaction_count", "monetary_unit", "monetary_value", "socials", "status", "status_id",
    "tags", "title", "websites", "phone_numbers", "custom_fields", "date_created",
    "date_modified", "date_last_contacted", "converted_opportunity_id", "converted_contact_id",
    "converted_at",
)  # fmt: skip

COMPANY_KEYS = (
    "id", "name", "address", "assignee_id", "contact_type_id", "details", "email_domain",
    "phone_numbers", "socials", "tags", "websites", "custom_fields", "interaction_count",
    "date_created", "date_modified",
)  # fmt: skip

ADDRESS_KEYS = ("street", "city", "state", "postal_code", "country")

PEOPLE_SORT_KEYS = (
    "name", "first_name", "last_name", "title", "email", "phone", "date_modified",
    "date_created", "city", "state", "country", "zip", "socials", "interaction_count",
    "date_last_contacted",
)  # fmt: skip

LEADS_SORT_KEYS = (
    "name", "first_name", "last_name", "company_name", "title", "value", "email", "phone",
    "date_modified", "date_created", "city", "state", "country", "zip", "inactive_days",
    "socials", "interaction_count", "date_last_contacted",
)  # fmt: skip
