"""API fixtures: accounts made through storage.accounts, for tests on an empty database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.copper import Owner, new_account


@pytest.fixture
def owner(engine: Engine) -> Owner:
    """The owner of a new, empty account."""
    return new_account(engine, "owner@example.com")


@pytest.fixture
def auth(owner: Owner) -> dict[str, str]:
    return owner.headers


@pytest.fixture
def other(engine: Engine, owner: Owner) -> Owner:
    """Another account's owner (isolation tests)."""
    return new_account(engine, "someone@elsewhere.example")
