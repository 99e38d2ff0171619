"""One APIRouter per resource. Search and conversions come first so that
/people/search and /leads/upsert are never read as record ids."""

from verdigris.api.routes import (
    activities,
    companies,
    conversions,
    follows,
    leads,
    lookups,
    opportunities,
    people,
    search,
)

ROUTERS = [
    search.router,
    conversions.router,
    follows.router,
    people.router,
    leads.router,
    lookups.router,
    companies.router,
    opportunities.router,
    activities.router,
]
