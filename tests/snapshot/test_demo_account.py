"""`serve --demo`'s account: the shared sample plus some of every other kind."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import JIM, SAMPLE
from tests.copper import API
from verdigris.api.app import create_app
from verdigris.config import Settings
from verdigris.snapshot.load import load_snapshot

DEMO = SAMPLE.with_name("demo-account.json")
WORK = ("tasks", "projects", "relations")


def test_demo_is_the_sample_plus_work() -> None:
    sample, demo = (json.loads(Path(p).read_text()) for p in (SAMPLE, DEMO))
    for given, shown in zip(sample["accounts"], demo["accounts"], strict=True):
        assert {k: v for k, v in shown.items() if k not in WORK} == given
    assert all(demo["accounts"][0][kind] for kind in WORK)


def test_demo_shows_tasks_projects_and_related_items(db_url: str, engine: Engine) -> None:
    load_snapshot(engine, DEMO)
    settings = Settings(database_url=db_url, migrate_on_start=False)
    with TestClient(create_app(settings)) as client:
        tasks = client.post(f"{API}/tasks/search", json={}, headers=JIM)
        assert tasks.headers["X-PW-TOTAL"] == "3"
        project = client.get(f"{API}/projects/1/related", headers=JIM).json()
        assert {(r["type"], r["id"]) for r in project} >= {("person", 7), ("opportunity", 4)}
        assert client.get(f"{API}/pipelines", headers=JIM).json()
