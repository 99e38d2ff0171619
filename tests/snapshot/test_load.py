"""Loading: the sample in full, derived fields, broken files that change nothing, --replace."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.snapshot.conftest import load_dict, row_counts
from verdigris.domain.types import RecordType
from verdigris.errors import SnapshotError
from verdigris.storage import schema
from verdigris.storage.accounts import authenticate, hash_token
from verdigris.storage.projection import has_words, project
from verdigris.storage.records import load_records
from verdigris.storage.search_rows import word_gram_rows


def test_sample_loads_every_section(engine: Engine, sample: dict[str, Any]) -> None:
    summary = load_dict(engine, sample)
    assert summary.accounts == [1, 2]
    assert (summary.people, summary.leads) == (5, 6)
    counts = row_counts(engine)
    assert counts["users"] == 3
    assert counts["api_tokens"] == 3
    assert counts["custom_field_definitions"] == 12
    assert counts["followers"] == 2
    assert counts["token_variants"] > 0
    assert counts["value_counts"] > 0


def test_tokens_are_stored_hashed_and_authenticate(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, sample)
    with engine.connect() as conn:
        stored = set(conn.execute(select(schema.api_tokens.c.token_hash)).scalars())
        principal = authenticate(conn, "sample-token-jim", "Jim.Halpert@dundermifflin.com")
    assert "sample-token-jim" not in stored
    assert hash_token("sample-token-jim") in stored
    assert (principal.account_id, principal.user_id) == (1, 2)


def test_derived_fields_are_recomputed(engine: Engine, sample: dict[str, Any]) -> None:
    person = sample["accounts"][0]["people"][0]
    person |= {"name": "stale", "company_name": "stale", "first_name": "Jon", "suffix": "Jr."}
    lead = sample["accounts"][0]["leads"][0]
    lead |= {"status": "stale", "status_id": None}
    del lead["date_status_changed"]
    load_dict(engine, sample)
    with engine.connect() as conn:
        (p,) = load_records(conn, 1, RecordType.PERSON, [person["id"]])
        (r,) = load_records(conn, 1, RecordType.LEAD, [lead["id"]])
        changed = conn.execute(
            select(schema.leads.c.date_status_changed).where(schema.leads.c.id == lead["id"])
        ).scalar_one()
    assert (p["name"], p["company_name"]) == ("Jon Lee, Jr.", "ProsperWorks")
    assert (r["status_id"], r["status"]) == (5, "New")  # the first status by order
    assert changed == lead["date_created"]


def test_ids_timestamps_and_counts_are_kept(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, sample)
    given = sample["accounts"][1]["leads"][0]
    with engine.connect() as conn:
        (lead,) = load_records(conn, 2, RecordType.LEAD, [given["id"]])
    keys = ("id", "date_created", "date_modified", "date_last_contacted", "interaction_count")
    assert {k: lead[k] for k in keys} == {k: given[k] for k in keys}


def _broken(sample: dict[str, Any], section: str, index: int, **changes: Any) -> None:
    sample["accounts"][0][section][index].update(changes)


BROKEN = [
    ("people", 3, {"emails": [{"email": 5}]},
     "accounts[0] (id 1).people[3] (id 6).emails[0].email: expected a string"),
    ("people", 1, {"company_id": 99},
     "accounts[0] (id 1).people[1] (id 4).company_id: 99 is not in this account"),
    ("leads", 2, {"status_id": 1234},
     "accounts[0] (id 1).leads[2] (id 12).status_id: 1234 is not in this account"),
    ("leads", 0, {"interaction_count": -1},
     "accounts[0] (id 1).leads[0] (id 5).interaction_count: expected a non-negative 32-bit"),
    ("leads", 0, {"interaction_count": 2**31},
     "accounts[0] (id 1).leads[0] (id 5).interaction_count: expected a non-negative 32-bit"),
    ("people", 2, {"date_created": 2**63},
     "accounts[0] (id 1).people[2] (id 5).date_created: 9223372036854775808 is out of range"),
    ("people", 2, {"followers": [2**63]},
     "accounts[0] (id 1).people[2] (id 5).followers[0]: 9223372036854775808 is out of range"),
    ("people", 0, {"custom_fields": [{"custom_field_definition_id": 12, "value": [99]}]},
     "accounts[0] (id 1).people[0] (id 3).custom_fields[0].value: 99 is not an option"),
    ("people", 0, {"custom_fields": [{"custom_field_definition_id": 3, "value": "x"}]},
     "people[0] (id 3).custom_fields[0].custom_field_definition_id: 3 is not on person"),
    ("people", 4, {"id": 3}, "accounts[0] (id 1).people[4] (id 3).id: duplicate id 3"),
    ("people", 1, {"emails": [{"email": "JonLee@prosperworks.com", "category": "work"}]},
     "accounts[0] (id 1).people[1] (id 4).emails[0].email: 'jonlee@prosperworks.com' is already"),
    ("people", 2, {"followers": [9]},
     "accounts[0] (id 1).people[2] (id 5).followers[0]: user 9 is not in this account"),
    ("leads", 1, {"nickname": "x"}, "accounts[0] (id 1).leads[1] (id 6).nickname: unknown key"),
    ("leads", 1, {"name": None, "first_name": None, "last_name": None},
     "accounts[0] (id 1).leads[1] (id 6).name: a name"),
    ("leads", 1, {"converted_contact_id": 77},
     "accounts[0] (id 1).leads[1] (id 6).converted_contact_id: person 77 is not in this account"),
    ("users", 1, {"email": "ADMIN@dundermifflin.com"},
     "accounts[0] (id 1).users[1].email: duplicate user email"),
    ("lead_statuses", 0, {"order": "first"},
     "accounts[0] (id 1).lead_statuses[0].order: expected an integer or null"),
]  # fmt: skip


@pytest.mark.parametrize(("section", "index", "changes", "message"), BROKEN)
def test_broken_record_is_named_and_nothing_changes(
    engine: Engine,
    sample: dict[str, Any],
    section: str,
    index: int,
    changes: dict[str, Any],
    message: str,
) -> None:
    before = row_counts(engine)
    _broken(sample, section, index, **changes)
    with pytest.raises(SnapshotError) as raised:
        load_dict(engine, sample)
    assert message in raised.value.message
    assert row_counts(engine) == before


@pytest.mark.parametrize("parallel", [False, True])
def test_error_after_many_batches_rolls_everything_back(
    engine: Engine, sample: dict[str, Any], parallel: bool
) -> None:
    sample["accounts"][1]["leads"][2]["status_id"] = 1
    with pytest.raises(SnapshotError, match=r"accounts\[1\] \(id 2\)\.leads\[2\]"):
        load_dict(engine, sample, batch_bytes=1, parallel=parallel, drop_indexes_after=2)
    assert all(n == 0 for n in row_counts(engine).values())


def test_refused_parallel_load_changes_nothing(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, sample)
    before = row_counts(engine)
    with pytest.raises(SnapshotError, match="already exists"):
        load_dict(engine, sample, parallel=True)
    assert row_counts(engine) == before


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"[]", "expected a JSON object"),
        (b'{"format": "verdigris-snapshot/1", "accounts": [', "not valid JSON"),
        (b'{"format": "other", "accounts": []}', "snapshot.format: expected"),
        (b'{"accounts": []}', "snapshot.format: is required"),
        (b'{"format": "verdigris-snapshot/1"}', "snapshot.accounts: is required"),
        (b'{"format": "verdigris-snapshot/1", "accounts": [{"name": "x", "people": []}]}',
         "accounts[0].id: is required"),
    ],
)  # fmt: skip
def test_malformed_documents(engine: Engine, document: bytes, message: str) -> None:
    import io

    from verdigris.snapshot.load import load_snapshot

    with pytest.raises(SnapshotError) as raised:
        load_snapshot(engine, io.BytesIO(document))
    assert message in raised.value.message


def test_section_after_records_is_an_error(engine: Engine, sample: dict[str, Any]) -> None:
    account = sample["accounts"][0]
    account["opportunities"] = account.pop("opportunities")  # now after people and leads
    with pytest.raises(SnapshotError, match=r"opportunities: must come before people and leads"):
        load_dict(engine, sample)


def test_existing_account_needs_replace(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, sample)
    with pytest.raises(SnapshotError, match="account 1 already exists"):
        load_dict(engine, sample)
    before = row_counts(engine)
    sample["accounts"][0]["people"] = sample["accounts"][0]["people"][:2]
    sample["accounts"][0]["opportunities"] = []
    load_dict(engine, sample, replace=True)
    after = row_counts(engine)
    assert after["people"] == 2
    assert after["leads"] == before["leads"]
    with engine.connect() as conn:
        authenticate(conn, "sample-token-jim", "jim.halpert@dundermifflin.com")


def test_nul_in_text_is_refused_on_every_backend(engine: Engine, sample: dict[str, Any]) -> None:
    sample["accounts"][0]["people"][0]["title"] = "C\x00EO"
    with pytest.raises(SnapshotError, match=r"people\[0\] \(id 3\)\.title: contains a NUL"):
        load_dict(engine, sample)


def test_load_indexes_the_words_of_names_as_writes_do(
    engine: Engine, sample: dict[str, Any]
) -> None:
    load_dict(engine, sample)
    wg, nw = schema.word_grams, schema.name_words
    with engine.connect() as conn:
        pieces = set(conn.execute(select(wg)).all())
        postings = set(conn.execute(select(nw)).all())
        expected_pieces, expected_postings = set(), set()
        for account in sample["accounts"]:
            for record_type in RecordType:
                if not has_words(record_type):
                    continue
                table = schema.RECORD_TABLES[record_type]
                ids = conn.execute(select(table.c.id).where(table.c.account_id == account["id"]))
                records = load_records(conn, account["id"], record_type, list(ids.scalars()))
                projection = project(account["id"], record_type, records, {})
                postings_of_type = set(projection.children["name_words"])
                words = {word for _, _, _, word in postings_of_type}
                expected_pieces |= set(word_gram_rows(account["id"], record_type, words))
                expected_postings |= postings_of_type
    assert any(kind == RecordType.COMPANY for _, kind, _, _ in expected_postings)
    assert pieces == expected_pieces
    assert postings == expected_postings
