"""Bodies of `POST /custom_activity_types` and `PUT /custom_activity_types/{id}`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from verdigris.domain.lookup_defaults import ICON_TYPES
from verdigris.errors import BadRequest, Unprocessable
from verdigris.parsing import values as v


@dataclass(frozen=True)
class ActivityTypeBody:
    """What a body sets (None: not given). `is_interaction` and `is_disabled` are our
    extension: Copper's docs name only `name` and `icon_type`."""

    name: str | None = None
    icon_type: str | None = None
    is_interaction: bool | None = None
    is_disabled: bool | None = None


def parse_activity_type(body: Mapping[str, Any], creating: bool) -> ActivityTypeBody:
    """A create needs `name` and `icon_type` (422 without them); null is "not given"."""
    name = body.get("name")
    if name is not None:
        name = v.string("name", name).strip()
        if not name:
            raise BadRequest("name: must be a non-empty string")
    icon = body.get("icon_type")
    if icon is not None:
        icon = v.choice("icon_type", icon, ICON_TYPES)
    if creating and (name is None or icon is None):
        raise Unprocessable(f"{'name' if name is None else 'icon_type'}: is required")
    flags = {key: v.optional(v.boolean)(key, body.get(key))
             for key in ("is_interaction", "is_disabled")}  # fmt: skip
    return ActivityTypeBody(name, icon, **flags)
