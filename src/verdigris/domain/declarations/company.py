"""Companies (SPEC.md 4): Copper's company record; list fields are [] when empty."""

from __future__ import annotations

from verdigris.domain.declarations import contacts as c
from verdigris.domain.declarations.declaration import Declaration, Filter, Sort
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import Ref, Text, Timestamp
from verdigris.domain.types import RecordType

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
        Text(name="email_domain", writable=True, sort_key="email_domain_key"),
        c.PHONES, c.SOCIALS, c.TAGS, c.WEBSITES, c.CUSTOM_FIELDS, c.INTERACTION_COUNT,
        c.DATE_CREATED, c.DATE_MODIFIED,
    ),
    stored=(Timestamp(name="date_last_contacted"),),
    sorts=(
        Sort("name", "name_key"),
        Sort("date_created", "date_created"),
        Sort("date_modified", "date_modified"),
        Sort("interaction_count", "interaction_count"),
    ),
    default_sort="name",
    filters=(Filter("ids", K.IDS, "id"), Filter("name", K.NAME_CONTAINS, "name_key")),
)  # fmt: skip
