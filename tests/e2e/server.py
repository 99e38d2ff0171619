"""A real `verdigris serve` on 127.0.0.1 holding the shared sample account."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import SAMPLE

CLI = [sys.executable, "-m", "verdigris"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read().decode() if process.stdout else "exited")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("server did not start")


def load_sample(db: str) -> None:
    subprocess.run([*CLI, "load", str(SAMPLE), "--db", db], check=True, capture_output=True)


def start_server(db: str, *serve_args: str) -> tuple[subprocess.Popen[bytes], str]:
    """`verdigris serve` on `db` in a process group of its own (so a test can kill -9 it
    and its workers at once), ready; returns it and its root URL."""
    port = free_port()
    process = subprocess.Popen(
        [*CLI, "serve", "--db", db, "--port", str(port), *serve_args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    wait_for(port, process)
    return process, f"http://127.0.0.1:{port}"


def kill_9(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server and its workers: no shutdown code runs."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


@contextmanager
def running_server(db: str, *serve_args: str) -> Iterator[str]:
    """Load the sample into `db` (a file or URL), serve it, yield the server's root URL."""
    load_sample(db)
    process, url = start_server(db, *serve_args)
    try:
        yield url
    finally:
        stop(process)
