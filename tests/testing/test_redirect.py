"""Code that calls https://api.copper.com reaches the sandbox, with each HTTP library,
over a real loopback connection; everything patched is restored afterwards."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import httpx
import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from verdigris.testing import redirect as redirect_module
from verdigris.testing.redirect import VerdigrisNetworkBlocked, redirect
from verdigris.testing.sandbox import CopperSandbox

COPPER = "https://api.copper.com/developer_api/v1"
PROSPERWORKS = "https://api.prosperworks.com/developer_api/v1"


@pytest.fixture(autouse=True)
def no_copper_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copper's hosts are never looked up: a redirected request goes to loopback only."""
    real = socket.getaddrinfo

    def guarded(host: object, *args: object, **kwargs: object) -> object:
        if any(name in str(host) for name in ("copper.com", "prosperworks.com")):
            raise AssertionError(f"DNS lookup of {host!r}")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


def test_requests_functions_and_an_earlier_session(copper: CopperSandbox) -> None:
    session = requests.Session()  # made before the redirect starts
    with copper.redirect():
        found = requests.post(f"{COPPER}/people/search", json={"page_size": 3},
                              headers=copper.headers)  # fmt: skip
        again = session.get(f"{PROSPERWORKS}/account", headers=copper.headers)
    assert found.status_code == 200 and len(found.json()) == 3
    assert found.url == f"{COPPER}/people/search"
    assert again.status_code == 200 and again.json()["id"]
    entries = copper.journal.entries()
    assert [e["original_url"] for e in entries] == [
        f"{COPPER}/people/search", f"{PROSPERWORKS}/account"]  # fmt: skip


def test_urllib3_directly(copper: CopperSandbox) -> None:
    with copper.redirect():
        response = urllib3.request("GET", f"{COPPER}/account", headers=copper.headers)
    assert response.status == 200
    assert copper.journal.count("GET /account") == 1


def test_httpx_sync_and_async(copper: CopperSandbox) -> None:
    async def call() -> int:
        async with httpx.AsyncClient(base_url=COPPER, headers=copper.headers) as client:
            return (await client.post("/people/search")).status_code

    with copper.redirect():
        with httpx.Client(headers=copper.headers, http2=False) as client:
            response = client.get(f"{COPPER}/account")
        assert response.status_code == 200
        assert str(response.request.url) == f"{COPPER}/account"
        # Two event loops in a row: the async forwarding is per loop.
        assert asyncio.run(call()) == 200
        assert asyncio.run(call()) == 200
    assert copper.journal.count("POST /people/search") == 2


def test_aiohttp_absolute_and_base_url(copper: CopperSandbox) -> None:
    async def calls() -> list[int]:
        statuses = []
        async with aiohttp.ClientSession(headers=copper.headers) as session:
            response = await session.get(f"{COPPER}/account")
            statuses.append(response.status)
            response.release()
        base = COPPER + "/"
        async with aiohttp.ClientSession(base_url=base, headers=copper.headers) as session:
            response = await session.post("people/search", json={"page_size": 1})
            statuses.append(response.status)
            assert len(await response.json()) == 1
        return statuses

    with copper.redirect():
        assert asyncio.run(calls()) == [200, 200]
    originals = [e["original_url"] for e in copper.journal.entries()]
    assert originals == [f"{COPPER}/account", f"{COPPER}/people/search"]


def test_patches_are_undone() -> None:
    before = (requests.adapters.HTTPAdapter.send, urllib3.PoolManager.urlopen,
              httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request,
              aiohttp.ClientSession._request)  # fmt: skip
    with redirect("http://127.0.0.1:9"):
        assert requests.adapters.HTTPAdapter.send is not before[0]
    after = (requests.adapters.HTTPAdapter.send, urllib3.PoolManager.urlopen,
             httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request,
             aiohttp.ClientSession._request)  # fmt: skip
    assert after == before
    assert redirect_module._active == [] and redirect_module._restore == []


def test_a_client_that_retries_429_succeeds(copper: CopperSandbox) -> None:
    copper.faults.fail("GET /account", 429, retry_after=0, times=2)
    session = requests.Session()
    retry = Retry(total=3, status_forcelist=[429], backoff_factor=0, allowed_methods=None,
                  respect_retry_after_header=True)  # fmt: skip
    session.mount("https://", HTTPAdapter(max_retries=retry))
    with copper.redirect():
        response = session.get(f"{COPPER}/account", headers=copper.headers)
    assert response.status_code == 200
    assert [e["status"] for e in copper.journal.find("GET /account")] == [429, 429, 200]


def test_proxy_settings_do_not_apply(
    copper: CopperSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with copper.redirect():
        assert requests.get(f"{COPPER}/account", headers=copper.headers).status_code == 200


def test_sandbox_credentials_replace_the_codes_own(copper: CopperSandbox) -> None:
    made_up = {"X-PW-AccessToken": "hard-coded", "X-PW-Application": "developer_api",
               "X-PW-UserEmail": "dev@example.com"}  # fmt: skip
    with copper.redirect():
        assert requests.get(f"{COPPER}/account", headers=made_up).status_code == 401
    with copper.redirect(credentials="sandbox"):
        assert requests.get(f"{COPPER}/account", headers=made_up).status_code == 200


def test_other_hosts_pass_or_are_blocked(copper: CopperSandbox) -> None:
    with copper.redirect(block_network=True), pytest.raises(VerdigrisNetworkBlocked):
        requests.get("https://example.invalid/")
    with copper.redirect(block_network=True):  # loopback is never blocked
        assert requests.get(copper.url + "/_verdigris/health").status_code == 200


def test_a_configured_token_registered_for_the_account(copper: CopperSandbox) -> None:
    configured = {
        "X-PW-AccessToken": f"configured-{copper.account_id}-token",
        "X-PW-Application": "developer_api",
        "X-PW-UserEmail": "ci@example.com",
    }
    copper.add_token("ci@example.com", configured["X-PW-AccessToken"])
    with copper.redirect():
        answer = requests.get(f"{COPPER}/account", headers=configured)
    assert answer.status_code == 200 and answer.json()["id"] == copper.account_id
