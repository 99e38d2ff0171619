"""The one-client bench's HTTP client survives the server closing an idle connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bench.keepalive import KeepAlive


class _ClosesAfterEachAnswer(BaseHTTPRequestHandler):
    """Answers as HTTP/1.1 without `Connection: close`, then drops the connection: what a
    server's keep-alive timeout does to a client that waits too long."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-PW-TOTAL", "0")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ClosesAfterEachAnswer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_connection_closed_while_idle_is_opened_again(server: str) -> None:
    with KeepAlive(server, {"Content-Type": "application/json"}) as client:
        answers = [client.post("/search", b"{}") for _ in range(3)]
    assert [(a.status, a.total, a.body) for a in answers] == [(200, "0", b"[]")] * 3


def test_a_refused_connection_is_not_retried() -> None:
    with KeepAlive("http://127.0.0.1:9", {}) as client, pytest.raises(OSError):
        client.post("/search", b"{}")
