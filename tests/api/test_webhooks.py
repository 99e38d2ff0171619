"""Webhooks (SPEC.md 8): subscriptions, and notifications a real receiver on 127.0.0.1
gets from every write path, retried until answered, signed, once in Copper mode."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import JIM, OTHER, SAMPLE
from tests.copper import API, error
from verdigris.api.app import create_app
from verdigris.config import Settings
from verdigris.snapshot.load import load_snapshot


class Receiver:
    """An HTTP receiver: answers each POST with the next of `statuses` (then 200)."""

    def __init__(self) -> None:
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.hang_first = False
        self.hang = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                if receiver.hang_first:
                    receiver.hang_first = False
                    receiver.hang.wait(60)  # a receiver that never answers (until released)
                    return
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self, count: int, seconds: float = 10) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        while len(self.got) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return [orjson.loads(body) for _, body in self.got]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


def _client(db_url: str, engine: Engine, **settings: Any) -> TestClient:
    load_snapshot(engine, SAMPLE)
    options = {"webhooks_allow_http": True, "webhook_retry_base": 0.2, "webhook_poll": 0.05}
    return TestClient(create_app(Settings(database_url=db_url, migrate_on_start=False,
                                          **(options | settings))))  # fmt: skip


@pytest.fixture
def hooked(db_url: str, engine: Engine) -> Iterator[TestClient]:
    with _client(db_url, engine) as client:
        yield client


def subscribe(client: TestClient, url: str, kind: str, event: str, **extra: Any) -> Any:
    body = {"target": url, "type": kind, "event": event} | extra
    answer = client.post(f"{API}/webhooks", json=body, headers=JIM)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_subscriptions_crud_and_isolation(hooked: TestClient) -> None:
    secret = {"secret": "n8n-md5", "key": "copper"}
    made = subscribe(hooked, "https://example.com/in", "lead", "update", secret=secret,
                     headers={"Authorization": "Bearer t"})  # fmt: skip
    assert made == {
        "id": made["id"], "target": "https://example.com/in", "type": "lead", "event": "update",
        "secret": secret, "headers": {"Authorization": "Bearer t"},
        "custom_field_computed_values": False, "created_at": made["created_at"],
    }  # fmt: skip
    one = f"{API}/webhooks/{made['id']}"
    assert hooked.get(f"{API}/webhooks", headers=JIM).json() == [made]
    changed = hooked.put(one, json={"target": "https://example.com/v2"}, headers=JIM).json()
    assert changed == made | {"target": "https://example.com/v2"}
    error(hooked.get(one, headers=OTHER), 404)
    error(hooked.delete(one, headers=OTHER), 404)
    assert hooked.get(f"{API}/webhooks", headers=OTHER).json() == []
    assert hooked.delete(one, headers=JIM).json() == {"id": made["id"]}
    error(hooked.get(one, headers=JIM), 404)
    error(hooked.get(f"{API}/webhooks/{2**70}", headers=JIM), 404)
    error(hooked.get(f"{API}/webhooks/{2**70}/deliveries", headers=JIM), 404)


@pytest.mark.parametrize(
    "body",
    [{"target": "http://example.com/x", "type": "lead", "event": "new"},
     {"target": "ftp://example.com/x", "type": "lead", "event": "new"},
     {"target": "https://example.com/_verdigris/accounts", "type": "lead", "event": "new"},
     {"target": "https://example.com/x", "type": "deal", "event": "new"},
     {"target": "https://example.com/x", "type": "lead", "event": "changed"},
     {"target": "https://example.com/x", "type": "activity_log", "event": "delete"},
     {"type": "lead", "event": "new"}],
)  # fmt: skip
def test_invalid_subscriptions_are_422(sample_client: TestClient, body: dict[str, Any]) -> None:
    error(sample_client.post(f"{API}/webhooks", json=body, headers=JIM), 422)


def test_at_most_100_subscriptions(sample_client: TestClient) -> None:
    for _ in range(100):
        subscribe(sample_client, "https://example.com/x", "person", "new")
    body = {"target": "https://example.com/x", "type": "person", "event": "new"}
    error(sample_client.post(f"{API}/webhooks", json=body, headers=JIM), 422)


def test_every_write_notifies(hooked: TestClient, receiver: Receiver) -> None:
    secret = {"secret": "s3"}
    for event in ("new", "update", "delete"):
        subscribe(hooked, receiver.url, "person", event, secret=secret, headers={"X-Team": "a"})
    made = hooked.post(f"{API}/people", json={"name": "Hook Person", "title": "A"}, headers=JIM)
    person = made.json()["id"]
    hooked.put(f"{API}/people/{person}", json={"title": "B"}, headers=JIM)
    hooked.delete(f"{API}/people/{person}", headers=JIM)
    # One subscription per event: their notifications may arrive in any order.
    found = {b["event"]: b for b in receiver.bodies(3)}
    assert {event: b["ids"] for event, b in found.items()} == {
        "new": [person], "update": [person], "delete": [person]
    }  # fmt: skip
    assert found["new"]["updated_attributes"] == {} and found["new"]["secret"] == "s3"
    assert found["update"]["updated_attributes"]["title"] == ["A", "B"]
    assert list(found["new"])[:6] == ["subscription_id", "event", "type", "ids",
                                      "updated_attributes", "timestamp"]  # fmt: skip
    assert found["new"]["timestamp"].endswith("Z")
    headers = receiver.got[0][0]
    assert headers["x-team"] == "a" and len(headers["verdigris-delivery"]) == 36


def test_cascades_and_converts_notify_and_failed_writes_do_not(
    hooked: TestClient, receiver: Receiver
) -> None:
    subscribe(hooked, receiver.url, "person", "update")
    subscribe(hooked, receiver.url, "lead", "update")
    error(hooked.put(f"{API}/people/3", json={"name": 5}, headers=JIM), 400)
    hooked.delete(f"{API}/companies/2", headers=JIM)  # clears the company of people 3, 4 and 7
    hooked.post(f"{API}/leads/5/convert", json={"details": {}}, headers=JIM)
    bodies = receiver.bodies(2)
    people = [b for b in bodies if b["type"] == "person"]
    assert sorted(i for b in people for i in b["ids"]) == [3, 4, 7]
    assert people[0]["updated_attributes"]["company_id"][0] == 2
    assert [b["ids"] for b in bodies if b["type"] == "lead"] == [[5]]


def test_a_refused_notification_is_retried_under_the_same_id(
    hooked: TestClient, receiver: Receiver
) -> None:
    hook = subscribe(hooked, receiver.url, "company", "new")
    receiver.statuses = [500, 503]
    hooked.post(f"{API}/companies", json={"name": "Retry Co"}, headers=JIM)
    receiver.bodies(3)
    ids = {headers["verdigris-delivery"] for headers, _ in receiver.got}
    assert len(receiver.got) == 3 and len(ids) == 1
    time.sleep(0.2)
    shown = hooked.get(f"{API}/webhooks/{hook['id']}/deliveries", headers=JIM).json()
    assert shown[0]["status"] == "delivered" and shown[0]["tries"] == 3
    assert [a["status_code"] for a in shown[0]["attempts"]] == [500, 503, 200]


def test_copper_mode_tries_once(db_url: str, engine: Engine, receiver: Receiver) -> None:
    with _client(db_url, engine, webhooks_copper_mode=True) as client:
        hook = subscribe(client, receiver.url, "company", "new")
        receiver.statuses = [500]
        client.post(f"{API}/companies", json={"name": "Once Co"}, headers=JIM)
        receiver.bodies(1)
        time.sleep(1.0)
        assert len(receiver.got) == 1
        shown = client.get(f"{API}/webhooks/{hook['id']}/deliveries", headers=JIM).json()
        assert shown[0]["status"] == "failed"


def test_signed_notifications_verify(hooked: TestClient, receiver: Receiver) -> None:
    secret = "whsec_" + base64.b64encode(b"sixteen byte key").decode()
    subscribe(hooked, receiver.url, "opportunity", "new", signing_secret=secret)
    hooked.post(f"{API}/opportunities", json={"name": "Signed deal"}, headers=JIM)
    receiver.bodies(1)
    headers, body = receiver.got[0]
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = hmac.new(b"sixteen byte key", signed, hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()
    assert headers["webhook-id"] == headers["verdigris-delivery"]


def test_a_bulk_create_notifies_its_good_items_once(hooked: TestClient, receiver: Receiver) -> None:
    subscribe(hooked, receiver.url, "person", "new")
    items = [{"name": "Bulk Hook A"}, {"name": 5}, {"name": "Bulk Hook B"}]
    made = hooked.post(f"{API}/people/bulk_create", json={"people": items}, headers=JIM).json()
    bodies = receiver.bodies(1)
    time.sleep(0.3)  # a second notification, were there one, would have come by now
    assert [b["ids"] for b in receiver.bodies(1)] == [[made[0]["id"], made[2]["id"]]]
    assert bodies[0]["event"] == "new"
