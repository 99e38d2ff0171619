"""A server process of its own (`verdigris serve`, `verdigris sandbox`, their workers)
takes what start-up leaves out of the garbage collector's full passes, and lets a
request's objects be before a young pass walks them; an app embedded in another program
leaves that program's collector as it found it (decisions 0221, 0223)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.copper import API, Owner
from verdigris.api import app as app_module
from verdigris.api.app import SERVER_GC_YOUNG, WORKER_SETTINGS, create_app
from verdigris.api.sandbox import server as sandbox_server
from verdigris.config import Settings


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()  # what a test froze is the test process's to collect again
    gc.set_threshold(*threshold)


def test_a_server_process_tunes_its_collector(db_url: str, owner: Owner) -> None:
    settings = Settings(database_url=db_url, migrate_on_start=False, server_gc=True)
    with TestClient(create_app(settings)) as client:
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == SERVER_GC_YOUNG
        found = client.post(f"{API}/people/search", json={}, headers=owner.headers)
        assert found.status_code == 200


def test_an_embedded_app_leaves_the_collector_alone(db_url: str, owner: Owner) -> None:
    threshold = gc.get_threshold()
    settings = Settings(database_url=db_url, migrate_on_start=False)
    with TestClient(create_app(settings)) as client:
        client.post(f"{API}/people/search", json={}, headers=owner.headers)
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == threshold


def test_workers_are_server_processes(monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    handed = Settings(database_url=db_url, migrate_on_start=False, server_gc=True)
    monkeypatch.setenv(WORKER_SETTINGS, handed.dumps())
    assert app_module.app_from_env().state.settings.server_gc
    monkeypatch.delenv(WORKER_SETTINGS)
    monkeypatch.setenv("VERDIGRIS_DB", db_url)
    assert app_module.app_from_env().state.settings.server_gc


def test_sandbox_workers_run_as_one_sandbox_does(
    monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    monkeypatch.setenv("VERDIGRIS_DB", db_url)
    monkeypatch.setenv(sandbox_server.ENV_ADMIN_TOKEN, "admin-token")
    settings = sandbox_server.app_from_env().state.settings
    assert settings.server_gc
    assert settings.webhooks_allow_http  # as with one worker (cli/sandbox.py)
