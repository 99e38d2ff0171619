"""Migration 0009 on a database holding rows: defaults seeded where an account has none,
tag names, and the new search columns and counters of companies and opportunities
filled as a write would fill them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select

from tests.conftest import new_postgres_database
from tests.test_migrations import _upgraded_from
from verdigris.domain.lookup_defaults import default_pipelines
from verdigris.domain.types import RecordType
from verdigris.storage import pipelines, schema, tags
from verdigris.storage.projection import table_row
from verdigris.storage.records import get_stored

_PEOPLE = (
    "INSERT INTO people (account_id, id, name, name_key, phone_numbers, socials, tags, "
    "websites, custom_fields, date_created, date_modified, interaction_count, emails, "
    "leads_converted_from) VALUES (1, 7, 'Pam', 'pam', '[]', '[]', '[\"VIP\"]', '[]', "
    "'{}', 1, 1, 0, '[]', '[]')"
)
_COMPANY = (
    "INSERT INTO companies (account_id, id, name, name_key, email_domain, phone_numbers, "
    "socials, tags, websites, custom_fields, interaction_count, date_created, "
    "date_modified) VALUES (1, 3, 'Acme', 'acme', ' Acme.COM ', '[]', '[]', "
    '\'["vip", "Q1"]\', \'[{"url": "HTTP://A.example", "category": "work"}]\', '
    "'{}', 0, 1, 1)"
)
_OPPORTUNITY = (
    "INSERT INTO opportunities (account_id, id, name, name_key, company_id, "
    "primary_contact_id, close_date, monetary_unit, priority, status, tags, "
    "date_created, date_modified) VALUES (1, 4, 'Deal', 'deal', 3, 7, '01/15/2018', "
    "'USD', 'High', 'Lost', '[]', 1, 1)"
)
_ROWS = (
    "INSERT INTO accounts VALUES (1, 'old'), (2, 'kept')",
    "INSERT INTO pipelines VALUES (2, 5, 'Mine')",
    "INSERT INTO activity_types (account_id, category, id, name, count_as_interaction) "
    "VALUES (1, 'user', 1, 'Phone Call', true), (2, 'user', 9, 'Call', true)",
    _PEOPLE, _COMPANY, _OPPORTUNITY,
    # the tag counters the rows above were written with (the migration keeps them)
    "INSERT INTO value_counts VALUES (1, 1, 'tag', 'vip', 1), (1, 3, 'tag', 'vip', 1), "
    "(1, 3, 'tag', 'q1', 1)",
)  # fmt: skip


def _check(engine: Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
        assert [p["name"] for p in pipelines.pipelines(conn, 1)] == [
            p["name"] for p in default_pipelines()
        ]  # fmt: skip
        assert [p["id"] for p in pipelines.pipelines(conn, 2)] == [5]  # it had its own
        assert len(pipelines.loss_reasons(conn, 1)) == 3
        t = schema.activity_types
        icons = conn.execute(select(t.c.account_id, t.c.name, t.c.icon_type, t.c.is_disabled))
        assert sorted(icons.tuples()) == [(1, "Phone Call", "Phone", False),
                                          (2, "Call", None, False)]  # fmt: skip
        found = {tag["name"]: tag["count"] for tag in tags.list_tags(conn, 1)}
        assert found == {"Q1": 1, "VIP": 2}
        new = {RecordType.COMPANY: (3, ("email_domain_match", "website_key")),
               RecordType.OPPORTUNITY: (4, ("close_date_key", "monetary_unit_key",
                                            "priority_rank", "status_rank", "company_name_key",
                                            "primary_contact_key"))}  # fmt: skip
        for kind, (record_id, columns) in new.items():
            table = schema.RECORD_TABLES[kind]
            row = conn.execute(select(table).where(table.c.id == record_id)).one()._mapping
            stored = get_stored(conn, 1, kind, record_id)
            keys = {"company_name_key": "acme", "primary_contact_key": "pam"}
            expected = table_row(1, kind, stored | keys)  # what a write would store
            assert {c: row[c] for c in columns} == {c: expected[c] for c in columns}
            assert all(row[c] is not None for c in columns)
        vc = schema.value_counts
        counts = conn.execute(select(vc.c.field, vc.c.value, vc.c.n).where(vc.c.record_type == 4))
        assert {("status", "Lost", 1), ("priority", "High", 1)} <= set(counts.tuples())


def test_sqlite_upgrade_from_0005_fills_what_is_new(tmp_path: Path) -> None:
    engine = _upgraded_from(f"sqlite:///{tmp_path / 'old.db'}", "0005", *_ROWS)
    try:
        _check(engine)
    finally:
        engine.dispose()


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    with new_postgres_database() as url:
        yield url


@pytest.mark.postgresql
def test_postgres_upgrade_from_0005_fills_what_is_new(empty_postgres: str) -> None:
    engine = _upgraded_from(empty_postgres, "0005", *_ROWS)
    try:
        _check(engine)
    finally:
        engine.dispose()
