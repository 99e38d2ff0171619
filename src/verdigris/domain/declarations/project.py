"""Projects (copper-surface 2): Copper's project record, its sort keys and search filters.
`related_resource` is the project's primary related record (null when none); a project
may be related to more records through the related-items routes."""

from __future__ import annotations

from verdigris.domain.declarations import contacts as c
from verdigris.domain.declarations.declaration import Declaration, Filter, Sort
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import Choice, Related, Text
from verdigris.domain.types import RecordType

PROJECT_STATUSES = ("Open", "Completed")

PROJECT = Declaration(
    record_type=RecordType.PROJECT,
    name="project",
    plural="projects",
    table="projects",
    fields=(
        c.ID,
        Text(name="name", writable=True, sort_key="name_key", name_part=True, required=True),
        Related(
            name="related_resource", writable=True, null_when_none=True,
            types=("person", "company", "opportunity", "task"),
        ),
        c.ASSIGNEE,
        Choice(name="status", writable=True, choices=PROJECT_STATUSES, default="Open",
               counted=True),
        c.DETAILS, c.TAGS, c.CUSTOM_FIELDS, c.DATE_CREATED, c.DATE_MODIFIED,
    ),
    sorts=(
        Sort("name", "name_key"),
        Sort("assigned_to", "assignee_id"),
        Sort("related_to", "related_id"),
        Sort("status", "status"),
        Sort("date_modified", "date_modified"),
        Sort("date_created", "date_created"),
    ),
    default_sort="name",
    filters=(
        Filter("ids", K.IDS, "id"),
        Filter("name", K.NAME_CONTAINS, "name_key"),
        Filter("assignee_ids", K.REF_IDS, "assignee_id", none=True),
        Filter("statuses", K.CHOICES, "status", choices=PROJECT_STATUSES),
        Filter("status_ids", K.CHOICE_IDS, "status", choices=PROJECT_STATUSES),
        Filter("tags", K.TAGS),
        Filter("followed", K.FOLLOWED),
        Filter("minimum_created_date", K.MINIMUM, "date_created"),
        Filter("maximum_created_date", K.MAXIMUM, "date_created"),
        Filter("minimum_modified_date", K.MINIMUM, "date_modified"),
        Filter("maximum_modified_date", K.MAXIMUM, "date_modified"),
        Filter("custom_fields", K.CUSTOM_FIELDS),
    ),
)  # fmt: skip
