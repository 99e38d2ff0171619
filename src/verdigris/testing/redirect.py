"""Send what code under test sends to Copper's hosts to a sandbox, over loopback.

`redirect(url)` patches, while it is active, the one seam each HTTP library sends
through: `requests.adapters.HTTPAdapter.send` (sessions made before activation
included), `httpx.HTTPTransport.handle_request` and
`httpx.AsyncHTTPTransport.handle_async_request`, `aiohttp.ClientSession._request` and
`urllib3.PoolManager.urlopen`. A request to `https://api.copper.com/...` or
`https://api.prosperworks.com/...` is sent, as a real HTTP request, to the same path
and query on the sandbox, with `X-Verdigris-Original-Url`; the client's retries,
timeouts and connection pools run for real. Other hosts pass through (or, with
`block_network=True`, raise VerdigrisNetworkBlocked). Libraries that are not installed
are skipped.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

COPPER_HOSTS = ("api.copper.com", "api.prosperworks.com")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
ORIGINAL_URL = "X-Verdigris-Original-Url"


class VerdigrisNetworkBlocked(ConnectionError):
    """A request to a host that is neither Copper's nor loopback, under block_network."""


@dataclass(frozen=True)
class Target:
    url: str
    hosts: frozenset[str]
    headers: dict[str, str] | None
    block_network: bool


_active: list[Target] = []
_restore: list[tuple[Any, str, Any]] = []


def rewrite(url: str) -> tuple[str, Target] | None:
    """The sandbox URL for `url` under the innermost active redirect, or None."""
    if not _active:
        return None
    target = _active[-1]
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in target.hosts and parts.port in (None, 80, 443):
        return target.url + parts.path + (f"?{parts.query}" if parts.query else ""), target
    if target.block_network and host not in LOOPBACK:
        raise VerdigrisNetworkBlocked(f"verdigris.testing blocked a request to {url}")
    return None


def _headers(target: Target, original: str) -> dict[str, str]:
    return {ORIGINAL_URL: original, **(target.headers or {})}


@contextmanager
def redirect(
    url: str,
    hosts: tuple[str, ...] = COPPER_HOSTS,
    headers: dict[str, str] | None = None,
    block_network: bool = False,
) -> Iterator[None]:
    """While active, requests to `hosts` go to the sandbox at `url` (its base URL,
    e.g. http://127.0.0.1:41873). `headers` replace those of redirected requests (for
    instance the sandbox account's token). Nested redirects: the innermost wins."""
    target = Target(url.rstrip("/"), frozenset(h.lower() for h in hosts), headers, block_network)
    if not _active:
        _install()
    _active.append(target)
    try:
        yield
    finally:
        _active.remove(target)
        if not _active:
            _uninstall()


def _install() -> None:
    for patch in (_patch_requests, _patch_urllib3, _patch_httpx, _patch_aiohttp):
        try:
            patch()
        except ImportError:
            continue


def _uninstall() -> None:
    while _restore:
        owner, name, original = _restore.pop()
        setattr(owner, name, original)


def _replace(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    original = owner.__dict__[name]
    _restore.append((owner, name, original))
    setattr(owner, name, make(original))


# -- requests -------------------------------------------------------------------------------


def _patch_requests() -> None:
    from requests.adapters import HTTPAdapter

    def make(original: Any) -> Any:
        def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            found = rewrite(request.url)
            if found is None:
                return original(self, request, *args, **kwargs)
            forwarded = request.copy()
            forwarded.url = found[0]
            forwarded.headers.update(_headers(found[1], request.url))
            # The session chose proxies for the original host; none apply to loopback.
            kwargs["proxies"] = {}
            response = original(self, forwarded, *args, **kwargs)
            response.url = request.url
            response.request = request
            return response

        return send

    _replace(HTTPAdapter, "send", make)


# -- urllib3 --------------------------------------------------------------------------------


def _patch_urllib3() -> None:
    from urllib3 import PoolManager

    def make(original: Any) -> Any:
        def urlopen(self: Any, method: str, url: str, redirect: bool = True, **kw: Any) -> Any:
            found = rewrite(url)
            if found is None:
                return original(self, method, url, redirect=redirect, **kw)
            headers = dict(kw.get("headers") or self.headers)
            headers.update(_headers(found[1], url))
            kw["headers"] = headers
            return original(self, method, found[0], redirect=redirect, **kw)

        return urlopen

    _replace(PoolManager, "urlopen", make)


# -- httpx ----------------------------------------------------------------------------------

_sync_forwarder: Any = None
_async_forwarders: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _forwarded_request(httpx: Any, request: Any, found: tuple[str, Target], content: bytes) -> Any:
    headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "host"]
    headers += list(_headers(found[1], str(request.url)).items())
    return httpx.Request(request.method, found[0], headers=headers, content=content,
                         extensions=request.extensions)  # fmt: skip


def _patch_httpx() -> None:
    import httpx

    def make_sync(original: Any) -> Any:
        def handle_request(self: Any, request: Any) -> Any:
            global _sync_forwarder
            found = rewrite(str(request.url))
            if found is None:
                return original(self, request)
            if _sync_forwarder is None:
                # The kit's own plain transport: the client's proxy, http2 or TLS
                # settings were for Copper's host, not for the sandbox.
                _sync_forwarder = httpx.HTTPTransport()
            forwarded = _forwarded_request(httpx, request, found, request.read())
            return original(_sync_forwarder, forwarded)

        return handle_request

    def make_async(original: Any) -> Any:
        async def handle_async_request(self: Any, request: Any) -> Any:
            found = rewrite(str(request.url))
            if found is None:
                return await original(self, request)
            # One transport per event loop: each test of pytest-asyncio has its own loop,
            # and a connection made on a closed loop cannot be used again.
            loop = asyncio.get_running_loop()
            forwarder = _async_forwarders.get(loop)
            if forwarder is None:
                forwarder = _async_forwarders[loop] = httpx.AsyncHTTPTransport()
            forwarded = _forwarded_request(httpx, request, found, await request.aread())
            return await original(forwarder, forwarded)

        return handle_async_request

    _replace(httpx.HTTPTransport, "handle_request", make_sync)
    _replace(httpx.AsyncHTTPTransport, "handle_async_request", make_async)


# -- aiohttp --------------------------------------------------------------------------------


def _patch_aiohttp() -> None:
    import aiohttp
    from yarl import URL

    def make(original: Any) -> Any:
        async def _request(self: Any, method: str, str_or_url: Any, **kwargs: Any) -> Any:
            build = getattr(self, "_build_url", None)
            url = build(str_or_url) if build is not None else URL(str_or_url)
            found = rewrite(str(url))
            if found is None:
                return await original(self, method, str_or_url, **kwargs)
            kwargs.pop("proxy", None)
            kwargs.pop("ssl", None)
            headers = dict(kwargs.get("headers") or {})
            headers.update(_headers(found[1], str(url)))
            kwargs["headers"] = headers
            return await original(self, method, URL(found[0], encoded=True), **kwargs)

        return _request

    _replace(aiohttp.ClientSession, "_request", make)
