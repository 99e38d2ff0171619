"""The kit's own HTTP calls to the sandbox: http.client from the standard library, the
class taken when this module is imported, so that mocks a test installs in requests,
httpx or aiohttp never catch them."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

_Connection = http.client.HTTPConnection


class SandboxError(RuntimeError):
    """The sandbox answered an admin call with an error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


def call(
    base_url: str, method: str, path: str, headers: dict[str, str] | None = None,
    body: Any = None, timeout: float = 30.0,
) -> Any:  # fmt: skip
    """`method path` on the sandbox; the JSON answer, or SandboxError."""
    parts = urlsplit(base_url)
    conn = _Connection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    data = None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    value = json.loads(raw) if raw else None
    if response.status >= 400:
        message = value.get("message") if isinstance(value, dict) else raw.decode()[:200]
        raise SandboxError(response.status, str(message))
    return value
