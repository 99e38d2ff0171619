"""A process keeps an account's custom field definitions across requests, by the
definitions stamp read with the token (storage/definition_stamps.py): a change made
through another process (a second worker) shows in the next answer all the same,
and the kept definitions spare a statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from tests.conftest import FakeClock, app_client
from tests.copper import API, new_account
from tests.search.statements import statements_run
from verdigris.storage import schema
from verdigris.storage.engine import write


@pytest.fixture
def other_worker(db_url: str, clock: FakeClock) -> Iterator[TestClient]:
    """A second app on the same database, as `serve --workers 2` runs."""
    with app_client(db_url, clock) as test_client:
        yield test_client


@pytest.fixture
def auth(engine: Engine) -> dict[str, str]:
    return new_account(engine, "owner@example.com").headers


def _fields(client: TestClient, auth: dict[str, str], person: int) -> list[Any]:
    found = client.get(f"{API}/people/{person}", headers=auth)
    assert found.status_code == 200, found.text
    return [(f["custom_field_definition_id"], f["value"]) for f in found.json()["custom_fields"]]


def _define(client: TestClient, auth: dict[str, str], name: str) -> int:
    body = {"name": name, "data_type": "String", "available_on": ["person"]}
    made = client.post(f"{API}/custom_field_definitions", json=body, headers=auth)
    assert made.status_code == 200, made.text
    return int(made.json()["id"])


def test_another_workers_definitions_show_in_the_next_answer(
    client: TestClient, other_worker: TestClient, auth: dict[str, str]
) -> None:
    first = _define(client, auth, "Shoe size")
    person = client.post(f"{API}/people", json={"name": "Ada Zed"}, headers=auth).json()["id"]
    assert _fields(client, auth, person) == [(first, None)]
    second = _define(other_worker, auth, "Hat size")
    assert _fields(client, auth, person) == [(first, None), (second, None)]
    renamed = other_worker.put(
        f"{API}/custom_field_definitions/{second}", json={"name": "Cap size"}, headers=auth
    )
    assert renamed.status_code == 200, renamed.text
    names = client.get(f"{API}/custom_field_definitions", headers=auth).json()
    assert [d["name"] for d in names] == ["Shoe size", "Cap size"]
    deleted = other_worker.delete(f"{API}/custom_field_definitions/{first}", headers=auth)
    assert deleted.status_code == 200, deleted.text
    assert _fields(client, auth, person) == [(second, None)]


def test_a_kept_read_makes_no_definitions_statement(
    client: TestClient, auth: dict[str, str]
) -> None:
    _define(client, auth, "Shoe size")
    person = client.post(f"{API}/people", json={"name": "Ada Zed"}, headers=auth).json()["id"]
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    _fields(client, auth, person)
    with statements_run(engine) as ran:
        _fields(client, auth, person)
        found = client.post(f"{API}/people/search", json={"name": "zed"}, headers=auth)
    assert [p["id"] for p in found.json()] == [person]
    assert not [s for s, _ in ran if "FROM custom_field_definitions" in s]


def test_every_write_of_definitions_and_options_changes_the_stamp(engine: Engine) -> None:
    owner = new_account(engine, "owner@example.com")
    other = new_account(engine, "other@example.com")
    d, o, a = schema.custom_field_definitions, schema.custom_field_options, schema.accounts
    seen = []

    def stamps() -> tuple[int, int]:
        with engine.connect() as conn:
            rows = dict(conn.execute(select(a.c.id, a.c.definitions_stamp)).all())
        return rows[owner.account_id], rows[other.account_id]

    writes = [
        d.insert().values(
            account_id=owner.account_id,
            id=1,
            name="Size",
            data_type="Dropdown",
            available_on='["person"]',
        ),  # fmt: skip
        o.insert().values(account_id=owner.account_id, definition_id=1, id=2, name="S"),
        o.update().values(name="M"),
        d.update().values(name="Fit"),
        o.delete(),
        d.delete(),
    ]
    seen.append(stamps())
    for statement in writes:
        with write(engine) as conn:
            conn.execute(statement)
        seen.append(stamps())
    owners = [s[0] for s in seen]
    assert owners[0] == 0 and len(set(owners)) == len(owners)
    assert {s[1] for s in seen} == {0}  # the other account's never moved
