"""The database an end-to-end test serves: the shared sample, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import new_postgres_database
from tests.e2e.server import load_sample


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A file path or URL holding the sample account, for `verdigris serve --db`."""
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("e2e") / "served.db")
        load_sample(db)
        yield db
        return
    with new_postgres_database() as url:
        load_sample(url)
        yield url
