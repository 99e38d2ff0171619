"""CopperSandbox: one account of a sandbox, with its credentials and its controls."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from verdigris.testing._http import call

if TYPE_CHECKING:
    from verdigris.testing.server import SandboxServer

Request = tuple[str, str, Any]
"""(method, path relative to /developer_api/v1, JSON body)."""


def parse_spec(spec: str | None) -> dict[str, Any]:
    """`"POST /people/search"`, `"/people/{id}"`, `"GET"` or `"*"` as a pattern."""
    if spec is None or spec.strip() in ("", "*"):
        return {}
    method, _, route = spec.strip().partition(" ")
    if method.startswith("/"):
        return {"route": method}
    pattern: dict[str, Any] = {"method": method.upper()}
    if route.strip():
        pattern["route"] = route.strip()
    return pattern


class CopperSandbox:
    """An account of the sandbox: `api_url`, `token`, `email`, `headers` for the code
    under test; `faults`, `journal`, `clock`, `reset`, `checkpoint`, `restore`, `dump`
    to control and inspect it."""

    def __init__(self, server: SandboxServer, info: dict[str, Any]) -> None:
        self.server = server
        self.info = info
        self.account_id: int = info["account_id"]
        self.template: str | None = info.get("template")
        self.token: str = info["token"]
        self.email: str = info["email"]
        self.users: list[dict[str, Any]] = info["users"]
        self.faults = Faults(self)
        self.journal = Journal(self)
        self.clock = Clock(self)

    def __repr__(self) -> str:
        return f"CopperSandbox(account_id={self.account_id}, api_url={self.api_url!r})"

    @property
    def api_url(self) -> str:
        return self.server.api_url

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def headers(self) -> dict[str, str]:
        return {"X-PW-AccessToken": self.token, "X-PW-Application": "developer_api",
                "X-PW-UserEmail": self.email, "Content-Type": "application/json"}  # fmt: skip

    def env(self, api_key: str = "COPPER_API_KEY", email: str = "COPPER_USER_EMAIL",
            url: str | None = None) -> dict[str, str]:  # fmt: skip
        """Environment variables for code that reads its Copper credentials there."""
        values = {api_key: self.token, email: self.email}
        if url:
            values[url] = self.api_url
        return values

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """`method /_verdigris{path}` as this account."""
        return call(self.url, method, "/_verdigris" + path, self.headers, body)

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """A Copper API call as this account (the kit's own client: not redirected)."""
        return call(self.url, method, "/developer_api/v1" + path, self.headers, body)

    def redirect(self, credentials: str = "pass",
                 block_network: bool = False) -> AbstractContextManager[None]:  # fmt: skip
        """Send the code's calls to api.copper.com / api.prosperworks.com here.
        `credentials="sandbox"` replaces the token and email they carry with this
        account's."""
        from verdigris.testing.redirect import redirect

        headers = None
        if credentials == "sandbox":
            headers = {"X-PW-AccessToken": self.token, "X-PW-UserEmail": self.email}
        return redirect(self.url, headers=headers, block_network=block_network)

    def add_token(self, email: str, token: str | None = None) -> str:
        """A token for the account's user `email` (made when new): the value the code
        under test has configured, or a new one; returned."""
        body = {"email": email} if token is None else {"email": email, "token": token}
        return str(self.admin("POST", "/account/tokens", body)["token"])

    def reset(self, to: str | None = None) -> None:
        """Back to the template (or to a checkpoint), ids included."""
        self.admin("POST", "/account/reset", {} if to is None else {"to": to})

    def checkpoint(self, name: str) -> None:
        self.admin("POST", "/account/checkpoints", {"name": name})

    def restore(self, name: str) -> None:
        self.admin("POST", f"/account/checkpoints/{name}/restore")

    def dump(self) -> dict[str, Any]:
        """The account as a verdigris-snapshot/1 document."""
        return dict(self.admin("GET", "/account/dump"))

    def rate_limit(self, requests: int = 180, seconds: float = 60,
                   retry_after: bool = True) -> None:  # fmt: skip
        """Copper's rolling rate limit on this account (180 per 60 s by default)."""
        body = {"requests": requests, "seconds": seconds,
                "retry_after": "seconds" if retry_after else None}  # fmt: skip
        self.admin("PUT", "/rate-limit", body)

    def no_rate_limit(self) -> None:
        self.admin("DELETE", "/rate-limit")

    def delete(self) -> None:
        self.server.admin("DELETE", f"/accounts/{self.account_id}")


class Faults:
    """The account's fault rules (docs/testing.md, "Faults")."""

    def __init__(self, sandbox: CopperSandbox) -> None:
        self._sandbox = sandbox

    def add(self, *rules: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self._sandbox.admin("POST", "/faults", list(rules)))

    def _rule(self, spec: str | None, then: dict[str, Any], **options: Any) -> dict[str, Any]:
        match = parse_spec(spec)
        body = options.pop("body", None)
        if body is not None:
            match["body"] = body
        rule = {"match": match, "then": then}
        rule.update({k: v for k, v in options.items() if v is not None})
        self.add(rule)
        return rule

    def fail(self, spec: str | None = None, status: int = 503, *, retry_after: int | None = None,
             times: int | None = None, after: int = 0, body: Any = None,
             response: Any = "copper", probability: float | None = None,
             seed: int | None = None, id: str | None = None) -> dict[str, Any]:  # fmt: skip
        """Answer matching requests with `status` (and `Retry-After` when given);
        `response`: "copper" (Copper's error JSON), "html", "empty" or any JSON."""
        then = {"type": "status", "status": status, "retry_after": retry_after,
                "body": response}  # fmt: skip
        return self._rule(spec, then, times=times, after=after, body=body,
                          probability=probability, seed=seed, id=id)  # fmt: skip

    def delay(self, spec: str | None = None, ms: int = 300, *, times: int | None = None,
              after: int = 0, body: Any = None) -> dict[str, Any]:  # fmt: skip
        return self._rule(spec, {"type": "delay", "ms": ms}, times=times, after=after, body=body)

    def drop(self, spec: str | None = None, how: str = "close", *, times: int | None = 1,
             after: int = 0, body: Any = None) -> dict[str, Any]:  # fmt: skip
        """A network failure: `close` (no byte), `truncate` (half a body), `hang`."""
        return self._rule(spec, {"type": "drop", "how": how}, times=times, after=after, body=body)

    def ghost_write(self, spec: str = "POST /people", status: int = 504, *,
                    times: int | None = 1, body: Any = None) -> dict[str, Any]:  # fmt: skip
        """The write commits, the client sees `status`."""
        then = {"type": "commit_then_fail", "status": status}
        return self._rule(spec, then, times=times, body=body)

    def interleave(self, spec: str | None = None, *, before: Sequence[Request] = (),
                   after: Sequence[Request] = (), body: Any = None,
                   times: int | None = 1) -> dict[str, Any]:  # fmt: skip
        """Run other API calls (as the same user) just before or after a matching request:
        records that appear or vanish between two pages."""
        rule: dict[str, Any] = {}
        for when, requests in (("before", before), ("after", after)):
            if requests:
                then = {"type": "interleave", "when": when, "requests": [
                    {"method": m, "path": p, "body": b} for m, p, b in requests]}  # fmt: skip
                rule = self._rule(spec, then, times=times, body=body)
        return rule

    def total(self, spec: str | None = None, *, add: int | None = None,
              set: int | None = None) -> dict[str, Any]:  # fmt: skip
        """Rewrite X-PW-TOTAL only (Copper calls it an upper bound)."""
        then = {"type": "total", **({"add": add} if add is not None else {"set": set})}
        return self._rule(spec, then)

    def preset(self, name: str, seed: int = 0) -> None:
        """A named set of rules: `flaky-5xx` (10 % 502 with a gateway's HTML page, 2 %
        dropped connections), `slow` (300 ms on every request), `timeouts` (5 % of
        requests never answered), `pagination-drift` (3 people that sort first appear
        just before page 2 of a people search), `copper-rate-limit` (180 per 60 s)."""
        if name == "copper-rate-limit":
            self._sandbox.rate_limit(180, 60)
            return
        drift = [("POST", "/people", {"name": f"Aaa Drift {n}"}) for n in range(3)]
        rules: dict[str, Any] = {
            "flaky-5xx": [
                {"probability": 0.1, "seed": seed,
                 "then": {"type": "status", "status": 502, "body": "html"}},
                {"probability": 0.02, "seed": seed + 1, "then": {"type": "drop", "how": "close"}},
            ],
            "slow": [{"then": {"type": "delay", "ms": 300}}],
            "timeouts": [{"probability": 0.05, "seed": seed,
                          "then": {"type": "drop", "how": "hang"}}],
            "pagination-drift": [{
                "match": {"method": "POST", "route": "/people/search",
                          "body": {"page_number": 2}},
                "times": 1,
                "then": {"type": "interleave", "requests": [
                    {"method": m, "path": p, "body": b} for m, p, b in drift]},
            }],
        }  # fmt: skip
        if name not in rules:
            raise ValueError(f"no preset {name!r}: one of {', '.join(sorted(rules))}")
        self.add(*rules[name])

    def list(self) -> list[dict[str, Any]]:
        return list(self._sandbox.admin("GET", "/faults"))

    def clear(self) -> None:
        self._sandbox.admin("DELETE", "/faults")

    def assert_all_fired(self) -> None:
        """Every counted rule fired as often as it was set to (`times`)."""
        unfired = [r for r in self.list() if r.get("times") and r["fired"] < r["times"]]
        assert not unfired, f"fault rules that did not fire as set: {unfired}"


class Journal:
    """The account's request journal (docs/testing.md, "Journal")."""

    def __init__(self, sandbox: CopperSandbox) -> None:
        self._sandbox = sandbox

    def entries(self, since: int = 0) -> list[dict[str, Any]]:
        return list(self._sandbox.admin("GET", f"/requests?since={since}&limit=10000"))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self.entries())

    def find(self, spec: str | None = None, **pattern: Any) -> list[dict[str, Any]]:
        """Entries matching `"METHOD /route"` and pattern fields: `body`, `query`,
        `status`, `user_email` (route templates: `/people/{id}`, `*`)."""
        return list(self._sandbox.admin("POST", "/requests/find", _pattern(spec, pattern)))

    def count(self, spec: str | None = None, **pattern: Any) -> int:
        answer = self._sandbox.admin("POST", "/requests/count", _pattern(spec, pattern))
        return int(answer["count"])

    def assert_called(self, spec: str | None = None, times: int | None = None,
                      **pattern: Any) -> None:  # fmt: skip
        n = self.count(spec, **pattern)
        assert (n >= 1) if times is None else (n == times), (
            f"{spec or 'any request'} {pattern or ''} was made {n} times"
            + ("" if times is None else f", expected {times}")
        )

    def pages(self, spec: str | None = None) -> list[int]:
        """The page numbers asked, in order (a client that never moves on shows [1, 1])."""
        return [e["paging"]["page_number"] for e in self.find(spec) if e.get("paging")]

    def effects(self) -> list[dict[str, Any]]:
        """Records created, updated and deleted, in order, across the journal."""
        return [effect for entry in self.entries() for effect in entry.get("effects") or []]

    def clear(self) -> None:
        self._sandbox.admin("DELETE", "/requests")


def _pattern(spec: str | None, pattern: dict[str, Any]) -> dict[str, Any]:
    return {**parse_spec(spec), **pattern}


class Clock:
    """The account's clock: frozen, advanced, or real."""

    def __init__(self, sandbox: CopperSandbox) -> None:
        self._sandbox = sandbox

    def now(self) -> int:
        return int(self._sandbox.admin("GET", "/clock")["now"])

    def freeze(self, at: float | None = None) -> int:
        """Freeze at `at` (Unix seconds; default: now)."""
        body = {"frozen_at": self.now() if at is None else at}
        return int(self._sandbox.admin("PUT", "/clock", body)["now"])

    def advance(self, seconds: float) -> int:
        return int(self._sandbox.admin("POST", "/clock/advance", {"seconds": seconds})["now"])

    def real(self) -> None:
        self._sandbox.admin("DELETE", "/clock")
