"""`mock_copper()` outside pytest's fixtures: a context manager and a decorator."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import requests

from verdigris.testing import mock_copper
from verdigris.testing.redirect import _active
from verdigris.testing.sandbox import CopperSandbox
from verdigris.testing.server import SandboxServer

COPPER = "https://api.copper.com/developer_api/v1"


def test_context_manager_redirects_and_deletes_the_account(kit_server: SandboxServer) -> None:
    with mock_copper(server=kit_server) as copper:
        response = requests.get(f"{COPPER}/account", headers=copper.headers)
        assert response.status_code == 200
        assert copper.journal.count("GET /account") == 1
        account_id = copper.account_id
    assert _active == []
    listed = [a["account_id"] for a in kit_server.admin("GET", "/accounts")]
    assert account_id not in listed


def test_decorator_gives_the_sandbox_to_a_copper_parameter(kit_server: SandboxServer) -> None:
    seen: list[CopperSandbox] = []

    @mock_copper(server=kit_server)
    def sync(copper: CopperSandbox) -> int:
        seen.append(copper)
        return requests.post(f"{COPPER}/people/search", headers=copper.headers).status_code

    assert sync() == 200
    assert len(seen) == 1 and _active == []


def test_decorator_on_a_coroutine(kit_server: SandboxServer) -> None:
    @mock_copper(server=kit_server, redirect=True)
    async def sync(copper: CopperSandbox) -> int:
        async with httpx.AsyncClient(headers=copper.headers) as client:
            return (await client.get(f"{COPPER}/account")).status_code

    assert asyncio.run(sync()) == 200


def test_presets(copper_sandbox: CopperSandbox) -> None:
    copper_sandbox.faults.preset("pagination-drift")
    first = copper_sandbox.api("POST", "/people/search", {"page_size": 2, "sort_by": "name"})
    second = copper_sandbox.api("POST", "/people/search",
                                {"page_size": 2, "page_number": 2, "sort_by": "name"})  # fmt: skip
    # 3 new people sort first: page 2 repeats what page 1 began with.
    assert first[0]["id"] in [p["id"] for p in second]
    copper_sandbox.faults.clear()
    copper_sandbox.faults.preset("flaky-5xx", seed=3)
    assert len(copper_sandbox.faults.list()) == 2
    with pytest.raises(ValueError, match="no preset"):
        copper_sandbox.faults.preset("nope")
