"""Time `verdigris load` of a generated snapshot into SQLite and PostgreSQL: seconds and
peak RSS of the loading process, as a user would run it.

The load forks a reader process, so two peaks are printed: the largest single process
(getrusage) and the sum over the process tree (sampled every 0.2 s), the one to hold
under 1 GB. The load average is printed too: the machine is often shared.

    python -m bench.load --file bench/data/dataset-1000000.json --sqlite /tmp/load.db \
        --postgres postgresql://postgres@127.0.0.1:5432/verdigris_load
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
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


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and its descendants (0 once gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        pending += [int(c) for c in children]
    return total


def _sample_tree(pid: int, peak: list[int], done: threading.Event) -> None:
    while not done.wait(0.2):
        peak[0] = max(peak[0], _tree_rss(pid))


def timed_load(snapshot: Path, db: str) -> tuple[list[str], float, float, float]:
    """(command, wall seconds, peak RSS MB of the largest process, peak MB of the
    process tree) of one `verdigris load`."""
    exe = str(Path(sys.executable).with_name("verdigris"))
    command = [exe, "load", str(snapshot), "--db", db]
    subprocess.run([exe, "migrate", "--db", db], check=True, cwd=ROOT, capture_output=True)
    start = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT)
    peak, done = [0], threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(child.pid, peak, done), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return command, seconds, usage.ru_maxrss / 1024, peak[0] / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--sqlite", help="SQLite file to (re)create")
    parser.add_argument("--postgres", help="PostgreSQL URL of a database to (re)create")
    args = parser.parse_args()
    size = args.file.stat().st_size / 1e6
    for db in filter(None, (args.sqlite, args.postgres)):
        fresh_database(database_url(db))
        before = os.getloadavg()[0]
        command, seconds, peak, tree = timed_load(args.file, db)
        after = os.getloadavg()[0]
        print(
            f"{' '.join(command)}\n  {size:.0f} MB file: {seconds:.1f} s, peak RSS {peak:.0f} MB"
            f" (process tree {tree:.0f} MB), load average {before:.1f} -> {after:.1f}"
        )


if __name__ == "__main__":
    main()
