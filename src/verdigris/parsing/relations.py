"""Keys of write bodies that are not fields of the record they write: an opportunity's
`related_people` (our extension: the ids of its related people, replacing the list)."""

from __future__ import annotations

from collections.abc import Mapping

from verdigris.parsing import values as v
from verdigris.parsing.records import Read


def opportunity_extras() -> Mapping[str, Read]:
    return {"related_people": v.id_list}
