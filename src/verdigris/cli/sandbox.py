"""`verdigris sandbox`: the database, the templates, the admin token and the ready line."""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from verdigris.config import Settings, database_url
from verdigris.storage import sandbox as store
from verdigris.storage.accounts import hash_token
from verdigris.storage.engine import Engine, create_db_engine, write
from verdigris.storage.migrate import upgrade

RAM_DIRS = ("/dev/shm",)


@dataclass(frozen=True)
class SandboxConfig:
    db: str
    loads: list[tuple[str, Path]]
    admin_token: str | None
    host: str
    port: int
    ready_file: Path | None
    exit_with_parent: bool
    journal_limit: int


@contextmanager
def database(db: str) -> Iterator[str]:
    """The sandbox's database URL: `tmp` (default) a SQLite file in a private temporary
    directory, on a RAM disk where there is one, removed at exit; `memory` the same (one
    in-memory connection cannot serve worker threads); else a file path or a URL."""
    if db not in ("tmp", "memory"):
        yield database_url(db)
        return
    parent = next((d for d in RAM_DIRS if os.access(d, os.W_OK)), None)
    folder = tempfile.mkdtemp(prefix="verdigris-sandbox-", dir=parent)
    try:
        yield database_url(str(Path(folder) / "sandbox.db"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def prepare(engine: Engine, loads: list[tuple[str, Path]], migrate: bool = True) -> list[str]:
    """Migrate, load each file as it is, and register each of its accounts as a template
    (named after the file; its second and later accounts as NAME-ID)."""
    from verdigris.snapshot.load import load_snapshot

    if migrate:
        upgrade(engine)
    names: list[str] = []
    for name, path in loads:
        summary = load_snapshot(engine, _beside(engine, path))
        with write(engine) as conn:
            for n, account_id in enumerate(summary.accounts):
                template = name if n == 0 else f"{name}-{account_id}"
                store.ensure_settings(conn, account_id)
                store.register_template(conn, template, account_id)
                store.add_spares(conn, template)
                names.append(template)
    return names


def _beside(engine: Engine, path: Path) -> Path | io.BytesIO:
    """The file, or (when its account ids or tokens are already in the database, as
    when two fixture files both use account 1) a copy with new account ids and without
    the tokens taken: a template only needs its records."""
    document = orjson.loads(path.read_bytes())
    listed = document.get("accounts") if isinstance(document, dict) else None
    if not isinstance(listed, list):
        return path  # the loader names what is wrong
    ids = [a["id"] for a in listed if isinstance(a, dict) and isinstance(a.get("id"), int)]
    plain = [t for a in listed for u in a.get("users") or [] for t in u.get("api_tokens") or []]
    with write(engine) as conn:
        ids_taken, hashes_taken, largest = store.taken(conn, ids, [hash_token(t) for t in plain])
    if not ids_taken and not hashes_taken:
        return path
    for account in listed:
        if account.get("id") in ids_taken:
            largest += 1
            account["id"] = largest
        for user in account.get("users") or []:
            kept = [t for t in user.get("api_tokens") or [] if hash_token(t) not in hashes_taken]
            user["api_tokens"] = kept
    return io.BytesIO(orjson.dumps(document))


def ready_line(url: str, admin_token: str, templates: list[str], database_url: str) -> str:
    info: dict[str, Any] = {
        "verdigris": "ready",
        "url": url,
        "api": url + "/developer_api/v1",
        "admin_token": admin_token,
        "templates": templates,
        "pid": os.getpid(),
        "database": database_url.split("://", 1)[0],
    }
    return json.dumps(info)


def write_ready_file(path: Path, line: str) -> None:
    """Atomically: a reader never sees half of it."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(line + "\n")
    temporary.replace(path)


def run_sandbox(config: SandboxConfig, say: Any) -> None:
    from verdigris.api.app import create_app
    from verdigris.api.sandbox import SandboxOptions
    from verdigris.api.sandbox.server import bind, run

    with database(config.db) as url:
        engine = create_db_engine(url)
        try:
            templates = prepare(engine, config.loads)
        finally:
            engine.dispose()
        token = config.admin_token or secrets.token_urlsafe(24)
        options = SandboxOptions(token, config.journal_limit, tuple(templates))
        app = create_app(Settings(database_url=url, migrate_on_start=False), sandbox=options)
        sock = bind(config.host, config.port)
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        line = ready_line(f"http://{shown}:{port}", token, templates, url)

        def ready() -> None:
            if config.ready_file is not None:
                write_ready_file(config.ready_file, line)
            say(line)

        try:
            run(app, sock, ready, config.exit_with_parent)
        finally:
            sock.close()
            if config.ready_file is not None:
                config.ready_file.unlink(missing_ok=True)
