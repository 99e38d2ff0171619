"""pipelines seeded, custom activity types, tag names, full company and opportunity search

Accounts without pipelines, loss reasons or activity types get Copper's defaults (as
a new account does). User activity types gain an icon, a disabled flag and the default
task type mark. Every tag in use gets its shown name (`tag_names`: the first spelling,
by record id). Companies and opportunities get the columns and indexes of their full
search (copper-surface section 9): a company's email domain match key and first
website; an opportunity's close date as Unix seconds, its monetary unit's sort key, its
status and priority ranks and counters, and the sort keys of its company's and primary
contact's names. Existing rows are filled in here with the rules of this revision (a
migration never imports live code).

Revision ID: 0009
Revises: 0008
"""

import calendar
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_KEY: Any = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
_PRIORITIES = ("None", "Low", "Medium", "High")
_STATUSES = ("Open", "Won", "Lost", "Abandoned")
_COMPANY_INDEXED = ("phone_key", "email_domain_key", "city_key", "state_key", "country_key",
                    "zip_key", "date_last_contacted", "website_key", "socials_key",
                    "email_domain_match")  # fmt: skip
_OPPORTUNITY_INDEXED = ("close_date_key", "company_name_key", "date_last_contacted",
                        "date_stage_changed", "interaction_count", "monetary_unit_key",
                        "monetary_value", "primary_contact_key", "priority", "priority_rank",
                        "status", "status_rank", "win_probability")  # fmt: skip
_PIPELINES = (
    ("Sales", (("Qualified", 5), ("Follow-up", 10), ("Presentation", 20),
               ("Contract Sent", 40), ("Negotiation", 80))),
    ("Business Development", (("First Meeting", 10), ("Partner Meeting", 25),
                              ("Negotiation", 50), ("Term Sheet", 75))),
)  # fmt: skip
_LOSS_REASONS = ("Price", "Features", "Competitor")
_ACTIVITY_TYPES = (
    (0, "Note", None, False, None),
    (1, "Phone Call", "Phone", True, None),
    (2, "Meeting", "Event", True, None),
    (3, "To Do", "Todo", False, True),
)
_ICONS = {"Phone Call": "Phone", "Meeting": "Event", "To Do": "Todo"}
_US_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")
_RECORD_TABLES = ("people", "leads", "companies", "opportunities")


