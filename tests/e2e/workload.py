"""A mixed write and search workload from many clients, and the ledger of what the
server acknowledged: every write answered 2xx must be readable afterwards."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from tests.conftest import JIM


@dataclass
class Ledger:
    """What one client was told: each record's last acknowledged name, or None once its
    delete was acknowledged; plus every 5xx it saw."""

    people: dict[int, str | None] = field(default_factory=dict)
    leads: dict[int, str | None] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    requests: int = 0
    acknowledged: int = 0
    """Writes answered 200."""
    busy: int = 0
    """Answers of 503 with Retry-After, retried."""
    unknown: dict[int, set[str | None]] = field(default_factory=dict)
    """Values a person may also hold: writes sent whose answer never came (the server
    died first), which may or may not have committed."""


class Client:
    """One client's loop: it only touches the records it created, so "the last
    acknowledged value" of each is well defined."""

    def __init__(self, base: str, number: int, ledger: Ledger) -> None:
        self.http = httpx.Client(base_url=base, headers=JIM, timeout=30)
        self.random = random.Random(number)
        self.prefix = f"Load{number}x"
        self.ledger = ledger
        self.serial = 0

    def step(self) -> None:
        actions: list[Callable[[], None]] = [
            self.create, self.create, self.update, self.delete, self.upsert, self.convert,
            self.search, self.search,
        ]  # fmt: skip
        self.random.choice(actions)()

    def _send(self, method: str, path: str, body: object = None) -> httpx.Response | None:
        """The answer, or None when the connection failed (the outcome is unknown). A 503
        with Retry-After (a write that waited out the lock wait, decision 0005, nothing
        written) is retried as a client would; any other 5xx is a failure."""
        for _ in range(5):
            self.ledger.requests += 1
            try:
                response = self.http.request(method, path, json=body)
            except httpx.TransportError:
                return None
            if response.status_code != 503 or "Retry-After" not in response.headers:
                break
            self.ledger.busy += 1
            time.sleep(0.05)
        if response.status_code >= 500:
            self.ledger.server_errors.append(f"{method} {path}: {response.text[:200]}")
        elif response.status_code == 200 and not path.endswith("/search"):
            self.ledger.acknowledged += 1
        return response

    def _name(self) -> str:
        self.serial += 1
        return f"{self.prefix}{self.serial}"

    def create(self) -> None:
        name = self._name()
        found = self._send("POST", "/people", {"name": name, "tags": ["load"]})
        if found is not None and found.status_code == 200:
            self.ledger.people[found.json()["id"]] = name

    def _mine(self) -> int | None:
        alive = [i for i, name in self.ledger.people.items() if name is not None]
        return self.random.choice(alive) if alive else None

    def update(self) -> None:
        record_id, name = self._mine(), self._name()
        if record_id is None:
            return
        answer = self._send("PUT", f"/people/{record_id}", {"name": name})
        if answer is None:
            self.ledger.unknown.setdefault(record_id, set()).add(name)
        elif answer.status_code == 200:
            self.ledger.people[record_id] = name
            self.ledger.unknown.pop(record_id, None)  # this answer came after them

    def delete(self) -> None:
        record_id = self._mine()
        if record_id is None:
            return
        answer = self._send("DELETE", f"/people/{record_id}")
        if answer is None:
            self.ledger.unknown.setdefault(record_id, set()).add(None)
        elif answer.status_code == 200:
            self.ledger.people[record_id] = None
            self.ledger.unknown.pop(record_id, None)

    def upsert(self) -> None:
        name = self._name()
        body = {"properties": {"name": name}, "match": {"field_name": "name", "field_value": name}}
        answer = self._send("PUT", "/leads/upsert", body)
        if answer is not None and answer.status_code == 200:
            self.ledger.leads[answer.json()["id"]] = name

    def convert(self) -> None:
        mine = [i for i, name in self.ledger.leads.items() if name is not None]
        if not mine:
            return
        lead_id = self.random.choice(mine)
        answer = self._send("POST", f"/leads/{lead_id}/convert", {"details": {}})
        if answer is not None and answer.status_code == 200:
            person = answer.json()["person"]
            self.ledger.leads[lead_id] = None  # converted: it leaves lead search
            self.ledger.people[person["id"]] = person["name"]

    def search(self) -> None:
        body = {"name": f"{self.prefix}{self.random.randint(1, max(self.serial, 1))}"}
        self._send("POST", "/people/search", body | {"page_size": 5})


def run_clients(base: str, clients: int, seconds: float, stop: threading.Event) -> list[Ledger]:
    """`clients` threads stepping until `seconds` pass or `stop` is set."""
    ledgers = [Ledger() for _ in range(clients)]
    deadline = time.monotonic() + seconds

    def loop(number: int) -> None:
        client = Client(base, number, ledgers[number])
        while time.monotonic() < deadline and not stop.is_set():
            client.step()

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ledgers


def unreadable(base: str, ledgers: list[Ledger]) -> list[str]:
    """Every acknowledged write that the server does not show as acknowledged."""
    problems = []
    with httpx.Client(base_url=base, headers=JIM, timeout=30) as http:
        for ledger in ledgers:
            for record_id, name in ledger.people.items():
                got = http.get(f"/people/{record_id}")
                shown = got.json().get("name") if got.status_code == 200 else None
                if shown != name and shown not in ledger.unknown.get(record_id, set()):
                    problems.append(f"person {record_id}: told {name!r}, reads {shown!r}")
    return problems


def inconsistent(base: str) -> list[str]:
    """Records search finds that cannot be read, or a total that disagrees with the
    pages: what a half-written write would leave."""
    problems = []
    with httpx.Client(base_url=base, headers=JIM, timeout=30) as http:
        ids: list[int] = []
        total = None
        for page in range(1, 1000):
            body = {"tags": ["load"], "page_size": 200, "page_number": page, "sort_by": "name"}
            found = http.post("/people/search", json=body)
            total = int(found.headers["X-PW-TOTAL"])
            ids += [record["id"] for record in found.json()]
            if len(found.json()) < 200:
                break
        if total != len(ids):
            problems.append(f"X-PW-TOTAL {total} but {len(ids)} records listed")
        for record_id in ids:
            if http.get(f"/people/{record_id}").status_code != 200:
                problems.append(f"person {record_id} is found but cannot be read")
    return problems
