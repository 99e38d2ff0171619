"""Tasks (copper-surface 1): Copper's task record, its sort keys and search filters. A
task relates to one record at most (`related_resource`); `completed_date` is kept by
the server from the status (SPEC.md 7)."""

from __future__ import annotations

from verdigris.domain.declarations import contacts as c
from verdigris.domain.declarations.declaration import Declaration, Filter, Sort
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import Choice, Ref, Related, Text, Timestamp
from verdigris.domain.types import RecordType

TASK_PRIORITIES = ("None", "Low", "Medium", "High")
TASK_STATUSES = ("Open", "Completed")

TASK = Declaration(
    record_type=RecordType.TASK,
    name="task",
    plural="tasks",
    table="tasks",
    fields=(
        c.ID,
        Text(name="name", writable=True, sort_key="name_key", name_part=True, required=True),
        Related(
            name="related_resource", writable=True,
            types=("person", "lead", "company", "opportunity", "project"),
        ),
        c.ASSIGNEE,
        Timestamp(name="due_date", writable=True),
        Timestamp(name="reminder_date", writable=True),
        Timestamp(name="completed_date"),
        Choice(name="priority", writable=True, choices=TASK_PRIORITIES, default="None"),
        Choice(name="status", writable=True, choices=TASK_STATUSES, default="Open", counted=True),
        c.DETAILS, c.TAGS, c.CUSTOM_FIELDS, c.DATE_CREATED, c.DATE_MODIFIED,
        Ref(name="custom_activity_type_id", writable=True, target="activity_types"),
    ),
    sorts=(
        Sort("name", "name_key"),
        Sort("assigned_to", "assignee_id"),
        Sort("related_to", "related_id"),
        Sort("status", "status"),
        Sort("priority", "priority"),
        Sort("due_date", "due_date"),
        Sort("reminder_date", "reminder_date"),
        Sort("completed_date", "completed_date"),
        Sort("date_created", "date_created"),
        Sort("date_modified", "date_modified"),
    ),
    default_sort="due_date",
    filters=(
        Filter("ids", K.IDS, "id"),
        Filter("name", K.NAME_CONTAINS, "name_key"),
        Filter("assignee_ids", K.REF_IDS, "assignee_id", none=True),
        Filter("opportunity_ids", K.RELATED_IDS, "related_id", target="opportunity"),
        Filter("project_ids", K.RELATED_IDS, "related_id", none=True, target="project"),
        Filter("statuses", K.CHOICES, "status", choices=TASK_STATUSES),
        Filter("tags", K.TAGS),
        Filter("followed", K.FOLLOWED),
        Filter("minimum_due_date", K.MINIMUM, "due_date"),
        Filter("maximum_due_date", K.MAXIMUM, "due_date"),
        Filter("minimum_created_date", K.MINIMUM, "date_created"),
        Filter("maximum_created_date", K.MAXIMUM, "date_created"),
        Filter("minimum_modified_date", K.MINIMUM, "date_modified"),
        Filter("maximum_modified_date", K.MAXIMUM, "date_modified"),
        Filter("custom_fields", K.CUSTOM_FIELDS),
    ),
)  # fmt: skip