def upgrade() -> None:
    _activity_type_columns()
    op.create_table(
        "tag_names",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tag_key", _KEY, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "tag_key"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("companies") as batch:
        for name in ("email_domain_match", "website_key"):
            batch.add_column(sa.Column(name, _KEY, nullable=True))
    with op.batch_alter_table("opportunities") as batch:
        batch.add_column(sa.Column("close_date_key", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("priority_rank", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("status_rank", sa.SmallInteger(), nullable=True))
        for name in ("monetary_unit_key", "company_name_key", "primary_contact_key"):
            batch.add_column(sa.Column(name, _KEY, nullable=True))
    conn = op.get_bind()
    _seed_defaults(conn)
    _fill_tag_names(conn)
    _fill_companies(conn)
    _fill_opportunities(conn)
    for table, columns in (("companies", _COMPANY_INDEXED),
                           ("opportunities", _OPPORTUNITY_INDEXED)):  # fmt: skip
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, ["account_id", column, "id"])


def _activity_type_columns() -> None:
    with op.batch_alter_table("activity_types") as batch:
        batch.add_column(sa.Column("icon_type", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("is_disabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("is_default_task_type", sa.Boolean(), nullable=True))
    with op.batch_alter_table("activity_types") as batch:  # the default was for old rows only
        batch.alter_column("is_disabled", server_default=None)
    for name, icon in _ICONS.items():
        op.execute(
            sa.text("UPDATE activity_types SET icon_type = :icon "
                    "WHERE category = 'user' AND name = :name").bindparams(icon=icon, name=name)
        )  # fmt: skip


def _accounts_without(conn: sa.Connection, table: str) -> list[int]:
    rows = conn.execute(
        sa.text(f"SELECT id FROM accounts WHERE NOT EXISTS "
                f"(SELECT 1 FROM {table} t WHERE t.account_id = accounts.id) ORDER BY id")
    )  # fmt: skip
    return [int(i) for i in rows.scalars()]


def _seed_defaults(conn: sa.Connection) -> None:
    """Copper's defaults for each account that has none of a kind (as a new account)."""
    for account_id in _accounts_without(conn, "pipelines"):
        stage_id = 0
        for pipeline_id, (name, stages) in enumerate(_PIPELINES, start=1):
            _insert(conn, "pipelines", {"account_id": account_id, "id": pipeline_id, "name": name})
            for position, (stage, probability) in enumerate(stages):
                stage_id += 1
                _insert(conn, "pipeline_stages",
                        {"account_id": account_id, "id": stage_id, "name": stage,
                         "pipeline_id": pipeline_id, "win_probability": probability,
                         "position": position})  # fmt: skip
    for account_id in _accounts_without(conn, "loss_reasons"):
        for reason_id, name in enumerate(_LOSS_REASONS, start=1):
            _insert(conn, "loss_reasons", {"account_id": account_id, "id": reason_id, "name": name})
    for account_id in _accounts_without(conn, "activity_types"):
        for type_id, name, icon, interaction, task in _ACTIVITY_TYPES:
            _insert(conn, "activity_types",
                    {"account_id": account_id, "category": "user", "id": type_id, "name": name,
                     "count_as_interaction": interaction, "icon_type": icon,
                     "is_disabled": False, "is_default_task_type": task})  # fmt: skip


def _insert(conn: sa.Connection, table: str, row: dict[str, Any]) -> None:
    names = ", ".join(f'"{k}"' for k in row)
    values = ", ".join(f":{k}" for k in row)
    conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({values})"), row)


def _match_key(value: Any) -> str | None:
    return (value.strip().casefold() or None) if isinstance(value, str) else None


def _sort_key(value: Any) -> str | None:
    return value.casefold() if isinstance(value, str) and value.strip() else None


def _rows(conn: sa.Connection, table: str, columns: str) -> Iterator[Any]:
    last = (-(2**63), -(2**63))
    while True:
        batch = conn.execute(
            sa.text(f"SELECT account_id, id, {columns} FROM {table} WHERE (account_id > :a) OR "
                    f"(account_id = :a AND id > :i) ORDER BY account_id, id LIMIT 2000"),
            {"a": last[0], "i": last[1]},
        ).all()  # fmt: skip
        if not batch:
            return
        yield from batch
        last = (batch[-1].account_id, batch[-1].id)


def _fill_tag_names(conn: sa.Connection) -> None:
    """The first spelling of each tag, by record type and id (as a load would see them)."""
    names: dict[tuple[int, str], str] = {}
    for table in _RECORD_TABLES:
        for row in _rows(conn, table, "tags"):
            for tag in json.loads(row.tags or "[]"):
                key = _match_key(tag)
                if key:
                    names.setdefault((row.account_id, key), tag.strip())
    rows = [{"account_id": a, "tag_key": k, "name": n} for (a, k), n in sorted(names.items())]
    if rows:
        conn.execute(
            sa.text("INSERT INTO tag_names (account_id, tag_key, name) "
                    "VALUES (:account_id, :tag_key, :name)"), rows
        )  # fmt: skip


def _fill_companies(conn: sa.Connection) -> None:
    for row in _rows(conn, "companies", "email_domain, websites"):
        websites = json.loads(row.websites or "[]")
        first = websites[0].get("url") if websites and isinstance(websites[0], dict) else None
        conn.execute(
            sa.text("UPDATE companies SET email_domain_match = :m, website_key = :w "
                    "WHERE account_id = :a AND id = :i"),
            {"m": _match_key(row.email_domain), "w": _sort_key(first), "a": row.account_id,
             "i": row.id},
        )  # fmt: skip


def _date_seconds(text: Any) -> int | None:
    if not isinstance(text, str):
        return None
    found = _US_DATE.fullmatch(text)
    parts = None
    if found:
        month, day, year = (int(p) for p in found.groups())
        parts = (year, month, day)
    elif found := _ISO_DATE.fullmatch(text):
        parts = tuple(int(p) for p in found.groups())  # type: ignore[assignment]
    try:
        return None if parts is None else calendar.timegm(date(*parts).timetuple())
    except ValueError:
        return None


def _fill_opportunities(conn: sa.Connection) -> None:
    for row in _rows(conn, "opportunities", "close_date, monetary_unit, priority, status"):
        conn.execute(
            sa.text("UPDATE opportunities SET close_date_key = :c, monetary_unit_key = :u, "
                    "priority_rank = :p, status_rank = :s WHERE account_id = :a AND id = :i"),
            {"c": _date_seconds(row.close_date), "u": _sort_key(row.monetary_unit),
             "p": _rank(_PRIORITIES, row.priority), "s": _rank(_STATUSES, row.status),
             "a": row.account_id, "i": row.id},
        )  # fmt: skip
    for column, via, target in (
        ("company_name_key", "company_id", "companies"),
        ("primary_contact_key", "primary_contact_id", "people"),
    ):
        op.execute(
            f"UPDATE opportunities SET {column} = (SELECT t.name_key FROM {target} t "
            f"WHERE t.account_id = opportunities.account_id AND t.id = opportunities.{via}) "
            f"WHERE {via} IS NOT NULL"
        )  # fmt: skip
    for field in ("status", "priority"):
        op.execute(
            f"INSERT INTO value_counts (account_id, record_type, field, value, n) "
            f"SELECT account_id, 4, '{field}', {field}, count(*) FROM opportunities "
            f"GROUP BY account_id, {field}"
        )  # fmt: skip


def _rank(choices: tuple[str, ...], value: Any) -> int | None:
    return choices.index(value) if value in choices else None


def downgrade() -> None:
    raise NotImplementedError("migrations are forward only")
