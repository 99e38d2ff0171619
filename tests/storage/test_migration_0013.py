"""Migration 0013 on an analyzed SQLite database: leads' indexes end with the converted
flag, and SQLite still has statistics for them (a dropped index loses its own, and
without them SQLite scanned a whole index of 1,000,000 leads to test three ids)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from tests.test_migrations import _upgraded_from

_LEADS = (
    "INSERT INTO leads (account_id, id, name, name_key, phone_numbers, socials, tags, "
    "websites, custom_fields, date_created, date_modified, date_status_changed, "
    "interaction_count, is_converted) VALUES "
    + ", ".join(
        f"(1, {i}, 'Lead {i}', 'lead {i}', '[]', '[]', '[]', '[]', '{{}}', {i}, {i}, {i}, 0, "
        f"{i % 2})"
        for i in range(1, 41)
    )
)


def test_leads_indexes_carry_the_flag_and_keep_their_statistics(tmp_path: Path) -> None:
    engine = _upgraded_from(f"sqlite:///{tmp_path / 'old.db'}", "0012", _LEADS, "ANALYZE")
    with engine.connect() as conn:
        analyzed = set(
            conn.exec_driver_sql("SELECT idx FROM sqlite_stat1 WHERE tbl = 'leads'").scalars()
        )
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM leads WHERE account_id = 1 AND id IN (3, 5)"
            " AND NOT is_converted"
        ).all()
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("leads")}
    engine.dispose()
    assert indexes["ix_leads_name_key"] == ["account_id", "name_key", "id", "is_converted"]
    assert {"ix_leads_name_key", "ix_leads_status_id", "ix_leads_date_created"} <= analyzed
    assert "(account_id=? AND id=?)" in plan[-1][-1]
