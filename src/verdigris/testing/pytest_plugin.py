"""pytest plugin (entry point `pytest11: verdigris`): Copper sandboxes for tests.

Fixtures: `verdigris_server` (session; one sandbox process per xdist worker, or the
shared one given by --verdigris-url), `copper_sandbox` (a fresh account per test,
set up by the `copper` marker), `copper_sandbox_factory` (several accounts). No
autouse fixture: a suite that asks for none of them is not touched. A failing test's
report gets a "Copper requests" section: its accounts' journals.

Importing this module imports only pytest and the standard library.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from verdigris.testing.sandbox import CopperSandbox
    from verdigris.testing.server import SandboxServer

SANDBOXES = pytest.StashKey[list["CopperSandbox"]]()
MARKER = (
    "copper(template='demo', redirect=None, credentials='pass', rate_limit=None, "
    "clock=None, faults=None): the copper_sandbox fixture's account: cloned from "
    "`template` (None: empty); `redirect` api.copper.com to it; `rate_limit` "
    "'180/60'; `clock` frozen at Unix seconds; `faults` a list of fault rules"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("verdigris", "Copper sandboxes (Verdigris)")
    group.addoption("--verdigris-url", default=os.environ.get("VERDIGRIS_URL"),
                    help="use this running sandbox (env VERDIGRIS_URL)")  # fmt: skip
    group.addoption("--verdigris-admin-token", default=os.environ.get("VERDIGRIS_ADMIN_TOKEN"),
                    help="its admin token (env VERDIGRIS_ADMIN_TOKEN)")  # fmt: skip
    group.addoption("--verdigris-load", action="append", default=[], metavar="FILE",
                    help="snapshot file to register as a template (repeatable)")  # fmt: skip
    group.addoption("--verdigris-dump-on-failure", metavar="DIR",
                    help="write a failing test's accounts as snapshots into DIR")  # fmt: skip
    group.addoption("--verdigris-keep", action="store_true",
                    help="keep test accounts (their ids and tokens are printed)")  # fmt: skip
    parser.addini("verdigris_template", "default template of copper_sandbox", default="demo")
    parser.addini("verdigris_redirect", "redirect Copper hosts for every copper_sandbox",
                  type="bool", default=False)  # fmt: skip
    parser.addini("verdigris_load", "snapshot files registered as templates", type="paths")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


@pytest.fixture(scope="session")
def verdigris_server(pytestconfig: pytest.Config) -> Iterator[SandboxServer]:
    """The sandbox of this session (of this xdist worker): started on a free port, or
    the one of --verdigris-url."""
    from verdigris.testing.server import connect, start_sandbox

    url = pytestconfig.getoption("verdigris_url")
    if url:
        yield connect(url, pytestconfig.getoption("verdigris_admin_token") or "")
        return
    loads = [*pytestconfig.getini("verdigris_load"), *pytestconfig.getoption("verdigris_load")]
    server = start_sandbox(loads=tuple(loads))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def copper_sandbox_factory(
    verdigris_server: SandboxServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., CopperSandbox]]:
    """`make(template=...)`: a new account per call, deleted after the test."""
    made = request.node.stash.setdefault(SANDBOXES, [])
    default = request.config.getini("verdigris_template")

    def make(template: str | None = default) -> CopperSandbox:
        sandbox = verdigris_server.new_account(template)
        made.append(sandbox)
        return sandbox

    yield make
    keep = request.config.getoption("verdigris_keep")
    for sandbox in made:
        if keep:
            print(f"\nkept {sandbox!r}: token {sandbox.token}, email {sandbox.email}")  # noqa: T201
        else:
            sandbox.delete()


@pytest.fixture
def copper_sandbox(
    copper_sandbox_factory: Callable[..., CopperSandbox], request: pytest.FixtureRequest
) -> Iterator[CopperSandbox]:
    """A fresh account, set up as the test's `copper` marker says."""
    options = _marker_options(request)
    template = options.get("template", request.config.getini("verdigris_template"))
    sandbox = copper_sandbox_factory(template)
    _apply(sandbox, options)
    redirect = options.get("redirect")
    if redirect is None:
        redirect = request.config.getini("verdigris_redirect")
    if not redirect:
        yield sandbox
        return
    with sandbox.redirect(options.get("credentials", "pass")):
        yield sandbox


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("copper"))):
        if marker.args:
            options["template"] = marker.args[0]
        options.update(marker.kwargs)
    return options


def _apply(sandbox: CopperSandbox, options: dict[str, Any]) -> None:
    if options.get("clock") is not None:
        sandbox.clock.freeze(options["clock"])
    limit = options.get("rate_limit")
    if limit:
        requests, _, seconds = str(limit).partition("/")
        sandbox.rate_limit(int(requests), float(seconds or 60))
    if options.get("faults"):
        sandbox.faults.add(*options["faults"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    sandboxes = item.stash.get(SANDBOXES, [])
    if report.when == "call" and report.failed and sandboxes:
        report.sections.append(("Copper requests", _journals(sandboxes)))
        folder = item.config.getoption("verdigris_dump_on_failure")
        if folder:
            _dump(Path(folder), item.nodeid, sandboxes)
    return report


def _dump(folder: Path, nodeid: str, sandboxes: list[CopperSandbox]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")
    for sandbox in sandboxes:
        with contextlib.suppress(Exception):  # the report must not fail the run
            path = folder / f"{stem}-account-{sandbox.account_id}.json"
            path.write_text(json.dumps(sandbox.dump(), indent=1))


def _journals(sandboxes: list[CopperSandbox]) -> str:
    lines: list[str] = []
    for sandbox in sandboxes:
        lines.append(f"account {sandbox.account_id} ({sandbox.template or 'empty'}):")
        try:
            lines += [_line(entry) for entry in sandbox.journal.entries()] or ["  (none)"]
        except Exception as error:  # the report must not fail the run
            lines.append(f"  journal unavailable: {error}")
    return "\n".join(lines)


def _line(entry: dict[str, Any]) -> str:
    paging = entry.get("paging")
    pages = f" page {paging['page_number']}x{paging['page_size']}" if paging else ""
    total = f" total {entry['total']}" if entry.get("total") is not None else ""
    fault = f" fault {entry['fault']}" if entry.get("fault") else ""
    return (f"  #{entry['seq']} {entry['method']} {entry['route']}{pages} -> "
            f"{entry['status']}{total}{fault} ({entry.get('duration_ms', 0):.1f} ms)")  # fmt: skip
