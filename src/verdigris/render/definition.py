"""A custom field definition -> Copper's definition shape."""

from __future__ import annotations

from typing import Any

from verdigris.domain.definitions import Definition


def render_definition(definition: Definition) -> dict[str, Any]:
    """{id, name, canSearch, data_type, available_on, options}; options always a list."""
    return {
        "id": definition.id,
        "name": definition.name,
        "canSearch": True,
        "data_type": definition.data_type,
        "available_on": list(definition.available_on),
        "options": [{"id": o.id, "name": o.name, "rank": o.rank} for o in definition.options],
    }
