"""`POST /activities/search`: the activities of an account, filtered by parent, type and
date, paged and counted in the database like every other search."""

from __future__ import annotations

from sqlalchemy import Connection, and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.types import RecordType
from verdigris.parsing.activities import ActivitySearch
from verdigris.search.paging import Order, count_capped, page_ids
from verdigris.storage import schema
from verdigris.storage.dialect import planned_for_values

_acts = schema.activities


def search_activities(
    conn: Connection, account_id: int, search: ActivitySearch
) -> tuple[list[int], int]:
    """(ids on the page, capped total)."""
    where = []
    if search.parent is not None:
        where.append(_parent_clause(account_id, search))
    if search.types:
        pairs = [(_acts.c.type_category == c) & (_acts.c.type_id == i) for c, i in search.types]
        where.append(or_(*pairs))
    if search.minimum_date is not None:
        where.append(_acts.c.activity_date >= search.minimum_date)
    if search.maximum_date is not None:
        where.append(_acts.c.activity_date <= search.maximum_date)
    order = Order(_acts.c[search.sort_by], search.descending, nullable=False)
    with planned_for_values(conn):
        total = count_capped(conn, _acts, account_id, where)
        return page_ids(conn, _acts, account_id, where, order, search.paging, total), total


def _parent_clause(account_id: int, search: ActivitySearch) -> ColumnElement[bool]:
    assert search.parent is not None
    kind, parent_id = search.parent
    own = and_(_acts.c.parent_type == int(kind), _acts.c.parent_id == parent_id)
    if search.of_company_people is None:
        return own
    people = schema.RECORD_TABLES[RecordType.PERSON]
    staff = select(people.c.id).where(
        people.c.account_id == account_id, people.c.company_id == search.of_company_people
    )
    return or_(
        own, and_(_acts.c.parent_type == int(RecordType.PERSON), _acts.c.parent_id.in_(staff))
    )
