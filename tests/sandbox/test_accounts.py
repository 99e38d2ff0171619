"""Accounts as the unit of isolation: cloned from a template, reset, checkpoints, dump;
the admin token guards the lifecycle, an account's own headers its own routes only."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import SAMPLE
from tests.copper import error
from tests.sandbox.conftest import ADMIN, API, Account, new_account


def _people(account: Account) -> tuple[list[dict[str, Any]], str]:
    response = account.api("POST", "/people/search", json={"page_size": 200})
    assert response.status_code == 200, response.text
    return response.json(), response.headers["X-PW-TOTAL"]


def _dump(account: Account) -> dict[str, Any]:
    response = account.admin("GET", "/account/dump")
    assert response.status_code == 200, response.text
    dumped = response.json()["accounts"][0]
    dumped.pop("id")
    dumped.pop("name")
    for user in dumped.get("users", []):
        user.pop("api_token_hashes", None)
    return dict(dumped)


def test_health_needs_nothing_and_admin_routes_need_the_token(sandbox: TestClient) -> None:
    health = sandbox.get("/_verdigris/health")
    assert health.json()["status"] == "ok" and health.json()["admin"] is True
    error(sandbox.post("/_verdigris/accounts", json={"template": "demo"}), 401)
    wrong = {"Authorization": "Bearer nope"}
    error(sandbox.post("/_verdigris/accounts", json={"template": "demo"}, headers=wrong), 401)
    error(sandbox.get("/_verdigris/accounts", headers=wrong), 401)
    assert sandbox.get("/_verdigris/templates", headers=ADMIN).json() == ["demo", "demo-2"]


def test_an_unknown_template_is_404(sandbox: TestClient) -> None:
    response = sandbox.post("/_verdigris/accounts", json={"template": "nope"}, headers=ADMIN)
    assert "nope" in error(response, 404)


def test_two_clones_are_equal_and_apart(sandbox: TestClient) -> None:
    one, two = new_account(sandbox), new_account(sandbox)
    assert one.id != two.id
    assert one.info["token"] != two.info["token"]
    assert _dump(one) == _dump(two)
    people, total = _people(one)
    assert people and [p["id"] for p in people] == [p["id"] for p in _people(two)[0]]

    made = one.api("POST", "/people", json={"name": "Only In One"}).json()
    assert one.api("GET", f"/people/{made['id']}").status_code == 200
    error(two.api("GET", f"/people/{made['id']}"), 404)
    assert int(_people(one)[1]) == int(total) + 1
    assert _people(two)[1] == total


def test_a_token_of_one_account_never_reaches_another(sandbox: TestClient) -> None:
    one, two = new_account(sandbox), new_account(sandbox)
    one.admin("POST", "/account/checkpoints", json={"name": "mine"})
    restore = two.admin("POST", "/account/checkpoints/mine/restore")
    error(restore, 404)
    two.faults({"id": "x", "then": {"type": "status", "status": 503}})
    assert one.api("POST", "/people/search").status_code == 200
    assert one.admin("GET", "/faults").json() == []


def test_reset_goes_back_to_the_template_exactly(account: Account) -> None:
    before = _dump(account)
    first = account.api("POST", "/people", json={"name": "Ann Added"}).json()
    person = _people(account)[0][0]
    account.api("PUT", f"/people/{person['id']}", json={"title": "Changed"})
    account.api("DELETE", f"/people/{_people(account)[0][1]['id']}")
    assert _dump(account) != before

    response = account.admin("POST", "/account/reset")
    assert response.status_code == 200, response.text
    assert _dump(account) == before
    again = account.api("POST", "/people", json={"name": "Ann Added"}).json()
    assert again["id"] == first["id"]  # the id sequences went back too


def test_checkpoint_and_restore_round_trip(sandbox: TestClient) -> None:
    mine, other = new_account(sandbox), new_account(sandbox)
    mine.api("POST", "/people", json={"name": "Before Save"})
    assert mine.admin("POST", "/account/checkpoints", json={"name": "saved"}).status_code == 201
    saved = _dump(mine)
    mine.api("POST", "/people", json={"name": "After Save"})
    other_made = other.api("POST", "/people", json={"name": "Other Write"}).json()
    assert mine.admin("GET", "/account/checkpoints").json() == ["saved"]

    assert mine.admin("POST", "/account/checkpoints/saved/restore").status_code == 200
    assert _dump(mine) == saved
    assert other.api("GET", f"/people/{other_made['id']}").status_code == 200
    assert mine.admin("DELETE", "/account/checkpoints/saved").status_code == 200
    error(mine.admin("POST", "/account/checkpoints/saved/restore"), 404)


def test_deleting_an_account_revokes_its_tokens(sandbox: TestClient) -> None:
    account = new_account(sandbox)
    listed = sandbox.get("/_verdigris/accounts", headers=ADMIN).json()
    assert account.id in [a["account_id"] for a in listed]
    assert sandbox.delete(f"/_verdigris/accounts/{account.id}", headers=ADMIN).status_code == 200
    error(account.api("POST", "/people/search"), 401)
    listed = sandbox.get("/_verdigris/accounts", headers=ADMIN).json()
    assert account.id not in [a["account_id"] for a in listed]
    error(sandbox.delete(f"/_verdigris/accounts/{account.id}", headers=ADMIN), 404)


def test_an_empty_account_has_one_user_and_copper_defaults(sandbox: TestClient) -> None:
    account = new_account(sandbox, None)
    assert account.info["email"] == "owner@sandbox.example"
    assert _people(account) == ([], "0")
    assert account.api("GET", "/pipelines").json()


def test_serve_has_no_admin_routes(client: TestClient) -> None:
    error(client.get("/_verdigris/health"), 404)
    error(client.post("/_verdigris/accounts", json={}, headers=ADMIN), 404)
    assert client.post(f"{API}/people/search").status_code == 401


def test_a_template_from_a_snapshot_document(sandbox: TestClient) -> None:
    document = json.loads(SAMPLE.read_text())  # account ids 1 and 2 are taken: loaded beside
    document["accounts"] = document["accounts"][:1]
    body = {"name": "acme", "snapshot": document}
    error(sandbox.post("/_verdigris/templates", json=body), 401)
    made = sandbox.post("/_verdigris/templates", json=body, headers=ADMIN)
    assert made.status_code == 201, made.text
    assert made.json() == {"templates": ["acme"]}
    assert "acme" in error(sandbox.post("/_verdigris/templates", json=body, headers=ADMIN), 422)
    bad = {"name": "broken", "snapshot": {"format": "nope", "accounts": []}}
    error(sandbox.post("/_verdigris/templates", json=bad, headers=ADMIN), 400)

    acme, demo = new_account(sandbox, "acme"), new_account(sandbox, "demo")
    assert _dump(acme) == _dump(demo)


def test_a_hard_coded_token_registered_for_one_account(sandbox: TestClient) -> None:
    one, two = new_account(sandbox), new_account(sandbox)
    body = {"email": "dev@example.com", "token": "hard-coded-token-123"}
    made = one.admin("POST", "/account/tokens", json=body)
    assert made.status_code == 201, made.text
    headers = {"X-PW-AccessToken": "hard-coded-token-123", "X-PW-Application": "developer_api",
               "X-PW-UserEmail": "dev@example.com"}  # fmt: skip
    assert sandbox.get(f"{API}/account", headers=headers).json()["id"] == one.id
    assert "in use" in error(two.admin("POST", "/account/tokens", json=body), 422)
    jim = one.admin("POST", "/account/tokens", json={"email": "jim.halpert@dundermifflin.com"})
    assert jim.status_code == 201 and len(jim.json()["token"]) > 20
    error(one.admin("POST", "/account/tokens", json={"email": "x@y.z", "token": "short"}), 400)
