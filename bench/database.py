"""The benchmark database: generate and load a dataset of N records, analyze, warm up.

Uses the colleagues' tools as a user would: `python -m bench.dataset` to generate and
`verdigris load` to load (or, until the CLI has `load`, the same loader in-process).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, make_url, text

from verdigris.storage.engine import create_db_engine

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent


def prepare(url: str, records: int) -> None:
    """Make sure the database holds at least `records` people and leads."""
    _create_postgres_database(url)
    engine = create_db_engine(url)
    if _people(engine) >= records:
        engine.dispose()
        return
    snapshot = DATA / f"dataset-{records}.json"
    if not snapshot.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        _run(
            [
                sys.executable,
                "-m",
                "bench.dataset",
                "--people",
                str(records),
                "--leads",
                str(records),
                "-o",
                str(snapshot),
            ]
        )
    _load(url, snapshot)
    analyze(engine)
    engine.dispose()


def _people(engine: Engine) -> int:
    if not inspect(engine).has_table("people"):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM people")).scalar_one())


def _create_postgres_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        ).first()
        if not found:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def _load(url: str, snapshot: Path) -> None:
    cli = ROOT / "src" / "verdigris" / "cli" / "main.py"
    exe = Path(sys.executable).with_name("verdigris")
    if exe.exists() and cli.exists() and "def load" in cli.read_text():
        _run([str(exe), "load", str(snapshot), "--db", url, "--replace"])
        return
    from verdigris.snapshot.load import load_snapshot
    from verdigris.storage.migrate import upgrade

    engine = create_db_engine(url)
    upgrade(engine)
    load_snapshot(engine, snapshot, replace=True)
    engine.dispose()


def _run(command: list[str]) -> None:
    print("$", " ".join(command), flush=True)
    start = time.monotonic()
    subprocess.run(command, check=True, cwd=ROOT)
    print(f"  ({time.monotonic() - start:.0f} s)", flush=True)


def analyze(engine: Engine) -> None:
    """PostgreSQL: VACUUM ANALYZE after the bulk load, as autovacuum soon would (the
    visibility map lets index-only scans skip the heap). SQLite: the loader's own ANALYZE."""
    if engine.dialect.name == "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


PREWARM = (
    "SELECT sum(pg_prewarm(c.oid::regclass, 'read')) FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')"
)


def warm(engine: Engine, url: str) -> None:
    """Warm cache: every table and index read once through the OS cache."""
    if engine.dialect.name != "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            conn.exec_driver_sql(PREWARM)
        return
    path = Path(make_url(url).database or "")
    for suffix in ("", "-wal"):
        file = path.with_name(path.name + suffix)
        if file.exists():
            with file.open("rb") as f:
                while f.read(1 << 24):
                    pass
