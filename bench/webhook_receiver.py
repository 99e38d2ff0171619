"""A webhook receiver for bench.webhooks, in a process of its own so that its work never
delays the clients whose latency the bench measures (they would share one GIL).

    python -m bench.webhook_receiver PORT_FILE

Answers every POST with 200, noting when each id first arrived (`time.monotonic()`, one
clock for every process of the machine); `GET /arrivals` answers `{id: seconds}`.
"""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson

arrivals: dict[int, float] = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = orjson.loads(self.rfile.read(int(self.headers["Content-Length"])))
        now = time.monotonic()
        with lock:
            for record_id in body["ids"]:
                arrivals.setdefault(record_id, now)
        self._answer(b"")

    def do_GET(self) -> None:  # noqa: N802
        with lock:
            shown = orjson.dumps(arrivals, option=orjson.OPT_NON_STR_KEYS)
        self._answer(shown)

    def _answer(self, content: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Path(sys.argv[1]).write_text(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
