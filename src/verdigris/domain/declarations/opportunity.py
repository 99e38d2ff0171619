"""Opportunities: Copper's opportunity record (`custom_fields` comes last, as Copper
shows it); `converted_unit` and `converted_value` are always null."""

from __future__ import annotations

from verdigris.domain.declarations import contacts as c
from verdigris.domain.declarations.declaration import Declaration, Filter, Sort
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import (
    Choice,
    Integer,
    Joined,
    JsonList,
    Null,
    Number,
    Ref,
    Text,
    Timestamp,
)
from verdigris.domain.types import RecordType

PRIORITIES = ("None", "Low", "Medium", "High")
STATUSES = ("Open", "Won", "Lost", "Abandoned")

OPPORTUNITY = Declaration(
    record_type=RecordType.OPPORTUNITY,
    name="opportunity",
    plural="opportunities",
    table="opportunities",
    fields=(
        c.ID,
        Text(name="name", writable=True, sort_key="name_key", name_part=True, required=True),
        c.ASSIGNEE,
        Text(name="close_date", writable=True),
        Ref(name="company_id", writable=True, target="companies", counted=True, related=True),
        Joined(name="company_name", via="company_id", target="companies"),
        Ref(name="customer_source_id", writable=True, target="customer_sources", counted=True),
        c.DETAILS,
        Ref(name="loss_reason_id", writable=True, target="loss_reasons", counted=True),
        Ref(name="pipeline_id", writable=True, target="pipelines", counted=True),
        Ref(name="pipeline_stage_id", writable=True, target="pipeline_stages", counted=True),
        Ref(name="primary_contact_id", writable=True, target="people", related=True),
        Choice(name="priority", writable=True, choices=PRIORITIES, default="None"),
        Choice(name="status", writable=True, choices=STATUSES, default="Open"),
        c.TAGS, c.INTERACTION_COUNT,
        Text(name="monetary_unit", writable=True),
        Number(name="monetary_value", writable=True),
        Null(name="converted_unit"),
        Null(name="converted_value"),
        Integer(name="win_probability", writable=True, minimum=0, maximum=100),
        Timestamp(name="date_stage_changed", nullable=False, default_from="date_created"),
        c.DATE_LAST_CONTACTED,
        JsonList(name="leads_converted_from"),
        Timestamp(name="date_lead_created"),
        c.DATE_CREATED, c.DATE_MODIFIED, c.CUSTOM_FIELDS,
    ),
    sorts=(
        Sort("name", "name_key"),
        Sort("date_created", "date_created"),
        Sort("date_modified", "date_modified"),
    ),
    default_sort="name",
    filters=(
        Filter("ids", K.IDS, "id"),
        Filter("name", K.NAME_CONTAINS, "name_key"),
        Filter("primary_contact_ids", K.REF_IDS, "primary_contact_id"),
    ),
)  # fmt: skip
