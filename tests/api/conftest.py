"""API fixtures: accounts made through storage.accounts, for tests on an empty database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, Table

from verdigris.storage.accounts import create_account, create_user, issue_token
from verdigris.storage.engine import write


@dataclass(frozen=True)
class Owner:
    """An account, its owner's user id and the owner's X-PW headers."""

    account_id: int
    user_id: int
    headers: dict[str, str]


def new_account(engine: Engine, email: str) -> Owner:
    with write(engine) as conn:
        account_id = create_account(conn, f"Account of {email}", 0)
        user_id = create_user(conn, account_id, email, "Owner")
        token = issue_token(conn, account_id, user_id, 0)
    headers = {
        "X-PW-AccessToken": token,
        "X-PW-Application": "developer_api",
        "X-PW-UserEmail": email,
    }
    return Owner(account_id, user_id, headers)


def insert_rows(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    """Seed lookup rows (contact types, statuses...) that have no write route."""
    with write(engine) as conn:
        conn.execute(table.insert(), rows)


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
