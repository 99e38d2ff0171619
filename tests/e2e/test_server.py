"""A real uvicorn on 127.0.0.1: headers, X-PW-TOTAL and error bodies over the wire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import JIM, SAMPLE
from tests.e2e.server import running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = str(tmp_path_factory.mktemp("e2e") / "verdigris.db")
    with running_server(db, "--workers", "2") as root:
        yield root + "/developer_api/v1"


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
