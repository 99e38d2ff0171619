"""One APIRouter per resource: the generic record routes of every declared type
(records.py) and each type's own routes."""

from verdigris.api.routes import (
    activities,
    activity_types,  # surface-lookups (#13)
    follows,
    leads,
    lookups,
    people,
    pipelines,  # surface-lookups (#13)
    related,
)
from verdigris.api.routes.opportunities import RELATED_PEOPLE
from verdigris.api.routes.records import record_router
from verdigris.domain.types import RecordType
from verdigris.parsing.relations import opportunity_extras

ROUTERS = [
    people.router,
    leads.router,
    follows.router,
    record_router(RecordType.PERSON),
    record_router(RecordType.LEAD),
    record_router(RecordType.COMPANY),
    record_router(RecordType.OPPORTUNITY, opportunity_extras(), RELATED_PEOPLE),
    record_router(RecordType.TASK),
    record_router(RecordType.PROJECT),
    related.router,
    lookups.router,
    activities.router,
    pipelines.router,  # surface-lookups (#13): pipelines, stages, loss reasons, tags
    activity_types.router,  # surface-lookups (#13): custom activity types
]
