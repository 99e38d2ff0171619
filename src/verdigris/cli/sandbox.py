"""`verdigris sandbox`: the database, the templates, the admin token and the ready line."""

from __future__ import annotations

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

from verdigris.config import database_url
from verdigris.snapshot.templates import load_templates
from verdigris.storage.engine import Engine, create_db_engine
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
    workers: int = 1


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
    """Migrate, then load each file and register its accounts as templates."""
    if migrate:
        upgrade(engine)
    names: list[str] = []
    for name, path in loads:
        names += load_templates(engine, name, path)
    return names


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


def line_url(line: str) -> str:
    return str(json.loads(line)["url"])


def write_ready_file(path: Path, line: str) -> None:
    """Atomically: a reader never sees half of it."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(line + "\n")
    temporary.replace(path)


def run_sandbox(config: SandboxConfig, say: Any) -> None:
    from verdigris.api.app import create_app
    from verdigris.api.sandbox import SandboxOptions
    from verdigris.api.sandbox.server import (
        ENV_ADMIN_TOKEN,
        ENV_JOURNAL_LIMIT,
        bind,
        run,
        run_workers,
        sandbox_settings,
    )

    with database(config.db) as url:
        engine = create_db_engine(url)
        try:
            templates = prepare(engine, config.loads)
        finally:
            engine.dispose()
        token = config.admin_token or secrets.token_urlsafe(24)
        options = SandboxOptions(token, config.journal_limit, tuple(templates))
        app = create_app(sandbox_settings(url), sandbox=options)
        sock = bind(config.host, config.port)
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        line = ready_line(f"http://{shown}:{port}", token, templates, url)

        def ready() -> None:
            if config.ready_file is not None:
                write_ready_file(config.ready_file, line)
            say(line)

        try:
            if config.workers > 1:
                env = {"VERDIGRIS_DB": url, ENV_ADMIN_TOKEN: token,
                       ENV_JOURNAL_LIMIT: str(config.journal_limit)}  # fmt: skip
                shown_url = line_url(line)
                run_workers(env, config.workers, sock, shown_url, ready, config.exit_with_parent)
            else:
                run(app, sock, ready, config.exit_with_parent)
        finally:
            sock.close()
            if config.ready_file is not None:
                config.ready_file.unlink(missing_ok=True)
