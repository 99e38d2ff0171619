"""A name search in the type's default order is counted and paged from the name tokens
alone (search/token_pages.py): the token rows carry their record's sort key and
converted flag, so they must follow every write of the record, and the search must
read no record row for them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.copper import API, new_account
from tests.search.statements import statements_run


@pytest.fixture
def auth(engine: Engine) -> dict[str, str]:
    return new_account(engine, "owner@example.com").headers


def _create(client: TestClient, auth: dict[str, str], kind: str, name: str) -> int:
    made = client.post(f"{API}/{kind}", json={"name": name}, headers=auth)
    assert made.status_code == 200, made.text
    return int(made.json()["id"])


def _search(
    client: TestClient, auth: dict[str, str], kind: str, **body: Any
) -> tuple[list[str], int]:
    found = client.post(f"{API}/{kind}/search", json=body, headers=auth)
    assert found.status_code == 200, found.text
    return [r["name"] for r in found.json()], int(found.headers["X-PW-TOTAL"])


def test_people_follow_their_renames_and_deletes(client: TestClient, auth: dict[str, str]) -> None:
    ids = {name: _create(client, auth, "people", f"{name} Zed") for name in ("Cy", "Ada", "Bo")}
    _create(client, auth, "people", "Zed")  # first name "Zed"
    _create(client, auth, "people", "Ada Other")
    assert _search(client, auth, "people", name="zed") == (
        ["Ada Zed", "Bo Zed", "Cy Zed", "Zed"],
        4,
    )
    renamed = client.put(f"{API}/people/{ids['Ada']}", json={"name": "Dee Zed"}, headers=auth)
    assert renamed.status_code == 200, renamed.text
    client.delete(f"{API}/people/{ids['Bo']}", headers=auth)
    assert _search(client, auth, "people", name="zed") == (["Cy Zed", "Dee Zed", "Zed"], 3)
    assert _search(client, auth, "people", name="zed", sort_direction="desc") == (
        ["Zed", "Dee Zed", "Cy Zed"],
        3,
    )
    assert _search(client, auth, "people", name="zed", page_size=1, page_number=3) == (["Zed"], 3)
    assert _search(client, auth, "people", name="zed", page_size=2, page_number=3) == ([], 3)


def test_a_converted_lead_leaves_the_default_name_search(
    client: TestClient, auth: dict[str, str]
) -> None:
    ann = _create(client, auth, "leads", "Ann Quill")
    _create(client, auth, "leads", "Ben Quill")
    assert _search(client, auth, "leads", name="quil") == (["Ann Quill", "Ben Quill"], 2)
    converted = client.post(f"{API}/leads/{ann}/convert", json={}, headers=auth)
    assert converted.status_code == 200, converted.text
    assert _search(client, auth, "leads", name="quil") == (["Ben Quill"], 1)
    assert _search(client, auth, "leads", name="quil", include_converted_leads=True) == (
        ["Ann Quill", "Ben Quill"],
        2,
    )


@pytest.mark.parametrize(("kind", "table"), [("people", "people"), ("leads", "leads")])
def test_the_matches_are_read_from_the_tokens_alone(
    client: TestClient, auth: dict[str, str], kind: str, table: str
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    for name in ("Ada Zedb", "Bo Zeda", "Cy Zedc"):
        _create(client, auth, kind, name)
    with statements_run(engine) as ran:
        names, total = _search(client, auth, kind, name="zed", page_size=2)
    assert (names, total) == (["Ada Zedb", "Bo Zeda"], 3)
    searched = [s for s, _ in ran if "name_tokens" in s]
    assert len(searched) == 1
    assert f"FROM {table}" not in searched[0]
    # Sorted another way, the records' rows give the order.
    with statements_run(engine) as ran:
        names, _ = _search(client, auth, kind, name="zed", sort_by="last_name",
                           sort_direction="desc", page_size=2)  # fmt: skip
    assert names == ["Cy Zedc", "Ada Zedb"]
    assert any(f"FROM {table}" in s and "name_tokens" in s for s, _ in ran)
