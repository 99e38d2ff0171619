"""Sixteen clients mixing creates, updates, deletes, upserts, converts and searches
against `verdigris serve --workers 2`, on SQLite and PostgreSQL: no 5xx, every
acknowledged write readable; then kill -9 mid-run and restart: nothing acknowledged
lost, nothing half-written. `VERDIGRIS_LOAD_SECONDS` sets the run's length (30)."""

from __future__ import annotations

import os
import threading

from tests.e2e.server import kill_9, start_server, stop
from tests.e2e.workload import Ledger, inconsistent, run_clients, unreadable

SECONDS = float(os.environ.get("VERDIGRIS_LOAD_SECONDS", "30"))
CLIENTS = 16
API = "/developer_api/v1"


def test_sixteen_clients_two_workers(database: str) -> None:
    process, root = start_server(database, "--workers", "2")
    try:
        ledgers = run_clients(root + API, CLIENTS, SECONDS, threading.Event())
        assert [e for ledger in ledgers for e in ledger.server_errors] == []
        sent = sum(ledger.requests for ledger in ledgers)
        _report(database, "no kill", ledgers)
        assert sent > CLIENTS * 10
        assert sum(len(ledger.people) for ledger in ledgers) > CLIENTS
        assert unreadable(root + API, ledgers) == []
        assert inconsistent(root + API) == []
    finally:
        stop(process)


def test_kill_9_mid_run_loses_nothing_acknowledged(database: str) -> None:
    process, root = start_server(database, "--workers", "2")
    stopped = threading.Event()
    killer = threading.Timer(min(SECONDS, 30) / 3, lambda: (kill_9(process), stopped.set()))
    killer.start()
    try:
        ledgers = run_clients(root + API, CLIENTS, SECONDS, stopped)
    finally:
        killer.cancel()
        stop(process)
    assert stopped.is_set(), "the run ended before the kill"
    assert [e for ledger in ledgers for e in ledger.server_errors] == []
    _report(database, "kill -9", ledgers)
    process, root = start_server(database)
    try:
        assert unreadable(root + API, ledgers) == []
        assert inconsistent(root + API) == []
    finally:
        stop(process)


def _report(database: str, run: str, ledgers: list[Ledger]) -> None:
    """The run's figures, shown with `pytest -s` (the issue's note quotes them)."""
    sent = sum(ledger.requests for ledger in ledgers)
    acknowledged = sum(ledger.acknowledged for ledger in ledgers)
    busy = sum(ledger.busy for ledger in ledgers)
    backend = database.split(":")[0].split("+")[0] if "://" in database else "sqlite"
    print(f"\n{backend}, {run}: {sent} requests, {acknowledged} writes acknowledged, "  # noqa: T201
          f"{busy} busy (503, retried)")  # fmt: skip
