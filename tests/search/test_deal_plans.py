"""Plans of company and opportunity searches on SQLite: the indexes migration 0009 adds are
the ones their filters and sort walks use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Table, create_engine, select
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import COMPANY, OPPORTUNITY, Declaration
from verdigris.domain.types import RecordType
from verdigris.search.filters import clause
from verdigris.search.paging import Order
from verdigris.search.scope import Scope
from verdigris.search.sorting import order_for
from verdigris.storage import schema


@pytest.fixture
def conn() -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    schema.metadata.create_all(engine)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _plan(conn: Connection, table: Table, where: ColumnElement[bool]) -> str:
    statement = select(table.c.id).where(table.c.account_id == 1, where)
    sql = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return "\n".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))


def _filter(conn: Connection, decl: Declaration, key: str, value: Any) -> str:
    scope = Scope(conn, 1, 1, 0, decl.record_type)
    return _plan(conn, scope.table, clause(scope, decl.filter_by_key[key], value))


@pytest.mark.parametrize(
    ("decl", "key", "value", "index"),
    [
        (COMPANY, "email_domains", ("acme.com",), "ix_companies_email_domain_match"),
        (OPPORTUNITY, "minimum_close_date", 1_515_974_400, "ix_opportunities_close_date_key"),
        (OPPORTUNITY, "status_ids", ("Lost",), "ix_opportunities_status"),
        (OPPORTUNITY, "priorities", ("High",), "ix_opportunities_priority"),
        (OPPORTUNITY, "maximum_stage_change_date", 5, "ix_opportunities_date_stage_changed"),
        (COMPANY, "maximum_interaction_date", 5, "ix_companies_date_last_contacted"),
    ],
)
def test_filters_look_up_their_index(
    conn: Connection, decl: Declaration, key: str, value: Any, index: str
) -> None:
    assert index in _filter(conn, decl, key, value)


@pytest.mark.parametrize(
    ("record_type", "sort_by", "index"),
    [
        (RecordType.OPPORTUNITY, "company_name", "ix_opportunities_company_name_key"),
        (RecordType.OPPORTUNITY, "contact", "ix_opportunities_primary_contact_key"),
        (RecordType.OPPORTUNITY, "close_date", "ix_opportunities_close_date_key"),
        (RecordType.OPPORTUNITY, "status", "ix_opportunities_status_rank"),
        (RecordType.COMPANY, "primary_website", "ix_companies_website_key"),
        (RecordType.COMPANY, "email_domain", "ix_companies_email_domain_key"),
    ],
)
def test_sort_walks_its_index(
    conn: Connection, record_type: RecordType, sort_by: str, index: str
) -> None:
    """A page of the sort is a walk of the `(account_id, key, id)` index: no sort step."""
    table = schema.RECORD_TABLES[record_type]
    order: Order = order_for(record_type, table, sort_by, False)
    statement = (
        select(table.c.id)
        .where(table.c.account_id == 1, order.column.is_not(None))
        .order_by(order.column, table.c.id)
        .limit(20)
    )
    sql = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    plan = "\n".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
