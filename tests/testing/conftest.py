"""A sandbox process shared by the kit's tests (started once per session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from verdigris.testing.sandbox import CopperSandbox
from verdigris.testing.server import SandboxServer, start_sandbox


@pytest.fixture(scope="session")
def kit_server() -> Iterator[SandboxServer]:
    server = start_sandbox()
    yield server
    server.stop()


@pytest.fixture
def copper(kit_server: SandboxServer) -> Iterator[CopperSandbox]:
    sandbox = kit_server.new_account("demo")
    yield sandbox
    sandbox.delete()
