"""The shared sample account, for the benches that drive a real server with it: where it
is, the headers of its user Jim, and loading it into a database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "verdigris" / "demo" / "sample-account.json"
HEADERS = {
    "X-PW-AccessToken": "sample-token-jim",
    "X-PW-Application": "developer_api",
    "X-PW-UserEmail": "jim.halpert@dundermifflin.com",
}


def load_sample(dburl: str) -> None:
    """`verdigris load` the sample into `dburl`, replacing its accounts."""
    command = [sys.executable, "-m", "verdigris", "load", str(SAMPLE), "--db", dburl, "--replace"]
    subprocess.run(command, check=True, capture_output=True)
