"""The contact sync against a sandbox: every test gets its own account of the demo
template, and calls to api.copper.com reach it (`redirect=True`)."""

from __future__ import annotations

import pytest

from contact_sync import CopperClient

pytestmark = pytest.mark.copper(redirect=True)


@pytest.fixture
def client(copper_sandbox, monkeypatch):
    for name, value in copper_sandbox.env().items():
        monkeypatch.setenv(name, value)
    return CopperClient.from_env(page_size=2)


def test_reads_every_person_across_pages(client, copper_sandbox):
    everyone = copper_sandbox.api("POST", "/people/search", {"page_size": 200})
    copper_sandbox.journal.clear()  # the kit's own calls are journaled too
    people = client.all_people()
    assert sorted(p["id"] for p in people) == sorted(p["id"] for p in everyone)
    assert copper_sandbox.journal.pages("POST /people/search") == [1, 2, 3]


def test_a_rate_limited_run_waits_and_finishes(client, copper_sandbox):
    copper_sandbox.faults.fail("POST /people/search", 429, retry_after=0, times=2)
    assert len(client.all_people()) == 5
    assert copper_sandbox.journal.count("POST /people/search", status=429) == 2


def test_a_502_with_an_html_body_is_retried(client, copper_sandbox):
    copper_sandbox.faults.fail("POST /people/search", 502, response="html", times=1,
                               body={"page_number": 2})  # fmt: skip
    assert len(client.all_people()) == 5
    statuses = [e["status"] for e in copper_sandbox.journal.find("POST /people/search")]
    assert statuses == [200, 502, 200, 200]


def test_records_added_between_pages_are_not_duplicated(client, copper_sandbox):
    before = {p["id"] for p in copper_sandbox.api("POST", "/people/search", {"page_size": 200})}
    copper_sandbox.journal.clear()
    adds = [("POST", "/people", {"name": f"Aaron Drift {n}"}) for n in range(2)]
    copper_sandbox.faults.interleave("POST /people/search", before=adds,
                                     body={"page_number": 2})  # fmt: skip
    people = client.all_people()
    ids = [p["id"] for p in people]
    assert len(ids) == len(set(ids))
    # Page 2 repeats the end of page 1 (the new names sort first): each is kept once,
    # and everyone who was there from the start was read.
    assert before <= set(ids)
    assert copper_sandbox.journal.find("POST /people/search")[1]["total"] == len(before) + 2


def test_a_ghost_write_is_not_duplicated(client, copper_sandbox):
    copper_sandbox.faults.ghost_write("POST /people", status=504)
    person = client.push_contact("Gina Ghost", "gina@ghost.example")
    assert person["name"] == "Gina Ghost"
    created = [e for e in copper_sandbox.journal.effects() if e["op"] == "new"]
    assert created == [{"type": "person", "id": person["id"], "op": "new"}]
