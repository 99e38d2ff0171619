"""Time `verdigris load` of a generated snapshot into SQLite and PostgreSQL: seconds and
peak RSS of the loading process, as a user would run it.

    python -m bench.load --file bench/data/dataset-1000000.json --sqlite /tmp/load.db \
        --postgres postgresql://postgres@127.0.0.1:5432/verdigris_load
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from verdigris.config import database_url

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(url: str) -> None:
    """An empty database at `url` (a removed SQLite file, a recreated PostgreSQL db)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def timed_load(snapshot: Path, db: str) -> tuple[list[str], float, float]:
    """(command, wall seconds, peak RSS MB of the child) of one `verdigris load`."""
    exe = str(Path(sys.executable).with_name("verdigris"))
    command = [exe, "load", str(snapshot), "--db", db]
    subprocess.run([exe, "migrate", "--db", db], check=True, cwd=ROOT, capture_output=True)
    start = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return command, seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--sqlite", help="SQLite file to (re)create")
    parser.add_argument("--postgres", help="PostgreSQL URL of a database to (re)create")
    args = parser.parse_args()
    size = args.file.stat().st_size / 1e6
    for db in filter(None, (args.sqlite, args.postgres)):
        fresh_database(database_url(db))
        command, seconds, peak = timed_load(args.file, db)
        print(f"{' '.join(command)}\n  {size:.0f} MB file: {seconds:.1f} s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
