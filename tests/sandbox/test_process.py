"""`verdigris sandbox` as a process: ready line and file, health, a clean stop on SIGTERM
and when standard input ends; drops over a real socket."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CLI = [sys.executable, "-m", "verdigris", "sandbox"]


def _start(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    ready = tmp_path / "ready.json"
    process = subprocess.Popen(
        [*CLI, "--demo", "--ready-file", str(ready), *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(process.communicate()[1].decode())
        time.sleep(0.02)
    return process, json.loads(ready.read_text())


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    process, info = _start(tmp_path_factory.mktemp("sandbox"))
    yield info
    process.terminate()
    process.wait(5)


def test_ready_line_health_and_sigterm(tmp_path: Path) -> None:
    process, info = _start(tmp_path)  # its start-up time: bench/sandbox.py
    assert info["verdigris"] == "ready" and info["templates"] == ["demo", "demo-2"]
    assert info["api"] == info["url"] + "/developer_api/v1"
    assert httpx.get(info["url"] + "/_verdigris/health").json()["status"] == "ok"
    process.send_signal(signal.SIGTERM)
    assert process.wait(5) == 0
    stdout = process.stdout.read().decode() if process.stdout else ""
    assert json.loads(stdout.strip().splitlines()[0]) == info
    assert not (tmp_path / "ready.json").exists()


def test_exit_with_parent_stops_when_stdin_closes(tmp_path: Path) -> None:
    process, _ = _start(tmp_path, "--exit-with-parent")
    assert process.stdin is not None
    process.stdin.close()
    assert process.wait(5) == 0


def _account(info: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {info['admin_token']}"}
    made = httpx.post(info["url"] + "/_verdigris/accounts", json={"template": "demo"},
                      headers=headers)  # fmt: skip
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_drop_close_and_truncate_over_a_real_socket(running: dict[str, Any]) -> None:
    account = _account(running)
    headers = account["headers"]
    rules = [
        {"times": 1, "match": {"route": "/account"}, "then": {"type": "drop", "how": "close"}},
        {"times": 1, "match": {"route": "/people/search"},
         "then": {"type": "drop", "how": "truncate"}},
    ]  # fmt: skip
    faults = httpx.post(running["url"] + "/_verdigris/faults", json=rules, headers=headers)
    assert faults.status_code == 201, faults.text
    with httpx.Client(base_url=running["api"], headers=headers) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/account")
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/people/search")
        assert client.get("/account").status_code == 200
    journal = httpx.get(running["url"] + "/_verdigris/requests", headers=headers).json()
    assert [e["fault"] for e in journal] == ["rule-1", "rule-2", None]


def test_hang_lets_the_client_timeout_fire(running: dict[str, Any]) -> None:
    account = _account(running)
    rule = {"times": 1, "then": {"type": "drop", "how": "hang"}}
    httpx.post(running["url"] + "/_verdigris/faults", json=rule, headers=account["headers"])
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(running["api"] + "/account", headers=account["headers"], timeout=0.5)


def test_two_workers_share_fault_counters_and_the_journal(tmp_path: Path) -> None:
    process, info = _start(tmp_path, "--workers", "2")
    try:
        account = _account(info)
        headers = account["headers"]
        rule = {"times": 5, "then": {"type": "status", "status": 503}}
        httpx.post(info["url"] + "/_verdigris/faults", json=rule, headers=headers)
        statuses = []
        for _ in range(20):  # a new connection each: both workers serve some
            statuses.append(httpx.get(info["api"] + "/account", headers=headers).status_code)
        assert statuses.count(503) == 5
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:  # another worker may still be writing its last
            journal = httpx.get(info["url"] + "/_verdigris/requests", headers=headers).json()
            if len(journal) == 20:
                break
            time.sleep(0.05)
        assert [e["status"] for e in journal].count(503) == 5 and len(journal) == 20
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
