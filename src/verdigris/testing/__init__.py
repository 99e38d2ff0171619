"""Test code that calls Copper against a Verdigris sandbox (docs/testing.md).

- `mock_copper()`: a context manager and decorator giving a `CopperSandbox` (a fresh
  account of a sandbox started once per process, or of `VERDIGRIS_URL`), with the Copper
  hosts redirected to it;
- `redirect(url)`: only the redirect of api.copper.com / api.prosperworks.com;
- `start_sandbox()`, `connect(url, admin_token)`: a sandbox server to make accounts on;
- the pytest plugin (verdigris.testing.pytest_plugin): fixtures `copper_sandbox`,
  `copper_sandbox_factory`, `verdigris_server` and the `copper` marker.

Importing this package imports only the standard library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from verdigris.testing.mock import mock_copper
    from verdigris.testing.redirect import COPPER_HOSTS, VerdigrisNetworkBlocked, redirect
    from verdigris.testing.sandbox import CopperSandbox
    from verdigris.testing.server import SandboxServer, connect, start_sandbox

_WHERE = {
    "mock_copper": "verdigris.testing.mock",
    "redirect": "verdigris.testing.redirect",
    "COPPER_HOSTS": "verdigris.testing.redirect",
    "VerdigrisNetworkBlocked": "verdigris.testing.redirect",
    "CopperSandbox": "verdigris.testing.sandbox",
    "SandboxServer": "verdigris.testing.server",
    "connect": "verdigris.testing.server",
    "start_sandbox": "verdigris.testing.server",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'verdigris.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_WHERE[name]), name)


__all__ = [
    "COPPER_HOSTS",
    "CopperSandbox",
    "SandboxServer",
    "VerdigrisNetworkBlocked",
    "connect",
    "mock_copper",
    "redirect",
    "start_sandbox",
]
