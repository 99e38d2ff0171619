"""companies and opportunities as declared record types

Companies and opportunities get the columns, search rows and counters people and leads
have (one declaration per record type): address, phone, social and email domain keys
on companies; every Copper field of an opportunity as a column of its own in place of
the `doc` JSON; their tags, phones, socials and custom field values in the shared child
tables; their counts in `value_counts`. Existing rows are filled in here, with the
folding rules of this revision (a migration never imports live code). The lookups an
opportunity refers to (pipelines, their stages, loss reasons) get their tables.

Revision ID: 0005
Revises: 0004
"""

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COMPANY, OPPORTUNITY = 3, 4
_KEY: Any = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
_PARTS = {"city": ("city_key", "city_match"), "state": ("state_key", "state_match"),
          "postal_code": ("zip_key", "postal_code_match"),
          "country": ("country_key", "country_match")}  # fmt: skip
_NON_DIGIT = re.compile(r"\D")
_OPPORTUNITY_COLUMNS: list[tuple[str, Any, str | None]] = [
    ("assignee_id", sa.BigInteger(), None), ("close_date", sa.Text(), None),
    ("customer_source_id", sa.BigInteger(), None), ("details", sa.Text(), None),
    ("loss_reason_id", sa.BigInteger(), None), ("pipeline_id", sa.BigInteger(), None),
    ("pipeline_stage_id", sa.BigInteger(), None), ("priority", sa.Text(), "None"),
    ("status", sa.Text(), "Open"), ("tags", sa.Text(), "[]"),
    ("interaction_count", sa.Integer(), "0"), ("monetary_unit", sa.Text(), None),
    ("monetary_value", sa.Float(), None), ("win_probability", sa.Integer(), None),
    ("date_stage_changed", sa.BigInteger(), "0"), ("date_last_contacted", sa.BigInteger(), None),
    ("leads_converted_from", sa.Text(), "[]"), ("date_lead_created", sa.BigInteger(), None),
    ("custom_fields", sa.Text(), "{}"),
]  # fmt: skip
_COMPANY_INDEXED = ("name_key", "date_created", "date_modified", "interaction_count",
                    "assignee_id", "contact_type_id")  # fmt: skip
_OPPORTUNITY_INDEXED = ("name_key", "date_created", "date_modified", "primary_contact_id",
                        "assignee_id", "company_id", "customer_source_id", "loss_reason_id",
                        "pipeline_id", "pipeline_stage_id")  # fmt: skip


def upgrade() -> None:
    _lookup_tables()
    _company_columns()
    _opportunity_columns()
    conn = op.get_bind()
    types = _custom_types(conn)
    _fill_companies(conn, types)
    _fill_opportunities(conn, types)
    with op.batch_alter_table("opportunities") as batch:
        batch.drop_column("doc")
    _indexes()


def _lookup_tables() -> None:
    def key(*columns: sa.Column[Any]) -> list[Any]:
        ids = [sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
               sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
               sa.Column("name", sa.Text(), nullable=False)]  # fmt: skip
        return [*ids, *columns, sa.PrimaryKeyConstraint("account_id", "id")]

    op.create_table("loss_reasons", *key())
    op.create_table("pipelines", *key())
    op.create_table(
        "pipeline_stages",
        *key(
            sa.Column("pipeline_id", sa.BigInteger(), nullable=False),
            sa.Column("win_probability", sa.Integer(), nullable=True),
            sa.Column("position", sa.Integer(), nullable=False),
        ),
    )
    op.create_index(
        "ix_pipeline_stages_pipeline", "pipeline_stages", ["account_id", "pipeline_id", "position"]
    )


def _company_columns() -> None:
    keys = [k for pair in _PARTS.values() for k in pair]
    with op.batch_alter_table("companies") as batch:
        for name in ("email_domain_key", "phone_key", "socials_key", *keys):
            batch.add_column(sa.Column(name, _KEY, nullable=True))
        batch.add_column(sa.Column("date_last_contacted", sa.BigInteger(), nullable=True))


