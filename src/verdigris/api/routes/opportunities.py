"""What /opportunities adds to the generic routes (records.py): the `related_people` body
key (our extension)."""

from __future__ import annotations

RELATED_PEOPLE = {
    "related_people": {
        "type": ["array", "null"],
        "items": {"type": "integer"},
        "description": "Verdigris extension: ids of related people (replaces the list)",
    }
}
