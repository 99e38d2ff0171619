"""A real uvicorn on 127.0.0.1: headers, X-PW-TOTAL and error bodies over the wire."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import JIM, SAMPLE


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read().decode() if process.stdout else "exited")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("server did not start")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("e2e") / "verdigris.db"
    cli = [sys.executable, "-m", "verdigris"]
    subprocess.run([*cli, "load", str(SAMPLE), "--db", str(db)], check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--db", str(db), "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}/developer_api/v1"
    finally:
        process.terminate()
        process.wait(10)


def test_search_over_http(server: str) -> None:
    response = httpx.post(server + "/people/search", json={"sort_by": "name"}, headers=JIM)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["X-PW-TOTAL"] == "5"
    assert [p["id"] for p in response.json()] == [4, 7, 6, 3, 5]


def test_errors_over_http(server: str) -> None:
    response = httpx.post(server + "/people/search", content=b"{", headers=JIM)
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert httpx.get(server + "/people/3", headers={}).status_code == 401


def test_writes_are_seen_by_every_worker(server: str) -> None:
    created = httpx.post(server + "/leads", json={"name": "Worker Test"}, headers=JIM).json()
    for _ in range(6):  # requests spread over both workers
        response = httpx.get(f"{server}/leads/{created['id']}", headers=JIM)
        assert response.json()["name"] == "Worker Test"


def test_sample_file_is_packaged() -> None:
    assert Path(SAMPLE).is_file()
