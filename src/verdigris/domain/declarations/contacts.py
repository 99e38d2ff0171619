"""Fields, sorts and filters people and leads share (SPEC.md 2 and 3); each declaration
lists them in its own output order."""

from __future__ import annotations

from verdigris.domain.declarations.declaration import Filter, Sort
from verdigris.domain.declarations.declaration import FilterKind as K
from verdigris.domain.declarations.fields import (
    PHONE_CATEGORIES,
    SOCIAL_CATEGORIES,
    WEBSITE_CATEGORIES,
    Address,
    Count,
    CustomFields,
    Entries,
    Id,
    Ref,
    Tags,
    Text,
    Timestamp,
)

ID = Id()
NAME = Text(name="name", writable=True, sort_key="name_key", name_part=True)
PREFIX = Text(name="prefix", writable=True, name_part=True)
FIRST_NAME = Text(name="first_name", writable=True, sort_key="first_name_key", name_part=True)
MIDDLE_NAME = Text(name="middle_name", writable=True, name_part=True)
LAST_NAME = Text(name="last_name", writable=True, sort_key="last_name_key", name_part=True)
SUFFIX = Text(name="suffix", writable=True, name_part=True)
# The parts whose values each hold a large share of an account (a state, a country) and
# the dates every record has: a value within a window is a range of one index, which
# also holds the interaction count clients filter such reports by.
ADDRESS = Address(
    writable=True,
    ranged=tuple((part, date) for part in ("state", "country")
                 for date in ("date_created", "date_modified")),
    carried=("interaction_count",),
)  # fmt: skip
ASSIGNEE = Ref(name="assignee_id", writable=True, target="users", counted=True)
DETAILS = Text(name="details", writable=True)
PHONES = Entries(
    name="phone_numbers", writable=True, item="number", categories=PHONE_CATEGORIES,
    child="record_phones", first_key="phone_key",
)  # fmt: skip
SOCIALS = Entries(
    name="socials", writable=True, item="url", categories=SOCIAL_CATEGORIES,
    child="record_socials", first_key="socials_key",
)  # fmt: skip
TAGS = Tags(writable=True)
TITLE = Text(name="title", writable=True, sort_key="title_key")
WEBSITES = Entries(name="websites", writable=True, item="url", categories=WEBSITE_CATEGORIES)
CUSTOM_FIELDS = CustomFields(writable=True)
DATE_CREATED = Timestamp(name="date_created", nullable=False, default_now=True)
DATE_MODIFIED = Timestamp(name="date_modified", nullable=False, default_from="date_created")
DATE_LAST_CONTACTED = Timestamp(name="date_last_contacted")
INTERACTION_COUNT = Count(name="interaction_count")

SORTS = {
    "name": Sort("name", "name_key"),
    "first_name": Sort("first_name", "first_name_key"),
    "last_name": Sort("last_name", "last_name_key"),
    "title": Sort("title", "title_key"),
    "email": Sort("email", "email_key"),
    "phone": Sort("phone", "phone_key"),
    "date_modified": Sort("date_modified", "date_modified"),
    "date_created": Sort("date_created", "date_created"),
    "city": Sort("city", "city_key"),
    "state": Sort("state", "state_key"),
    "country": Sort("country", "country_key"),
    "zip": Sort("zip", "zip_key"),
    "socials": Sort("socials", "socials_key"),
    "interaction_count": Sort("interaction_count", "interaction_count"),
    "date_last_contacted": Sort("date_last_contacted", "date_last_contacted"),
}


def bounded(key: str, column: str, number: bool = False) -> tuple[Filter, Filter]:
    """`minimum_<key>` and `maximum_<key>`: inclusive bounds on `column`."""
    return (
        Filter(f"minimum_{key}", K.MINIMUM, column, number=number),
        Filter(f"maximum_{key}", K.MAXIMUM, column, number=number),
    )


_BOUNDED = (
    ("interaction_count", "interaction_count"),
    ("interaction_date", "date_last_contacted"),
    ("created_date", "date_created"),
    ("modified_date", "date_modified"),
)
FIRST_FILTERS = (
    Filter("ids", K.IDS, "id"),
    Filter("name", K.FUZZY_NAME),
    Filter("phone_number", K.PHONE),
    Filter("emails", K.EMAILS),
    Filter("assignee_ids", K.REF_IDS, "assignee_id", none=True),
    *(Filter(part, K.ADDRESS, part) for part in ("city", "state", "postal_code", "country")),
    Filter("tags", K.TAGS),
    Filter("socials", K.SOCIALS),
    Filter("followed", K.FOLLOWED),
    Filter("age", K.AGE, "date_created"),
    *(
        Filter(f"{end}_{key}", kind, column)
        for key, column in _BOUNDED
        for end, kind in (("minimum", K.MINIMUM), ("maximum", K.MAXIMUM))
    ),
)
"""Filters of both, in the order their values are checked."""
