"""Bodies about relations: the related-items routes' `resource`, and an opportunity's
`related_people` (our extension: the ids of its related people, replacing the list)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verdigris.domain.declarations import BY_NAME, DECLARATIONS
from verdigris.domain.types import RecordType
from verdigris.errors import BadRequest
from verdigris.parsing import values as v
from verdigris.parsing.records import Read


def opportunity_extras() -> Mapping[str, Read]:
    return {"related_people": v.id_list}


def parse_resource(body: Mapping[str, Any]) -> tuple[RecordType, int]:
    """`{"resource": {"id", "type"}}` of the related-items routes: the other record."""
    resource = v.mapping("resource", body.get("resource"))
    kind = resource.get("type")
    names = [d.name for d in DECLARATIONS]
    if kind not in names:
        raise BadRequest(f"resource.type: must be one of {', '.join(names)}")
    return BY_NAME[kind].record_type, v.integer("resource.id", resource.get("id"))
