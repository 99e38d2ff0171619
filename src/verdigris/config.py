"""Settings: built once by the CLI (or a test) and passed down; never a global."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_DB = "./verdigris.db"


def database_url(db: str | None) -> str:
    """Turn `--db` (a file path or a SQLAlchemy URL) into a SQLAlchemy URL."""
    value = db or os.environ.get("VERDIGRIS_DB") or DEFAULT_DB
    if "://" in value:
        if value.startswith(("postgresql://", "postgres://")):
            # The driver we ship is psycopg 3; plain postgresql:// would ask for psycopg2.
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    if value == ":memory:":
        return "sqlite://"
    return "sqlite:///" + str(Path(value).expanduser())


@dataclass(frozen=True)
class RateLimit:
    """At most `requests` per rolling `seconds`, per token."""

    requests: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        requests, _, seconds = text.partition("/")
        limit = cls(int(requests), float(seconds or 60))
        if limit.requests < 1 or limit.seconds <= 0:
            raise ValueError("rate limit must be REQUESTS/SECONDS with both above zero")
        return limit


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///" + DEFAULT_DB
    rate_limit: RateLimit | None = None
    migrate_on_start: bool = True
    lock_wait: float = 5.0
    """Seconds a request's write waits for SQLite's write lock before answering 503."""
    bulk_limit: int = 10
    """Items a bulk create or update may carry (Copper: 10)."""
    webhooks_allow_http: bool = False
    """Accept `http://` webhook targets (Copper takes https only)."""
    webhook_retries: int = 8
    """Tries of a notification before it is marked failed."""
    webhook_retry_base: float = 5.0
    """Seconds before the first retry; each later one waits twice as long."""
    webhooks_copper_mode: bool = False
    """One try, no retry, as Copper does."""
    webhook_poll: float = 0.5
    """Seconds between the sender's looks at the queue."""
    webhook_timeout: float = 10.0
    """Seconds a receiver has to answer a notification."""
    sender_in_app: bool = True
    """Run the webhook sender on the app's own event loop (tests, an embedded app).
    `verdigris serve` sets False and runs one sender process beside its workers."""
    server_gc: bool = False
    """Tune the cyclic garbage collector for a server process of its own (`verdigris
    serve`, `verdigris sandbox`): once started, what the process holds is left out of
    its full passes (`gc.freeze`, decision 0221), and its young passes wait for
    SERVER_GC_YOUNG objects (decision 0223). An app embedded in another program leaves
    that program's collector alone."""

    def dumps(self) -> str:
        """These settings as JSON: how `serve --workers N` hands them to its workers."""
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> Settings:
        values = json.loads(text)
        limit = values.pop("rate_limit")
        return cls(**values, rate_limit=RateLimit(**limit) if limit else None)

    @property
    def webhook_tries(self) -> int:
        return 1 if self.webhooks_copper_mode else max(1, self.webhook_retries)
