"""One APIRouter per resource; the search router comes first so /people/search is not an id."""

from verdigris.api.routes import (
    activities,
    companies,
    leads,
    lookups,
    opportunities,
    people,
    search,
)

ROUTERS = [
    search.router,
    people.router,
    leads.router,
    lookups.router,
    companies.router,
    opportunities.router,
    activities.router,
]
