"""Opportunities: Copper's opportunity record (`custom_fields` comes last, as Copper
shows it); `converted_unit` and `converted_value` are always null. Its search has every
filter and sort key of copper-surface section 9 (decision 0721)."""

from __future__ import annotations

from verdigris.domain.declarations import contacts as c
from verdigris.domain.declarations.declaration import Declaration, Filter, Sort
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import (
    Choice,
    DateText,
    Integer,
    Joined,
    JoinedKey,
    JsonList,
    Null,
    Number,
    Ref,
    Text,
    Timestamp,
)
from verdigris.domain.types import RecordType

PRIORITIES = ("None", "Low", "Medium", "High")
"""Priorities in `priority_ids` order (0 None ... 3 High)."""
STATUSES = ("Open", "Won", "Lost", "Abandoned")
"""Statuses in `status_ids` order (0 Open ... 3 Abandoned)."""

_SORTS = (
    Sort("name", "name_key"),
    Sort("account", "company_name_key"),
    Sort("company_name", "company_name_key"),
    Sort("value", "monetary_value"),
    Sort("assignee", "assignee_id"),
    Sort("customer_source_id", "customer_source_id"),
    Sort("date_modified", "date_modified"),
    Sort("date_created", "date_created"),
    Sort("contact", "primary_contact_key"),
    Sort("stage", "pipeline_stage_id"),
    Sort("status", "status_rank"),
    Sort("close_date", "close_date_key"),
    Sort("source", "customer_source_id"),
    Sort("priority", "priority_rank"),
    Sort("last_interaction", "date_last_contacted"),
    Sort("interaction_count", "interaction_count"),
    Sort("deal_last_stage", "date_stage_changed"),
    Sort("win_probability", "win_probability"),
    Sort("inactive_days", "date_last_contacted", reverse=True),
    Sort("monetary_unit", "monetary_unit_key"),
    Sort("monetary_value", "monetary_value"),
    Sort("primary_contact", "primary_contact_key"),
)
_FILTERS = (
    Filter("ids", K.IDS, "id"),
    Filter("name", K.NAME_CONTAINS, "name_key"),
    Filter("assignee_ids", K.REF_IDS, "assignee_id", none=True),
    Filter("status_ids", K.CHOICE_IDS, "status", choices=STATUSES),
    Filter("pipeline_ids", K.REF_IDS, "pipeline_id", none=True),
    Filter("pipeline_stage_ids", K.REF_IDS, "pipeline_stage_id", none=True),
    Filter("priority_ids", K.CHOICE_IDS, "priority", choices=PRIORITIES),
    Filter("priorities", K.CHOICES, "priority", choices=PRIORITIES),
    Filter("customer_source_ids", K.REF_IDS, "customer_source_id", none=True),
    Filter("loss_reason_ids", K.REF_IDS, "loss_reason_id", none=True),
    Filter("company_ids", K.REF_IDS, "company_id", none=True),
    Filter("primary_contact_ids", K.REF_IDS, "primary_contact_id", none=True),
    Filter("tags", K.TAGS),
    Filter("followed", K.FOLLOWED),
    *c.bounded("monetary_value", "monetary_value", number=True),
    *c.bounded("interaction_count", "interaction_count"),
    *c.bounded("close_date", "close_date_key"),
    *c.bounded("interaction_date", "date_last_contacted"),
    *c.bounded("stage_change_date", "date_stage_changed"),
    *c.bounded("created_date", "date_created"),
    *c.bounded("modified_date", "date_modified"),
    Filter("custom_fields", K.CUSTOM_FIELDS),
)

OPPORTUNITY = Declaration(
    record_type=RecordType.OPPORTUNITY,
    name="opportunity",
    plural="opportunities",
    table="opportunities",
    fields=(
        c.ID,
        Text(name="name", writable=True, sort_key="name_key", name_part=True, required=True),
        c.ASSIGNEE,
        DateText(name="close_date", writable=True, date_key="close_date_key"),
        Ref(name="company_id", writable=True, target="companies", counted=True, related=True),
        Joined(name="company_name", via="company_id", target="companies"),
        Ref(name="customer_source_id", writable=True, target="customer_sources", counted=True),
        c.DETAILS,
        Ref(name="loss_reason_id", writable=True, target="loss_reasons", counted=True),
        Ref(name="pipeline_id", writable=True, target="pipelines", counted=True),
        Ref(name="pipeline_stage_id", writable=True, target="pipeline_stages", counted=True),
        Ref(name="primary_contact_id", writable=True, target="people", related=True),
        Choice(name="priority", writable=True, choices=PRIORITIES, default="None", counted=True,
               rank_key="priority_rank"),
        Choice(name="status", writable=True, choices=STATUSES, default="Open", counted=True,
               rank_key="status_rank"),
        c.TAGS, c.INTERACTION_COUNT,
        Text(name="monetary_unit", writable=True, sort_key="monetary_unit_key"),
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
    stored=(
        JoinedKey(name="company_name_key", via="company_id", target="companies"),
        JoinedKey(name="primary_contact_key", via="primary_contact_id", target="people"),
    ),
    sorts=_SORTS,
    default_sort="name",
    filters=_FILTERS,
)  # fmt: skip
