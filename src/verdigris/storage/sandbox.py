"""The sandbox's accounts: clone one account into another in one transaction, wipe,
delete; templates and checkpoints are hidden accounts that per-test accounts are copied
from and back to (docs/decisions/0901-accounts-cloned-in-sql.md).

The tables copied are every table of the schema with an `account_id` column, except
those marked `info={"not_cloned": True}` and the two whose keys are not the account's:
`api_tokens` (a clone gets fresh tokens) and `accounts` itself. New tables are followed
without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, func, literal, select, text, update

from verdigris.errors import NotFound, Unprocessable
from verdigris.storage import accounts, sandbox_tables, schema
from verdigris.storage.dialect import insert_ignore

_OWN_KEYS = {"api_tokens", "accounts"}


def cloned_tables() -> list[Table]:
    """The tables a clone copies, in dependency order."""
    return [
        t
        for t in schema.metadata.sorted_tables
        if "account_id" in t.c and not t.info.get("not_cloned") and t.name not in _OWN_KEYS
    ]


_CLONED: list[Table] | None = None


def _tables() -> list[Table]:
    global _CLONED
    if _CLONED is None:
        _CLONED = cloned_tables()
    return _CLONED


@dataclass(frozen=True)
class Minted:
    """A user of a new account and the token minted for it (shown once)."""

    user_id: int
    email: str
    token: str


def new_account_id(conn: Connection) -> int:
    """The next account id; PostgreSQL writers take a transaction lock for it."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(904)"))
    a = schema.accounts
    return int(conn.execute(select(func.coalesce(func.max(a.c.id), 0) + 1)).scalar_one())


def copy_account(conn: Connection, source: int, target: int, reset: bool = False) -> None:
    """Every cloned row of `source` into `target` (which holds none), same ids. On
    `reset` (target was wiped, source is an earlier state of it) tables marked
    `grows_only` are skipped: target's rows already hold source's."""
    for table in _tables():
        if reset and table.info.get("grows_only"):
            continue
        columns = [c for c in table.c if c.name != "account_id"]
        rows = select(literal(target).label("account_id"), *columns).where(
            table.c.account_id == source
        )
        conn.execute(table.insert().from_select(["account_id", *[c.name for c in columns]], rows))


def wipe_account(conn: Connection, account_id: int, reset: bool = False) -> None:
    """Every cloned row of the account; its tokens and settings stay (and, on `reset`,
    the rows of `grows_only` tables)."""
    for table in reversed(_tables()):
        if reset and table.info.get("grows_only"):
            continue
        conn.execute(delete(table).where(table.c.account_id == account_id))


def delete_account(conn: Connection, account_id: int) -> None:
    """The account and everything of it, tokens and sandbox rows included."""
    wipe_account(conn, account_id)
    tokens = select(schema.api_tokens.c.token_hash).where(
        schema.api_tokens.c.account_id == account_id
    )
    windows = schema.rate_limit_windows
    conn.execute(delete(windows).where(windows.c.token_hash.in_(tokens)))
    for table in schema.metadata.sorted_tables:
        if table.info.get("not_cloned") and "account_id" in table.c:
            conn.execute(delete(table).where(table.c.account_id == account_id))
    conn.execute(delete(schema.api_tokens).where(schema.api_tokens.c.account_id == account_id))
    conn.execute(delete(schema.accounts).where(schema.accounts.c.id == account_id))


def clone(
    conn: Connection, source: int, *, name: str, hidden: bool, template: str | None = None
) -> int:
    """A new account holding a copy of `source`; no tokens."""
    target = new_account_id(conn)
    conn.execute(schema.accounts.insert(), {"id": target, "name": name})
    copy_account(conn, source, target)
    conn.execute(
        sandbox_tables.sandbox_accounts.insert(),
        {"account_id": target, "template": template, "hidden": hidden, "spare": False,
         "clock_offset": 0.0, "rate_retry_after": True},
    )  # fmt: skip
    return target


def mint_tokens(conn: Connection, account_id: int, now: int) -> list[Minted]:
    """A fresh token for every user of the account."""
    u = schema.users
    users = conn.execute(
        select(u.c.id, u.c.email).where(u.c.account_id == account_id).order_by(u.c.id)
    ).all()
    return [
        Minted(row.id, row.email, accounts.issue_token(conn, account_id, row.id, now))
        for row in users
    ]


# -- Templates ------------------------------------------------------------------------------


def register_template(conn: Connection, name: str, source: int) -> int:
    """Copy `source` into a hidden account, kept as the template `name`."""
    if template_account(conn, name, missing_ok=True) is not None:
        raise Unprocessable(f"template {name!r} already exists")
    hidden = clone(conn, source, name=f"template {name}", hidden=True)
    conn.execute(sandbox_tables.sandbox_templates.insert(), {"name": name, "account_id": hidden})
    return hidden


def template_account(conn: Connection, name: str, missing_ok: bool = False) -> int | None:
    t = sandbox_tables.sandbox_templates
    found = conn.execute(select(t.c.account_id).where(t.c.name == name)).scalar()
    if found is None and not missing_ok:
        raise NotFound(f"no template {name!r}")
    return None if found is None else int(found)


