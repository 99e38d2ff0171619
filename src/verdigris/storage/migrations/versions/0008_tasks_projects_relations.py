"""tasks, projects, one relation store, and names searched by their pieces

Tasks and projects are declared record types with tables of their own. Relations
between records live in one table, one row per direction: the people related to an
opportunity move there from `opportunity_people`, and the relations records hold in
their fields (a person's and an opportunity's company, an opportunity's primary
contact) are written there too. The names of companies and opportunities (and tasks and
projects) are searched by substring through their three-character pieces, `name_grams`.

Revision ID: 0008
Revises: 0005
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None

_KEY: Any = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
PERSON, COMPANY, OPPORTUNITY = 1, 3, 4


def _id(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.BigInteger(), autoincrement=False, nullable=False)


def _common(*middle: sa.Column[Any]) -> list[sa.Column[Any]]:
    return [
        _id("account_id"), _id("id"), sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", _KEY), sa.Column("related_type", sa.String(16)),
        sa.Column("related_id", sa.BigInteger()), sa.Column("assignee_id", sa.BigInteger()),
        *middle,
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("details", sa.Text()), sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("custom_fields", sa.Text(), nullable=False),
        sa.Column("date_created", sa.BigInteger(), nullable=False),
        sa.Column("date_modified", sa.BigInteger(), nullable=False),
    ]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "tasks",
        *_common(
            sa.Column("due_date", sa.BigInteger()), sa.Column("reminder_date", sa.BigInteger()),
            sa.Column("completed_date", sa.BigInteger()),
            sa.Column("priority", sa.Text(), nullable=False),
        ),
        sa.Column("custom_activity_type_id", sa.BigInteger()),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )  # fmt: skip
    op.create_table("projects", *_common(), sa.PrimaryKeyConstraint("account_id", "id"))
    for table, columns in (
        ("tasks", ("related_id", "completed_date", "priority", "reminder_date", "status",
                   "date_modified", "due_date", "date_created", "name_key", "assignee_id")),
        ("projects", ("name_key", "assignee_id", "related_id", "date_created", "status",
                      "date_modified")),
    ):  # fmt: skip
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, ["account_id", column, "id"])
    op.create_table(
        "relations",
        _id("account_id"), sa.Column("type", sa.SmallInteger(), nullable=False), _id("id"),
        sa.Column("other_type", sa.SmallInteger(), nullable=False), _id("other_id"),
        sa.PrimaryKeyConstraint("account_id", "type", "id", "other_type", "other_id"),
        sqlite_with_rowid=False,
    )  # fmt: skip
    _move_relations()
    op.drop_table("opportunity_people")
    op.create_table(
        "name_grams",
        _id("account_id"), sa.Column("record_type", sa.SmallInteger(), nullable=False),
        _id("record_id"), sa.Column("gram", _KEY, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "record_type", "record_id", "gram"),
        sqlite_with_rowid=False,
    )  # fmt: skip
    op.create_index(
        "ix_name_grams_value", "name_grams", ["account_id", "record_type", "gram", "record_id"]
    )
    _fill_grams()


def _fill_grams() -> None:
    conn = op.get_bind()
    for table, kind in (("companies", COMPANY), ("opportunities", OPPORTUNITY)):
        rows = conn.execute(sa.text(f"SELECT account_id, id, name_key FROM {table}")).all()
        grams = [
            {"a": a, "k": kind, "r": record_id, "g": gram}
            for a, record_id, key in rows
            for gram in sorted({key[i : i + 3] for i in range(len(key or "") - 2)})
        ]
        if grams:
            conn.execute(
                sa.text("INSERT INTO name_grams (account_id, record_type, record_id, gram) "
                        "VALUES (:a, :k, :r, :g)"),
                grams,
            )  # fmt: skip


def _move_relations() -> None:
    pairs = [
        (OPPORTUNITY, PERSON,
         "SELECT account_id, opportunity_id AS a_id, person_id AS b_id FROM opportunity_people"),
        (OPPORTUNITY, PERSON, "SELECT account_id, id AS a_id, primary_contact_id AS b_id "
                              "FROM opportunities WHERE primary_contact_id IS NOT NULL"),
        (OPPORTUNITY, COMPANY, "SELECT account_id, id AS a_id, company_id AS b_id "
                               "FROM opportunities WHERE company_id IS NOT NULL"),
        (PERSON, COMPANY, "SELECT account_id, id AS a_id, company_id AS b_id FROM people "
                          "WHERE company_id IS NOT NULL"),
    ]  # fmt: skip
    conn = op.get_bind()
    for kind, other, rows in pairs:
        for a, b, first, second in ((kind, other, "a_id", "b_id"), (other, kind, "b_id", "a_id")):
            conn.execute(
                sa.text(
                    "INSERT INTO relations (account_id, type, id, other_type, other_id) "
                    f"SELECT DISTINCT r.account_id, {a}, r.{first}, {b}, r.{second} "
                    f"FROM ({rows}) AS r WHERE NOT EXISTS (SELECT 1 FROM relations x "
                    f"WHERE x.account_id = r.account_id AND x.type = {a} AND x.id = r.{first} "
                    f"AND x.other_type = {b} AND x.other_id = r.{second})"
                )
            )