def _opportunity_columns() -> None:
    with op.batch_alter_table("opportunities") as batch:
        for name, kind, default in _OPPORTUNITY_COLUMNS:
            batch.add_column(
                sa.Column(name, kind, nullable=default is None, server_default=default)
            )


def _indexes() -> None:
    op.drop_index("ix_companies_name", table_name="companies")
    op.drop_index("ix_opportunities_name", table_name="opportunities")
    op.drop_index("ix_opportunities_primary", table_name="opportunities")
    for table, columns in (("companies", _COMPANY_INDEXED),
                           ("opportunities", _OPPORTUNITY_INDEXED)):  # fmt: skip
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, ["account_id", column, "id"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    for part, (key, match) in _PARTS.items():
        where = sa.text(f"{key} {'IS NOT' if sqlite else 'IS DISTINCT FROM'} {match}")
        op.create_index(
            f"ix_companies_{part}_padded", "companies", ["account_id", match, "id"],
            sqlite_where=where, postgresql_where=where,
        )  # fmt: skip


def _sort_key(value: Any) -> str | None:
    return value.casefold() if isinstance(value, str) and value.strip() else None


def _match_key(value: Any) -> str | None:
    return (value.strip().casefold() or None) if isinstance(value, str) else None


def _first(items: list[Any], key: str) -> str | None:
    return _sort_key(items[0].get(key)) if items and isinstance(items[0], dict) else None


def _custom_types(conn: sa.Connection) -> dict[tuple[int, int], str]:
    rows = conn.execute(sa.text("SELECT account_id, id, data_type FROM custom_field_definitions"))
    return {(r.account_id, r.id): r.data_type for r in rows}


def _rows(conn: sa.Connection, table: str) -> Iterator[Any]:
    last = (-(2**63), -(2**63))
    while True:
        batch = conn.execute(
            sa.text(f"SELECT * FROM {table} WHERE (account_id > :a) OR "
                    f"(account_id = :a AND id > :i) ORDER BY account_id, id LIMIT 1000"),
            {"a": last[0], "i": last[1]},
        ).all()  # fmt: skip
        if not batch:
            return
        yield from batch
        last = (batch[-1].account_id, batch[-1].id)


def _fill_companies(conn: sa.Connection, types: dict[tuple[int, int], str]) -> None:
    counts: Counter[tuple[int, str, str]] = Counter()
    for row in _rows(conn, "companies"):
        address = json.loads(row.address) if row.address else None
        phones, socials = json.loads(row.phone_numbers), json.loads(row.socials)
        values: dict[str, Any] = {
            "email_domain_key": _sort_key(row.email_domain),
            "phone_key": _first(phones, "number"), "socials_key": _first(socials, "url"),
        }  # fmt: skip
        for part, (key, match) in _PARTS.items():
            value = address.get(part) if isinstance(address, dict) else None
            values |= {key: _sort_key(value), match: _match_key(value)}
        conn.execute(
            sa.text("UPDATE companies SET " + ", ".join(f"{k} = :{k}" for k in values)
                    + " WHERE account_id = :account_id AND id = :id"),
            values | {"account_id": row.account_id, "id": row.id},
        )  # fmt: skip
        _children(conn, COMPANY, row, types, phones, socials)
        fields = {"assignee_id": row.assignee_id, "contact_type_id": row.contact_type_id}
        fields |= {part: values[match] for part, (_, match) in _PARTS.items()}
        _count(counts, row.account_id, fields, json.loads(row.tags))
    _store_counts(conn, COMPANY, counts)


def _fill_opportunities(conn: sa.Connection, types: dict[tuple[int, int], str]) -> None:
    counts: Counter[tuple[int, str, str]] = Counter()
    columns = [name for name, _, _ in _OPPORTUNITY_COLUMNS]
    for row in _rows(conn, "opportunities"):
        doc = json.loads(row.doc or "{}")
        values = {name: doc.get(name) for name in columns}
        values["priority"] = values["priority"] or "None"
        values["status"] = values["status"] or "Open"
        values["interaction_count"] = values["interaction_count"] or 0
        values["date_stage_changed"] = values["date_stage_changed"] or row.date_created
        value = values["monetary_value"]
        values["monetary_value"] = None if value is None else float(value)
        for name in ("tags", "leads_converted_from"):
            values[name] = json.dumps(values[name] or [])
        custom = doc.get("custom_fields") if isinstance(doc.get("custom_fields"), dict) else {}
        values["custom_fields"] = json.dumps(custom)
        conn.execute(
            sa.text("UPDATE opportunities SET " + ", ".join(f"{k} = :{k}" for k in values)
                    + " WHERE account_id = :account_id AND id = :id"),
            values | {"account_id": row.account_id, "id": row.id},
        )  # fmt: skip
        _children(conn, OPPORTUNITY, row, types, [], [], json.loads(values["tags"]), custom)
        fields = {k: values[k] for k in ("assignee_id", "customer_source_id", "loss_reason_id",
                                         "pipeline_id", "pipeline_stage_id")}  # fmt: skip
        _count(counts, row.account_id, fields | {"company_id": row.company_id},
               json.loads(values["tags"]))  # fmt: skip
    _store_counts(conn, OPPORTUNITY, counts)


def _children(
    conn: sa.Connection,
    kind: int,
    row: Any,
    types: dict[tuple[int, int], str],
    phones: list[Any],
    socials: list[Any],
    tags: list[Any] | None = None,
    custom: dict[str, Any] | None = None,
) -> None:
    key = {"account_id": row.account_id, "record_type": kind, "record_id": row.id}
    tags = json.loads(row.tags) if tags is None else tags
    custom = json.loads(row.custom_fields) if custom is None else custom
    tag_keys = {k for t in tags if (k := _match_key(t))}
    digits = {
        d
        for p in phones
        if isinstance(p, dict) and (d := _NON_DIGIT.sub("", str(p.get("number") or "")))
    }
    urls = {k for s in socials if isinstance(s, dict) and (k := _match_key(s.get("url")))}
    for table, column, found in (("record_tags", "tag_key", tag_keys),
                                 ("record_phones", "digits", digits),
                                 ("record_socials", "url_key", urls)):  # fmt: skip
        for value in sorted(found):
            conn.execute(
                sa.text(f"INSERT INTO {table} (account_id, record_type, record_id, {column}) "
                        f"VALUES (:account_id, :record_type, :record_id, :v)"),
                key | {"v": value},
            )  # fmt: skip
    for definition, value in custom.items():
        for number, text, position in _custom_rows(
            types.get((row.account_id, int(definition))), value
        ):
            conn.execute(
                sa.text("INSERT INTO custom_field_values (account_id, record_type, record_id, "
                        "definition_id, value_number, value_text, position) VALUES (:account_id,"
                        " :record_type, :record_id, :d, :n, :t, :p)"),
                key | {"d": int(definition), "n": number, "t": text, "p": position},
            )  # fmt: skip


def _custom_rows(data_type: str | None, value: Any) -> list[tuple[float | None, str | None, int]]:
    if data_type is None or value in (None, False, [], ""):
        return []
    if data_type == "MultiSelect":
        return [(float(option), None, i) for i, option in enumerate(value)]
    if data_type in ("String", "Text", "URL"):
        return [(None, str(value).casefold(), 0)]
    if data_type == "Checkbox":
        return [(1.0, None, 0)]
    return [(float(value), None, 0)]


def _count(
    counts: Counter[tuple[int, str, str]],
    account_id: int,
    fields: dict[str, Any],
    tags: list[Any],
) -> None:
    counts[(account_id, "*", "")] += 1
    for field, value in fields.items():
        counts[(account_id, field, "" if value is None else str(value))] += 1
    keys = {k for t in tags if (k := _match_key(t))}
    for tag in keys or {""}:
        counts[(account_id, "tag", tag)] += 1


def _store_counts(conn: sa.Connection, kind: int, counts: Counter[tuple[int, str, str]]) -> None:
    for (account_id, field, value), n in sorted(counts.items()):
        conn.execute(
            sa.text("INSERT INTO value_counts (account_id, record_type, field, value, n) "
                    "VALUES (:a, :k, :f, :v, :n)"),
            {"a": account_id, "k": kind, "f": field, "v": value, "n": n},
        )  # fmt: skip
