"""Start and stop a real `verdigris serve` on 127.0.0.1 for the benchmark, nothing else."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command(dburl: str, port: int, workers: int) -> list[str]:
    """`verdigris serve` once the CLI has it; until then the same app straight from uvicorn."""
    cli = ROOT / "src" / "verdigris" / "cli" / "main.py"
    exe = Path(sys.executable).with_name("verdigris")
    if exe.exists() and cli.exists() and "def serve" in cli.read_text():
        return [str(exe), "serve", "--db", dburl, "--port", str(port), "--workers", str(workers)]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "verdigris.api.app:app_from_env",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


@contextmanager
def running(
    dburl: str, workers: int = 1, timeout: float = 120.0, serve_args: tuple[str, ...] = ()
) -> Iterator[str]:
    """A server on a free port for the duration of the block; yields its base URL."""
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"serve-{port}.log"
    log = log_path.open("wb")
    env = {**os.environ, "VERDIGRIS_DB": dburl}
    command = [*serve_command(dburl, port, workers), *serve_args]
    proc = subprocess.Popen(command, stdout=log, stderr=log, env=env)
    try:
        _wait(port, proc, timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        if log_path.stat().st_size == 0:
            log_path.unlink()


def _wait(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"server exited with {proc.returncode}; see {LOG_DIR}/serve-{port}.log"
            )
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server not listening on {port} after {timeout:.0f}s")
