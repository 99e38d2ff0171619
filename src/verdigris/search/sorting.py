"""sort_by -> the stored sort column and direction (SPEC.md 3, Sorting).

Text keys are the folded `*_key` columns (NULL when empty or blank), so ordering and
"empty last" are plain index walks; paging.py turns an Order into SQL.
"""

from __future__ import annotations

from sqlalchemy import Table

from verdigris.domain.types import RecordType
from verdigris.search.paging import Order

_COLUMNS = {
    "name": "name_key",
    "first_name": "first_name_key",
    "last_name": "last_name_key",
    "title": "title_key",
    "email": "email_key",
    "phone": "phone_key",
    "socials": "socials_key",
    "city": "city_key",
    "state": "state_key",
    "country": "country_key",
    "zip": "zip_key",
    "date_modified": "date_modified",
    "date_created": "date_created",
    "interaction_count": "interaction_count",
    "date_last_contacted": "date_last_contacted",
    "company_name": "company_name_key",
    "value": "monetary_value",
    "inactive_days": "date_last_contacted",
}
_REVERSED = frozenset({"inactive_days"})
"""Keys whose ascending order is their column's descending order."""

DEFAULT_SORT = {RecordType.PERSON: "first_name", RecordType.LEAD: "name"}


def order_for(table: Table, sort_by: str, descending: bool) -> Order:
    """The Order of a validated sort key on the people or leads table."""
    column = table.c[_COLUMNS[sort_by]]
    return Order(column, descending != (sort_by in _REVERSED), bool(column.nullable))
