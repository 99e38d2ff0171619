"""Webhook delivery against a real `verdigris serve`, on SQLite and PostgreSQL: a kill -9
mid-delivery is followed by a redelivery under the same id, two workers or two servers
deliver each event once, the sender's process ends with its server's, and a hanging
receiver never holds up the API."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.api.test_webhooks import Receiver
from tests.conftest import JIM
from tests.e2e.server import kill_9, start_server, stop

API = "/developer_api/v1"
SERVE = ("--webhooks-allow-http",)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.hang.set()
    found.server.shutdown()


def _subscribe(base: str, url: str, kind: str = "person", event: str = "new") -> None:
    body = {"target": url, "type": kind, "event": event}
    assert httpx.post(f"{base}/webhooks", json=body, headers=JIM).status_code == 200


def _create(base: str, name: str) -> int:
    answer = httpx.post(f"{base}/people", json={"name": name}, headers=JIM, timeout=10)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def test_kill_9_mid_delivery_then_restart_redelivers(database: str, receiver: Receiver) -> None:
    process, root = start_server(database, *SERVE)
    try:
        _subscribe(root + API, receiver.url)
        receiver.hang_first = True  # the first delivery never gets its answer
        person = _create(root + API, "Killed Mid Delivery")
        receiver.bodies(1, seconds=10)
        kill_9(process)
    finally:
        stop(process)
    receiver.hang.set()
    process, root = start_server(database, *SERVE)
    try:
        bodies = receiver.bodies(2, seconds=45)  # the lease lapses after 30 s
        ids = [headers["verdigris-delivery"] for headers, _ in receiver.got]
        assert [b["ids"] for b in bodies] == [[person], [person]]
        assert len(ids) == 2 and ids[0] == ids[1]
    finally:
        stop(process)


def _delivered_once(receiver: Receiver, made: list[int]) -> None:
    deadline = time.monotonic() + 20
    while sum(len(b["ids"]) for b in receiver.bodies(0)) < len(made):
        assert time.monotonic() < deadline, "not every event was delivered"
        time.sleep(0.1)
    time.sleep(1.5)  # time for a second, duplicate delivery to show up, if any
    delivered = [i for b in receiver.bodies(0) for i in b["ids"]]
    assert sorted(delivered) == sorted(made)


def test_two_workers_deliver_each_event_once(database: str, receiver: Receiver) -> None:
    process, root = start_server(database, "--workers", "2", *SERVE)
    try:
        _subscribe(root + API, receiver.url)
        _delivered_once(receiver, [_create(root + API, f"Worker Person {i}") for i in range(40)])
    finally:
        stop(process)


def test_two_servers_on_one_database_deliver_each_event_once(
    database: str, receiver: Receiver
) -> None:
    """Each server runs a sender; a notification is leased to one of them."""
    first, first_root = start_server(database, *SERVE)
    second, second_root = start_server(database, *SERVE)
    try:
        _subscribe(first_root + API, receiver.url)
        roots = (first_root, second_root)
        made = [_create(roots[i % 2] + API, f"Server Person {i}") for i in range(40)]
        _delivered_once(receiver, made)
    finally:
        stop(first)
        stop(second)


def test_the_sender_ends_with_its_server(database: str) -> None:
    """A kill -9 of the server alone (not its process group) leaves no sender behind."""
    process, _root = start_server(database, *SERVE)
    try:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        deadline = time.monotonic() + 10
        while _group_alive(process.pid):
            assert time.monotonic() < deadline, "the sender outlived its server"
            time.sleep(0.1)
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_hanging_receiver_does_not_hold_up_the_api(database: str, receiver: Receiver) -> None:
    process, root = start_server(database, *SERVE)
    try:
        _subscribe(root + API, receiver.url)
        receiver.hang_first = True
        _create(root + API, "First")
        receiver.bodies(1, seconds=10)  # the sender now waits on the receiver
        started = time.monotonic()
        for i in range(20):
            _create(root + API, f"While hanging {i}")
            httpx.post(f"{root}{API}/people/search", json={}, headers=JIM).raise_for_status()
        # Waiting for the receiver would cost each write the 10 s send timeout.
        assert time.monotonic() - started < 8, "API requests waited for the receiver"
    finally:
        receiver.hang.set()
        stop(process)
