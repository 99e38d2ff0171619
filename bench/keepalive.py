"""The one-client bench's HTTP client: one keep-alive connection from the standard library.

The one-client rows time the server: a full HTTP library spends its own time on every
request (URL and header models, hooks, decoding), on the same two cores as the server.
httpx added 0.43-0.49 ms to the median of a people search by email (one record; 2.5 ->
2.9 ms) and 0.77 ms to a page of 200 records against this client, the two alternating on
the same server and body (2026-12-07): as much as the whole SQL of most selective rows.
The load bench's clients are as lean, for the same reason (http_load.py).
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    total: str | None
    """The X-PW-TOTAL header, if any."""
    body: bytes


CLOSED_WHILE_IDLE = (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected)
"""What sending on a kept connection raises when the server closed it while it sat idle:
uvicorn closes a keep-alive connection after 5 s without a request, and the bench's
waits that long behind raw SQL of a few seconds (PostgreSQL's `three_broad` at 200:
2.4-3.8 s)."""


class KeepAlive:
    """POSTs over one connection, opened again after a failure."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._headers, self._timeout = headers, timeout
        self._conn: http.client.HTTPConnection | None = None

    def post(self, path: str, payload: bytes) -> Answer:
        """The answer; raises OSError or http.client.HTTPException when there is none. A
        kept connection the server closed while idle is opened again and the request sent
        once more, as HTTP clients do (the bench's requests are searches: they change
        nothing)."""
        kept = self._conn is not None
        try:
            return self._post(path, payload)
        except CLOSED_WHILE_IDLE:
            if not kept:
                raise
            return self._post(path, payload)

    def _post(self, path: str, payload: bytes) -> Answer:
        conn = self._conn or http.client.HTTPConnection(self._host, self._port, self._timeout)
        self._conn = conn
        try:
            conn.request("POST", path, payload, self._headers)
            response = conn.getresponse()
            answer = Answer(response.status, response.getheader("X-PW-TOTAL"), response.read())
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return answer

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> KeepAlive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
