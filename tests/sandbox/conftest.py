"""Sandbox fixtures: an in-process sandbox app on each backend, with the sample file
registered as the templates `demo` (account 1) and `demo-2`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SAMPLE, FakeClock
from verdigris.api.app import create_app
from verdigris.api.sandbox import SandboxOptions
from verdigris.cli.sandbox import prepare
from verdigris.config import Settings
from verdigris.storage.engine import create_db_engine

ADMIN_TOKEN = "admin-secret"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
API = "/developer_api/v1"


@dataclass
class Account:
    """A sandbox account as POST /_verdigris/accounts gives it."""

    client: TestClient
    info: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return dict(self.info["headers"])

    @property
    def id(self) -> int:
        return int(self.info["account_id"])

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, API + path, headers=self.headers, **kwargs)

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, "/_verdigris" + path, headers=self.headers, **kwargs)

    def journal(self, **params: Any) -> list[dict[str, Any]]:
        response = self.admin("GET", "/requests", params=params)
        assert response.status_code == 200, response.text
        return list(response.json())

    def faults(self, *rules: dict[str, Any]) -> Any:
        response = self.admin("POST", "/faults", json=list(rules))
        assert response.status_code == 201, response.text
        return response.json()


def sandbox_app(db_url: str, clock: Any, journal_limit: int = 10_000, reuse: bool = False) -> Any:
    """The sandbox app; `reuse`: another worker on a database already prepared."""
    templates: list[str] = ["demo", "demo-2"]
    if not reuse:
        engine = create_db_engine(db_url)
        templates = prepare(engine, [("demo", SAMPLE)], migrate=False)
        engine.dispose()
    options = SandboxOptions(ADMIN_TOKEN, journal_limit, tuple(templates))
    settings = Settings(database_url=db_url, migrate_on_start=False)
    return create_app(settings, clock=clock, sandbox=options)


@pytest.fixture
def sandbox(db_url: str, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(sandbox_app(db_url, clock), raise_server_exceptions=False) as client:
        yield client


def new_account(client: TestClient, template: str | None = "demo") -> Account:
    body = {} if template is None else {"template": template}
    response = client.post("/_verdigris/accounts", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    return Account(client, response.json())


@pytest.fixture
def account(sandbox: TestClient) -> Account:
    return new_account(sandbox)
