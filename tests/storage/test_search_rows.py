"""Search rows stay in step with the records through every write: after creates, updates
(including ones that move counters) and deletes (including a company's cascade), the
child rows and `value_counts` equal what projecting the records afresh gives."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.copper import new_account
from verdigris.domain.declarations import DECLARATIONS
from verdigris.domain.types import RecordType
from verdigris.parsing.definitions import DefinitionBody
from verdigris.parsing.records import Changes
from verdigris.storage import schema, writes
from verdigris.storage.definitions import create_definition
from verdigris.storage.engine import read, write
from verdigris.storage.projection import CHILD_COLUMNS, project
from verdigris.storage.records import custom_field_definitions, get_stored
from verdigris.storage.search_rows import CHILD_TABLES

PERSON, LEAD, COMPANY = RecordType.PERSON, RecordType.LEAD, RecordType.COMPANY


def _create(engine: Engine, account: int, kind: RecordType, **values: Any) -> int:
    with write(engine) as conn:
        return int(writes.create_record(conn, account, kind, Changes(values), 100)["id"])


def _update(engine: Engine, account: int, kind: RecordType, record_id: int, **values: Any) -> None:
    with write(engine) as conn:
        writes.update_record(conn, account, kind, record_id, Changes(values), 200)


def _stored_children(engine: Engine, account: int) -> dict[str, Counter[tuple[Any, ...]]]:
    with read(engine) as conn:
        return {
            t.name: Counter(
                tuple(r) for r in conn.execute(select(t).where(t.c.account_id == account))
            )
            for t in CHILD_TABLES
        }


def _expected(engine: Engine, account: int) -> tuple[Counter[Any], dict[str, Counter[Any]]]:
    counts: Counter[tuple[int, str, str]] = Counter()
    children: dict[str, Counter[tuple[Any, ...]]] = {t.name: Counter() for t in CHILD_TABLES}
    with read(engine) as conn:
        for decl in DECLARATIONS:
            table = schema.RECORD_TABLES[decl.record_type]
            ids = conn.execute(select(table.c.id).where(table.c.account_id == account)).scalars()
            records = [get_stored(conn, account, decl.record_type, i) for i in ids]
            projection = project(account, decl.record_type, records, {})
            kind = int(decl.record_type)
            counts.update({(kind, f, v): n for (f, v), n in projection.counts().items()})
            for name, rows in projection.children.items():
                if name in children:
                    children[name].update(_keyed(name, row) for row in rows)
    return counts, children


def _keyed(table: str, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A projected child row in its table's column order."""
    columns = [c.name for c in schema.metadata.tables[table].columns]
    by_name = dict(zip(CHILD_COLUMNS[table], row, strict=True))
    return tuple(by_name[c] for c in columns)


def _stored_counts(engine: Engine, account: int) -> Counter[tuple[int, str, str]]:
    vc = schema.value_counts
    with read(engine) as conn:
        rows = conn.execute(select(vc).where(vc.c.account_id == account, vc.c.n != 0))
        return Counter({(r.record_type, r.field, r.value): r.n for r in rows})


@pytest.fixture
def account(engine: Engine) -> int:
    return new_account(engine, "rows@example.com").account_id


def test_rows_and_counters_follow_every_write(engine: Engine, account: int) -> None:
    company = _create(engine, account, COMPANY, name="Acme", tags=["vip"],
                      address={"city": "Scranton"})  # fmt: skip
    jim = _create(engine, account, PERSON, name="Jim Halpert", company_id=company,
                  tags=["vip", "new"], phone_numbers=[{"number": "570-555"}])  # fmt: skip
    pam = _create(engine, account, PERSON, name="Pam Beesly", company_id=company,
                  emails=[{"email": "pam@x.example"}], address={"state": " PA "})  # fmt: skip
    lead = _create(engine, account, LEAD, name="Ryan Howard", tags=["cold"],
                   email={"email": "ryan@x.example"})  # fmt: skip
    _update(engine, account, PERSON, jim, tags=["new"], name="James Halpert")
    _update(engine, account, LEAD, lead, tags=[], address={"country": "US"})
    _update(engine, account, COMPANY, company, tags=["gold"])
    paper = _create(engine, account, COMPANY, name="Dunder  Mifflin Paper")
    _update(engine, account, COMPANY, paper, name="Dunder Mifflin")
    with write(engine) as conn:
        writes.delete_record(conn, account, PERSON, pam)
        writes.delete_record(conn, account, COMPANY, company)  # Jim loses his company
    counts, children = _expected(engine, account)
    assert _stored_counts(engine, account) == +counts
    stored = _stored_children(engine, account)
    for name in ("record_tags", "record_emails", "record_phones", "name_tokens", "name_words"):
        assert stored[name] == children[name], name
    assert stored["name_words"] == Counter({(account, 3, paper, "dunder"): 1,
                                            (account, 3, paper, "mifflin"): 1})  # fmt: skip


def test_word_pieces_keep_every_word_a_name_has_had(engine: Engine, account: int) -> None:
    company = _create(engine, account, COMPANY, name="Acme Paper")
    _update(engine, account, COMPANY, company, name="ACME  Steel")
    _create(engine, account, RecordType.TASK, name="Call Acme")
    wg = schema.word_grams
    with read(engine) as conn:
        rows = conn.execute(select(wg.c.record_type, wg.c.gram, wg.c.word)
                            .where(wg.c.account_id == account)).all()  # fmt: skip
    words = {(kind, word) for kind, _, word in rows}
    assert words == {(3, "acme"), (3, "paper"), (3, "steel"), (5, "call"), (5, "acme")}
    assert sorted(g for kind, g, w in rows if (kind, w) == (3, "paper")) == [
        "ape", "pap", "paper", "per"]  # fmt: skip


def test_a_multiselect_option_given_twice_is_one_row() -> None:
    """A loaded snapshot may repeat an option; a search counts a record's rows as its
    matches, so each option is stored once."""
    person = {"id": 5, "name": "Jim", "custom_fields": [
        {"custom_field_definition_id": 7, "value": [3, 3, 4]}]}  # fmt: skip
    projection = project(1, PERSON, [person], {7: "MultiSelect"})
    rows = projection.children["custom_field_values"]
    assert sorted(row[4] for row in rows) == [3.0, 4.0]


def test_definitions_are_held_only_within_a_write(engine: Engine, account: int) -> None:
    """A write reads the account's definitions once; the same transaction sees a
    definition made after it."""
    with write(engine) as conn:
        writes.create_record(conn, account, PERSON, Changes({"name": "Jim"}), 100)
        made = create_definition(conn, account, DefinitionBody("Shoe size", "Float", ("person",)))
        assert [d.id for d in custom_field_definitions(conn, account)][-1] == made.id
