"""The request journal, fault rules, the per-account clock and rate limit, end to end."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.copper import error
from tests.sandbox.conftest import API, Account, new_account, sandbox_app


def test_every_request_is_journaled_without_the_token(account: Account) -> None:
    account.api("POST", "/people/search?page_size=2", json={"page_number": 2})
    made = account.api("POST", "/people", json={"name": "Journal Person"}).json()
    account.api("GET", "/nowhere")
    bad = {**account.headers, "X-PW-UserEmail": "wrong@example.com"}
    account.client.post(f"{API}/people/search", headers=bad)

    entries = account.journal()
    assert [(e["method"], e["route"], e["status"]) for e in entries] == [
        ("POST", "/people/search", 200),
        ("POST", "/people", 200),
        ("GET", "/nowhere", 404),
        ("POST", "/people/search", 401),
    ]
    search = entries[0]
    assert search["paging"] == {"page_number": 2, "page_size": 2}
    assert search["total"] is not None and len(search["result_ids"]) == 2
    assert entries[1]["effects"] == [{"type": "person", "id": made["id"], "op": "new"}]
    assert entries[1]["result_ids"] == [made["id"]]
    assert account.info["token"] not in account.admin("GET", "/requests").text
    assert all(e["duration_ms"] >= 0 for e in entries)


def test_find_and_count_match_paging_from_body_or_query(account: Account) -> None:
    account.api("POST", "/people/search", json={"page_number": 2, "page_size": 5})
    account.api("POST", "/people/search?page_number=2&page_size=5")
    account.api("POST", "/people/search", json={"page_number": 1})
    pattern = {"method": "POST", "route": "/people/search", "body": {"page_number": 2}}
    assert account.admin("POST", "/requests/count", json=pattern).json() == {"count": 2}
    found = account.admin("POST", "/requests/find", json={"route": "/people/*"}).json()
    assert len(found) == 3
    error(account.admin("POST", "/requests/find", json={"nope": 1}), 400)


def test_journals_are_per_account(sandbox: TestClient) -> None:
    one, two = new_account(sandbox), new_account(sandbox)
    one.api("POST", "/people/search")
    assert len(one.journal()) == 1 and two.journal() == []
    assert one.admin("DELETE", "/requests").status_code == 200
    assert one.journal() == []


def test_a_counted_429_with_and_without_retry_after(account: Account) -> None:
    match = {"method": "POST", "route": "/people/search"}
    then = {"type": "status", "status": 429, "retry_after": 3}
    account.faults({"id": "limit", "match": match, "times": 2, "then": then})
    first = account.api("POST", "/people/search")
    assert first.status_code == 429 and first.headers["Retry-After"] == "3"
    assert first.json()["success"] is False and first.json()["status"] == 429
    assert account.api("POST", "/people/search").status_code == 429
    assert account.api("POST", "/people/search").status_code == 200
    (rule,) = account.admin("GET", "/faults").json()
    assert (rule["fired"], rule["matched"], rule["expired"]) == (2, 3, True)
    assert [e["fault"] for e in account.journal()] == ["limit", "limit", None]

    account.admin("PUT", "/faults", json={"then": {"type": "status", "status": 503}})
    bare = account.api("GET", "/account")
    assert bare.status_code == 503 and "Retry-After" not in bare.headers


def test_after_lets_matches_through_first(account: Account) -> None:
    account.faults({"after": 1, "times": 1, "match": {"route": "/people/{id}"},
                    "then": {"type": "status", "status": 500, "body": "html"}})  # fmt: skip
    person = account.api("POST", "/people/search").json()[0]
    statuses = [account.api("GET", f"/people/{person['id']}").status_code for _ in range(3)]
    assert statuses == [200, 500, 200]


def test_seeded_probability_repeats(sandbox: TestClient) -> None:
    rule = {"probability": 0.3, "seed": 7, "then": {"type": "status", "status": 502}}
    runs = []
    for _ in range(2):
        account = new_account(sandbox)
        account.faults(rule)
        runs.append([account.api("GET", "/account").status_code for _ in range(100)])
    assert runs[0] == runs[1]
    assert 15 <= runs[0].count(502) <= 45


def test_body_subset_matches_paging_from_the_query(account: Account) -> None:
    account.faults({"match": {"body": {"page_number": 2}},
                    "then": {"type": "status", "status": 503}})  # fmt: skip
    assert account.api("POST", "/people/search?page_number=1").status_code == 200
    assert account.api("POST", "/people/search?page_number=2").status_code == 503
    assert account.api("POST", "/people/search", json={"page_number": 2}).status_code == 503


def test_commit_then_fail_is_a_ghost_write(account: Account) -> None:
    account.faults({"match": {"method": "POST", "route": "/people"}, "times": 1,
                    "then": {"type": "commit_then_fail", "status": 504}})  # fmt: skip
    body = {"name": "Ghost Writer", "emails": [{"email": "ghost@example.com", "category": "work"}]}
    assert account.api("POST", "/people", json=body).status_code == 504
    found = account.api("POST", "/people/fetch_by_email", json={"email": "ghost@example.com"})
    assert found.status_code == 200
    retry = account.api("POST", "/people", json=body)
    assert retry.status_code == 422
    ghost = account.journal()[0]
    assert ghost["status"] == 504 and ghost["committed_status"] == 200
    assert ghost["effects"][0]["op"] == "new"


def test_interleave_adds_records_between_two_pages(account: Account) -> None:
    page = {"page_size": 3, "sort_by": "name"}
    first = account.api("POST", "/people/search", json={**page, "page_number": 1})
    total = int(first.headers["X-PW-TOTAL"])
    adds = [{"method": "POST", "path": "/people", "body": {"name": f"Aaa Drift {n}"}}
            for n in range(3)]  # fmt: skip
    account.faults({"match": {"body": {"page_number": 2}}, "times": 1,
                    "then": {"type": "interleave", "requests": adds}})  # fmt: skip
    second = account.api("POST", "/people/search", json={**page, "page_number": 2})
    assert int(second.headers["X-PW-TOTAL"]) == total + 3
    assert [p["id"] for p in second.json()] == [p["id"] for p in first.json()]
    assert len(account.journal()[-1]["interleaved"]) == 3


def test_total_rewrites_only_the_header(account: Account) -> None:
    true_total = int(account.api("POST", "/people/search").headers["X-PW-TOTAL"])
    account.faults({"then": {"type": "total", "add": 5}})
    response = account.api("POST", "/people/search", json={"page_size": 200})
    assert int(response.headers["X-PW-TOTAL"]) == true_total + 5
    assert len(response.json()) == true_total


def test_delays_wait_then_answer(account: Account) -> None:
    account.faults({"times": 1, "then": {"type": "delay", "ms": 50}})
    assert account.api("GET", "/account").status_code == 200
    assert account.journal()[0]["duration_ms"] >= 50


def test_bad_rules_are_400(account: Account) -> None:
    bad = [
        {"then": {"type": "explode"}},
        {"then": {"type": "status", "status": 42}},
        {"times": -1, "then": {"type": "status"}},
        {"probability": 2, "then": {"type": "status"}},
        {"match": {"route": 5}, "then": {"type": "status"}},
        {"then": {"type": "drop", "how": "sideways"}},
    ]
    for rule in bad:
        error(account.admin("POST", "/faults", json=rule), 400)
    assert account.admin("GET", "/faults").json() == []


def test_counters_hold_across_processes(db_url: str, clock: FakeClock) -> None:
    """Two apps on one database, as two worker processes are: `times: 5` fires 5 times."""
    with (
        TestClient(sandbox_app(db_url, clock)) as one,
        TestClient(sandbox_app(db_url, clock, reuse=True)) as two,
    ):
        account = new_account(one)
        account.faults({"times": 5, "then": {"type": "status", "status": 503}})
        statuses = [
            (one if n % 2 else two).post(f"{API}/people/search", headers=account.headers)
            .status_code
            for n in range(12)
        ]  # fmt: skip
    assert statuses.count(503) == 5


def test_frozen_clock_stamps_records_and_advances(sandbox: TestClient) -> None:
    account, other = new_account(sandbox), new_account(sandbox)
    clock = account.admin("PUT", "/clock", json={"frozen_at": 1_600_000_000}).json()
    assert clock == {"now": 1_600_000_000, "frozen": True, "offset": 0.0}
    made = account.api("POST", "/people", json={"name": "Frozen Time"}).json()
    assert made["date_created"] == 1_600_000_000
    account.admin("POST", "/clock/advance", json={"seconds": 3600})
    later = account.api("PUT", f"/people/{made['id']}", json={"title": "Later"}).json()
    assert later["date_modified"] == 1_600_003_600
    theirs = other.api("POST", "/people", json={"name": "Real Time"}).json()
    assert theirs["date_created"] == 1_700_000_000  # the sandbox's own (fake) clock
    assert account.admin("DELETE", "/clock").json()["frozen"] is False


def test_rate_limit_on_one_account(sandbox: TestClient) -> None:
    account, other = new_account(sandbox), new_account(sandbox)
    account.admin("PUT", "/clock", json={"frozen_at": 1_600_000_000})
    limit = account.admin("PUT", "/rate-limit", json={"requests": 3, "seconds": 60})
    assert limit.json() == {"requests": 3, "seconds": 60, "retry_after": "seconds"}
    statuses = [account.api("GET", "/account").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert other.api("GET", "/account").status_code == 200
    account.admin("POST", "/clock/advance", json={"seconds": 60})
    assert account.api("GET", "/account").status_code == 200
    account.admin("PUT", "/rate-limit", json={"requests": 1, "seconds": 60, "retry_after": None})
    account.admin("POST", "/clock/advance", json={"seconds": 60})
    account.api("GET", "/account")
    limited = account.api("GET", "/account")
    assert limited.status_code == 429 and "Retry-After" not in limited.headers
    account.admin("DELETE", "/rate-limit")
    assert account.api("GET", "/account").status_code == 200


def test_the_journal_keeps_the_last_entries(db_url: str, clock: FakeClock) -> None:
    with TestClient(sandbox_app(db_url, clock, journal_limit=10)) as client:
        account = new_account(client)
        for n in range(70):
            account.api("POST", f"/people/search?page_number={n + 1}")
        entries = account.journal()
        assert [e["query"]["page_number"] for e in entries] == [str(n) for n in range(61, 71)]
        since = entries[-3]["seq"]
        later = account.admin("POST", "/requests/find", json={"since": since})
        assert len(later.json()) == 2
        assert account.admin("POST", "/requests/count", json={}).json() == {"count": 10}


def test_a_body_over_the_limit_is_413_and_journaled(account: Account) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = account.api("POST", "/people", content=big)
    assert response.status_code == 413
    (entry,) = account.journal()
    assert entry["status"] == 413 and entry["body"] == {"verdigris_body_bytes": 1024 * 1024 + 1}


def test_unmatched_requests_name_the_nearest_served_route(account: Account) -> None:
    account.api("GET", "/users/current")
    account.api("GET", "/peeple/3")
    account.api("GET", "/people/999999")  # served route, unknown record: not unmatched
    found = account.admin("GET", "/requests/unmatched").json()
    assert [e["route"] for e in found] == ["/users/current", "/peeple/3"]
    assert found[0]["nearest"].startswith("GET /users")
    assert found[1]["nearest"] == "GET /people/{record_id}"


def test_the_account_clock_drives_the_age_filter(account: Account) -> None:
    account.admin("PUT", "/clock", json={"frozen_at": 1_650_000_000})
    made = account.api("POST", "/people", json={"name": "Aged Person"}).json()

    def young() -> list[int]:
        found = account.api("POST", "/people/search", json={"age": 3600, "page_size": 200})
        return [p["id"] for p in found.json()]

    assert made["id"] in young()
    account.admin("POST", "/clock/advance", json={"seconds": 7200})
    assert made["id"] not in young()
