"""One APIRouter per resource: the generic record routes of every declared type
(records.py) and each type's own routes."""

from verdigris.api.routes import (
    activities,
    activity_types,
    bulk,
    follows,
    leads,
    lookups,
    people,
    pipelines,
    related,
    webhooks,
)
from verdigris.api.routes.opportunities import RELATED_PEOPLE
from verdigris.api.routes.records import record_router
from verdigris.domain.types import RecordType
from verdigris.parsing.relations import opportunity_extras

ROUTERS = [
    # Matched in this order, every request walking the list to its route (two passes of
    # FastAPI's router): the record routes, which most requests take, come first. No
    # two routes match one path: ids are ints, so /people/bulk_create is no /people/{id}.
    record_router(RecordType.PERSON),
    record_router(RecordType.LEAD),
    record_router(RecordType.COMPANY),
    record_router(RecordType.OPPORTUNITY, opportunity_extras(), RELATED_PEOPLE),
    record_router(RecordType.TASK),
    record_router(RecordType.PROJECT),
    bulk.router,
    people.router,
    leads.router,
    follows.router,
    related.router,
    lookups.router,
    activities.router,
    pipelines.router,
    activity_types.router,
    webhooks.router,
]
