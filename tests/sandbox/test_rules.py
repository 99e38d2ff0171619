"""What a fault rule or journal pattern matches, and when a counted rule fires."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.copper import error
from tests.sandbox.conftest import Account
from verdigris.api.sandbox.rules import Seen, fires, matches


def _seen(method: str = "POST", route: str = "/people/search", **body: object) -> Seen:
    return Seen(method, route, {}, dict(body))


@pytest.mark.parametrize(
    ("pattern", "seen", "expected"),
    [
        ({}, _seen(), True),
        ({"method": "post"}, _seen(), True),
        ({"method": "GET"}, _seen(), False),
        ({"route": "/people/{id}"}, _seen("GET", "/people/12"), True),
        ({"route": "/people/{id}"}, _seen("GET", "/people/search"), False),
        ({"route": "/people/{id}/"}, _seen("GET", "/people/12"), True),
        ({"route": "/*/search"}, _seen(route="/leads/search"), True),
        ({"route": "/people"}, _seen(route="/people/search"), False),
        ({"body": {"page_number": 2}}, _seen(page_number=2, page_size=5), True),
        ({"body": {"page_number": 2}}, _seen(page_number=3), False),
        ({"body": {"address": {"city": "X"}}}, _seen(address={"city": "X", "state": "Y"}), True),
        ({"body": {"tags": ["a"]}}, _seen(tags=["a", "b"]), False),  # lists are equal or not
    ],
)
def test_patterns(pattern: dict[str, object], seen: Seen, expected: bool) -> None:
    assert matches(pattern, seen) is expected


def test_counted_rules_fire_between_after_and_times() -> None:
    rule = {"after": 2, "times": 3}
    fired = 0
    pattern = []
    for n in range(1, 9):
        fire = fires(rule, n, fired)
        fired += fire
        pattern.append(fire)
    assert pattern == [False, False, True, True, True, False, False, False]


def test_seeded_probability_is_the_same_every_run() -> None:
    rule = {"probability": 0.3, "seed": 7}
    runs = [[fires(rule, n, 0) for n in range(1, 1001)] for _ in range(2)]
    assert runs[0] == runs[1]
    assert 250 <= sum(runs[0]) <= 350
    other = [fires({**rule, "seed": 8}, n, 0) for n in range(1, 1001)]
    assert other != runs[0]


def test_names_are_checked(account: Account, sandbox: TestClient) -> None:
    error(account.admin("POST", "/account/checkpoints", json={"name": "x" * 201}), 400)
    error(account.admin("POST", "/account/checkpoints", json={"name": ""}), 400)
    error(account.admin("POST", "/account/checkpoints", json={}), 400)
    error(account.admin("PUT", "/clock", json={"frozen_at": "soon"}), 400)
    error(account.admin("PUT", "/rate-limit", json={"requests": 0}), 400)
    error(account.admin("POST", "/requests/find", json={"route": 5}), 400)