def template_names(conn: Connection) -> list[str]:
    t = sandbox_tables.sandbox_templates
    return [str(n) for n in conn.execute(select(t.c.name).order_by(t.c.name)).scalars()]


def new_test_account(conn: Connection, template: str | None, name: str, now: int) -> int:
    """A visible account cloned from `template` (a spare when one is ready), or empty
    with Copper's defaults."""
    if template is None:
        account_id = accounts.create_account(conn, name, now)
        insert_ignore(conn, sandbox_tables.sandbox_accounts, [_settings_row(account_id, None)])
        return account_id
    source = template_account(conn, template)
    assert source is not None
    spare = take_spare(conn, template, name)
    if spare is not None:
        return spare
    return clone(conn, source, name=name, hidden=False, template=template)


# Spares: clones of a template made ahead of time (after an account is handed out), so
# that a new account is an UPDATE of two rows instead of a copy of the template.
SPARES = 1


def take_spare(conn: Connection, template: str, name: str) -> int | None:
    s = sandbox_tables.sandbox_accounts
    query = (
        select(s.c.account_id)
        .where(s.c.spare.is_(True), s.c.template == template)
        .order_by(s.c.account_id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    found = conn.execute(query).scalar()
    if found is None:
        return None
    conn.execute(update(s).where(s.c.account_id == found).values(spare=False, hidden=False))
    a = schema.accounts
    conn.execute(update(a).where(a.c.id == found).values(name=name))
    return int(found)


def add_spares(conn: Connection, template: str, wanted: int = SPARES) -> int:
    """Clone the template until it has `wanted` spares; how many were made."""
    s = sandbox_tables.sandbox_accounts
    held = conn.execute(
        select(func.count()).where(s.c.spare.is_(True), s.c.template == template)
    ).scalar_one()
    source = template_account(conn, template)
    assert source is not None
    for _ in range(wanted - int(held)):
        spare = clone(conn, source, name=f"spare {template}", hidden=True, template=template)
        conn.execute(update(s).where(s.c.account_id == spare).values(spare=True))
    return max(0, wanted - int(held))


def _settings_row(account_id: int, template: str | None) -> dict[str, Any]:
    return {"account_id": account_id, "template": template, "hidden": False, "spare": False,
            "clock_offset": 0.0, "rate_retry_after": True}  # fmt: skip


def ensure_settings(conn: Connection, account_id: int) -> None:
    """A settings row for an account that was loaded, not cloned."""
    insert_ignore(conn, sandbox_tables.sandbox_accounts, [_settings_row(account_id, None)])


def reset_account(conn: Connection, account_id: int, to: str | None) -> None:
    """Back to the template (`to` None or "template") or to a checkpoint, exactly."""
    source = _reset_source(conn, account_id, to)
    wipe_account(conn, account_id, reset=True)
    copy_account(conn, source, account_id, reset=True)


def _reset_source(conn: Connection, account_id: int, to: str | None) -> int:
    if to == "empty":
        raise Unprocessable("reset to empty is not supported: reset to a template")
    if to is not None and to != "template":
        return checkpoint_copy(conn, account_id, to)
    s = sandbox_tables.sandbox_accounts
    template = conn.execute(select(s.c.template).where(s.c.account_id == account_id)).scalar()
    if template is None:
        raise Unprocessable("this account was not cloned from a template")
    found = template_account(conn, str(template))
    assert found is not None  # template_account raises NotFound otherwise
    return found


# -- Checkpoints ----------------------------------------------------------------------------


def save_checkpoint(conn: Connection, account_id: int, name: str) -> None:
    """Copy the account now into a hidden account, named; a name again replaces it."""
    c = sandbox_tables.sandbox_checkpoints
    old = _checkpoint(conn, account_id, name)
    if old is not None:
        delete_account(conn, old)
        conn.execute(delete(c).where(c.c.account_id == account_id, c.c.name == name))
    copy_id = clone(conn, account_id, name=f"checkpoint {name}", hidden=True)
    conn.execute(c.insert(), {"account_id": account_id, "name": name, "copy_id": copy_id})


def _checkpoint(conn: Connection, account_id: int, name: str) -> int | None:
    c = sandbox_tables.sandbox_checkpoints
    found = conn.execute(
        select(c.c.copy_id).where(c.c.account_id == account_id, c.c.name == name)
    ).scalar()
    return None if found is None else int(found)


def checkpoint_copy(conn: Connection, account_id: int, name: str) -> int:
    found = _checkpoint(conn, account_id, name)
    if found is None:
        raise NotFound(f"no checkpoint {name!r}")
    return found


def checkpoint_names(conn: Connection, account_id: int) -> list[str]:
    c = sandbox_tables.sandbox_checkpoints
    query = select(c.c.name).where(c.c.account_id == account_id).order_by(c.c.name)
    return [str(n) for n in conn.execute(query).scalars()]


def delete_checkpoint(conn: Connection, account_id: int, name: str) -> None:
    copy_id = checkpoint_copy(conn, account_id, name)
    delete_account(conn, copy_id)
    c = sandbox_tables.sandbox_checkpoints
    conn.execute(delete(c).where(c.c.account_id == account_id, c.c.name == name))


def drop_account(conn: Connection, account_id: int) -> None:
    """Delete a visible account and its checkpoints (404 for a template or unknown id)."""
    revoke_account(conn, account_id)
    purge_account(conn, account_id)


def revoke_account(conn: Connection, account_id: int) -> None:
    """The first half of a delete, quick: the account's tokens go (401 from now on) and
    it is hidden; `purge_account` removes its rows later."""
    s = sandbox_tables.sandbox_accounts
    hidden = conn.execute(select(s.c.hidden).where(s.c.account_id == account_id)).scalar()
    if hidden is None or hidden:
        raise NotFound(f"no sandbox account {account_id}")
    t = schema.api_tokens
    tokens = select(t.c.token_hash).where(t.c.account_id == account_id)
    windows = schema.rate_limit_windows
    conn.execute(delete(windows).where(windows.c.token_hash.in_(tokens)))
    conn.execute(delete(t).where(t.c.account_id == account_id))
    conn.execute(update(s).where(s.c.account_id == account_id).values(hidden=True))


def purge_account(conn: Connection, account_id: int) -> None:
    for name in checkpoint_names(conn, account_id):
        delete_checkpoint(conn, account_id, name)
    delete_account(conn, account_id)


# -- Settings: clock and rate limit ---------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the sandbox keeps per account: its clock and its rate limit."""

    account_id: int
    frozen_at: float | None
    clock_offset: float
    rate_requests: int | None
    rate_seconds: float | None
    rate_retry_after: bool

    def now(self, real: float) -> float:
        return self.frozen_at if self.frozen_at is not None else real + self.clock_offset


_SETTINGS = select(
    schema.api_tokens.c.account_id,
    sandbox_tables.sandbox_accounts.c.frozen_at,
    sandbox_tables.sandbox_accounts.c.clock_offset,
    sandbox_tables.sandbox_accounts.c.rate_requests,
    sandbox_tables.sandbox_accounts.c.rate_seconds,
    sandbox_tables.sandbox_accounts.c.rate_retry_after,
).outerjoin(
    sandbox_tables.sandbox_accounts,
    sandbox_tables.sandbox_accounts.c.account_id == schema.api_tokens.c.account_id,
)


def settings_of_token(conn: Connection, token_hash: str) -> Settings | None:
    """The settings of the token's account (defaults when it has none); None: no such token."""
    row = conn.execute(_SETTINGS.where(schema.api_tokens.c.token_hash == token_hash)).first()
    if row is None:
        return None
    return Settings(
        int(row.account_id), row.frozen_at, float(row.clock_offset or 0.0), row.rate_requests,
        row.rate_seconds, True if row.rate_retry_after is None else bool(row.rate_retry_after),
    )  # fmt: skip


def settings_of(conn: Connection, account_id: int) -> Settings:
    s = sandbox_tables.sandbox_accounts
    row = conn.execute(select(s).where(s.c.account_id == account_id)).first()
    if row is None:
        return Settings(account_id, None, 0.0, None, None, True)
    return Settings(account_id, row.frozen_at, row.clock_offset, row.rate_requests,
                    row.rate_seconds, bool(row.rate_retry_after))  # fmt: skip


def update_settings(conn: Connection, account_id: int, values: dict[str, Any]) -> None:
    ensure_settings(conn, account_id)
    s = sandbox_tables.sandbox_accounts
    conn.execute(update(s).where(s.c.account_id == account_id).values(**values))


def visible_accounts(conn: Connection) -> list[dict[str, Any]]:
    a, s = schema.accounts, sandbox_tables.sandbox_accounts
    query = (
        select(a.c.id, a.c.name, s.c.template)
        .outerjoin(s, s.c.account_id == a.c.id)
        .where(s.c.hidden.is_not(True))
        .order_by(a.c.id)
    )
    return [{"account_id": r.id, "name": r.name, "template": r.template}
            for r in conn.execute(query)]  # fmt: skip


def taken(
    conn: Connection, account_ids: list[int], token_hashes: list[str]
) -> tuple[set[int], set[str], int]:
    """Which of these account ids and token hashes the database holds, and its largest
    account id (a template file is loaded beside what is there)."""
    a, t = schema.accounts, schema.api_tokens
    ids = {int(i) for i in conn.execute(select(a.c.id).where(a.c.id.in_(account_ids))).scalars()}
    hashes = set(
        conn.execute(select(t.c.token_hash).where(t.c.token_hash.in_(token_hashes))).scalars()
    )
    largest = int(conn.execute(select(func.coalesce(func.max(a.c.id), 0))).scalar_one())
    return ids, hashes, largest


def user_by_email(conn: Connection, account_id: int, email: str) -> int | None:
    u = schema.users
    query = select(u.c.id).where(u.c.account_id == account_id, u.c.email_key == email.casefold())
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def taken_token(conn: Connection, token_hash: str) -> bool:
    t = schema.api_tokens
    return (
        conn.execute(select(t.c.token_hash).where(t.c.token_hash == token_hash)).first() is not None
    )
