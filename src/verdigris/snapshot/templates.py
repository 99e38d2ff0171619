"""Snapshot files as sandbox templates: loaded beside what the database holds, each
account registered (storage/sandbox.py) as a template with a spare clone ready."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from verdigris.errors import SnapshotError, Unprocessable
from verdigris.snapshot.load import load_snapshot
from verdigris.storage import sandbox as store
from verdigris.storage.accounts import hash_token
from verdigris.storage.engine import read, write

if TYPE_CHECKING:
    from sqlalchemy import Engine


def load_templates(engine: Engine, name: str, source: Path | bytes) -> list[str]:
    """Load the snapshot and register its accounts as templates: `name` for the first,
    NAME-ID for the others. Their users' tokens work as after `verdigris load`."""
    with read(engine) as conn:
        if store.template_account(conn, name, missing_ok=True) is not None:
            raise Unprocessable(f"template {name!r} already exists")
    summary = load_snapshot(engine, _beside(engine, source))
    names: list[str] = []
    with write(engine) as conn:
        for n, account_id in enumerate(summary.accounts):
            template = name if n == 0 else f"{name}-{account_id}"
            store.ensure_settings(conn, account_id)
            store.register_template(conn, template, account_id)
            store.add_spares(conn, template)
            names.append(template)
    return names


def _beside(engine: Engine, source: Path | bytes) -> Path | io.BytesIO:
    """The snapshot, or (when its account ids or tokens are already in the database, as
    when two fixture files both use account 1) a copy with new account ids and without
    the tokens taken: a template only needs its records."""
    raw = source.read_bytes() if isinstance(source, Path) else source
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise SnapshotError(f"not a JSON snapshot: {error}") from None
    listed = document.get("accounts") if isinstance(document, dict) else None
    if not isinstance(listed, list):
        return io.BytesIO(raw)  # the loader names what is wrong
    ids = [a["id"] for a in listed if isinstance(a, dict) and isinstance(a.get("id"), int)]
    plain = [t for a in listed for u in _users(a) for t in u.get("api_tokens") or []]
    with write(engine) as conn:
        ids_taken, hashes_taken, largest = store.taken(conn, ids, [hash_token(t) for t in plain])
    if not ids_taken and not hashes_taken:
        return source if isinstance(source, Path) else io.BytesIO(raw)
    for account in listed:
        if account.get("id") in ids_taken:
            largest += 1
            account["id"] = largest
        for user in _users(account):
            kept = [t for t in user.get("api_tokens") or [] if hash_token(t) not in hashes_taken]
            user["api_tokens"] = kept
    return io.BytesIO(orjson.dumps(document))


def _users(account: Any) -> list[dict[str, Any]]:
    users = account.get("users") if isinstance(account, dict) else None
    return [u for u in users or [] if isinstance(u, dict)]
