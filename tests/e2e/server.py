"""A real `verdigris serve` on 127.0.0.1 holding the shared sample account."""

from __future__ import annotations

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


@contextmanager
def running_server(db: str, *serve_args: str) -> Iterator[str]:
    """Load the sample into `db` (a file or URL), serve it, yield the server's root URL."""
    subprocess.run([*CLI, "load", str(SAMPLE), "--db", db], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [*CLI, "serve", "--db", db, "--port", str(port), *serve_args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
