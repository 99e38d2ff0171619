"""The routers may be listed in any order (api/routes ROUTERS puts the busiest first):
no request path and method is taken by two routes, so the order decides nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Match

from verdigris.api.routes import ROUTERS

ROUTES = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


def _example_path(template: str) -> str:
    """A concrete path for a route's template: ids 7, a record type's plural `people`."""
    path = re.sub(r"\{[a-z_]+:int\}", "7", template)
    return re.sub(r"\{[a-z_]+\}", "people", path)


def _scope(method: str, path: str) -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


@pytest.mark.parametrize(
    ("method", "template"),
    [(method, route.path) for route in ROUTES for method in sorted(route.methods)],
)
def test_one_route_takes_each_request(method: str, template: str) -> None:
    scope = _scope(method, _example_path(template))
    taking = [route.path for route in ROUTES if route.matches(scope)[0] == Match.FULL]
    assert taking == [template]


def test_the_example_paths_name_every_kind_of_parameter() -> None:
    # A template with a parameter _example_path does not fill would match nothing.
    assert all("{" not in _example_path(route.path) for route in ROUTES)
