"""Accounts, users and API tokens. Tokens are stored as SHA-256 hashes only."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select

from verdigris.errors import NotFound, Unauthorized, Unprocessable
from verdigris.storage import schema
from verdigris.storage.lookup_rows import seed_defaults


@dataclass(frozen=True)
class Principal:
    """Who is asking: the token's user and the account everything is scoped to."""

    account_id: int
    user_id: int
    token_hash: str
    definitions_stamp: int
    """The account's definitions stamp when the token was read (definition_stamps.py)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _token_owner() -> Select[Any]:
    t, u, a = schema.api_tokens, schema.users, schema.accounts
    return (
        select(
            t.c.token_hash, t.c.account_id, t.c.user_id, u.c.email_key, a.c.definitions_stamp
        )  # fmt: skip
        .join(u, (u.c.account_id == t.c.account_id) & (u.c.id == t.c.user_id))
        .join(a, a.c.id == t.c.account_id)
        .where(t.c.token_hash == bindparam("digest"))
    )


_TOKEN_OWNER = _token_owner()  # built once: every request authenticates


def authenticate(conn: Connection, token: str, email: str) -> Principal:
    """The principal of a token whose owner has `email` (case-insensitive), else 401."""
    digest = hash_token(token)
    row = conn.execute(_TOKEN_OWNER, {"digest": digest}).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise Unauthorized("invalid X-PW-AccessToken")
    if not hmac.compare_digest(row.email_key.encode(), email.strip().casefold().encode()):
        raise Unauthorized("X-PW-UserEmail does not match the token's user")
    return Principal(row.account_id, row.user_id, digest, row.definitions_stamp)


def create_account(conn: Connection, name: str, now: int) -> int:
    """A new account, with Copper's default pipelines, loss reasons and activity types."""
    a = schema.accounts
    account_id = int(conn.execute(select(func.coalesce(func.max(a.c.id), 0) + 1)).scalar_one())
    conn.execute(a.insert(), {"id": account_id, "name": name})
    seed_defaults(conn, account_id)
    return account_id


def create_user(conn: Connection, account_id: int, email: str, name: str | None) -> int:
    u = schema.users
    taken = conn.execute(
        select(u.c.id).where(u.c.account_id == account_id, u.c.email_key == email.casefold())
    ).first()
    if taken:
        raise Unprocessable(f"user email {email!r} already exists in account {account_id}")
    user_id = int(conn.execute(select(func.coalesce(func.max(u.c.id), 0) + 1)).scalar_one())
    conn.execute(
        u.insert(),
        {"account_id": account_id, "id": user_id, "name": name or email, "email": email,
         "email_key": email.casefold()},
    )  # fmt: skip
    return user_id


def find_user_by_email(conn: Connection, email: str) -> tuple[int, int]:
    """(account id, user id) of the one user with this email, across accounts."""
    u = schema.users
    rows = conn.execute(
        select(u.c.account_id, u.c.id).where(u.c.email_key == email.casefold())
    ).all()
    if not rows:
        raise NotFound(f"no user with email {email!r}")
    if len(rows) > 1:
        raise Unprocessable(f"{email!r} is a user in several accounts")
    return rows[0].account_id, rows[0].id


def add_token_hash(conn: Connection, account_id: int, user_id: int, digest: str, now: int) -> None:
    conn.execute(
        schema.api_tokens.insert(),
        {"token_hash": digest, "account_id": account_id, "user_id": user_id, "created_at": now},
    )


def issue_token(conn: Connection, account_id: int, user_id: int, now: int) -> str:
    """A new token for the user: returned once, only its hash is stored."""
    token = new_token()
    add_token_hash(conn, account_id, user_id, hash_token(token), now)
    return token
