"""The webhook sender, part of `verdigris serve` (SPEC.md 8, decision 0801).

`serve` runs one sender in a process of its own beside its workers (`start_process`):
its rounds (bodies, HTTP, the queue's writes) never take the API's interpreter lock. An
app built with `sender_in_app` (tests, an embedded app) runs it as a task of its loop.

Every `webhook_poll` seconds it folds queued events into
deliveries and leases the due ones (storage/deliveries.py, in a worker thread: a write
that waits for the lock never blocks the event loop), then POSTs them concurrently with
a timeout, outside any transaction, and records each try. A slow or hanging receiver
costs the sender its timeout, never an API request its latency. Any number of workers
or servers may run senders on one database: a delivery is leased to one at a time.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import multiprocessing
import os
import signal
import time
from contextlib import suppress
from multiprocessing.process import BaseProcess

import httpx
from anyio import to_thread

from verdigris.config import Settings
from verdigris.storage import deliveries
from verdigris.storage.deliveries import Claimed, Outcome
from verdigris.storage.engine import (
    LOCK_POLL,
    Connection,
    Engine,
    create_db_engine,
    read,
    run_write,
)

log = logging.getLogger("verdigris.webhooks")


def signature_headers(delivery_id: str, body: bytes, secret: str, now: float) -> dict[str, str]:
    """Standard Webhooks headers: HMAC-SHA256 over `id.timestamp.body`, base64. A secret
    written `whsec_<base64>` is used as those bytes, as that scheme's libraries do."""
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    stamp = str(int(now))
    signed = f"{delivery_id}.{stamp}.".encode() + body
    digest = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {"webhook-id": delivery_id, "webhook-timestamp": stamp,
            "webhook-signature": f"v1,{digest}"}  # fmt: skip


class WebhookSender:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=settings.webhook_timeout, follow_redirects=False)

    async def run(self) -> None:
        """Until cancelled; an error in one round is logged, never fatal."""
        try:
            while True:
                try:
                    await self.round()
                except Exception:  # noqa: BLE001 - the sender must outlive any one failure
                    log.exception("webhook round failed")
                await asyncio.sleep(self.settings.webhook_poll)
        finally:
            await self.client.aclose()

    async def round(self) -> int:
        """Fold, lease, send and record once; returns how many were sent."""
        claimed = await to_thread.run_sync(self._claim)
        outcomes = await asyncio.gather(*(self._send(d) for d in claimed))
        if outcomes:
            await to_thread.run_sync(self._record, outcomes)
        return len(outcomes)

    def _claim(self) -> list[Claimed]:
        now = time.time()
        with read(self.engine) as conn:
            if not deliveries.has_work(conn, now):
                return []

        def work(conn: Connection) -> list[Claimed]:
            deliveries.give_way(conn)
            deliveries.fold_events(conn, now)
            return deliveries.claim_due(conn, now)

        return run_write(self.engine, work, self.settings.lock_wait)

    async def _send(self, delivery: Claimed) -> Outcome:
        headers = {**delivery.headers, "Content-Type": "application/json",
                   "Verdigris-Delivery": delivery.id}  # fmt: skip
        if delivery.signing_secret:
            headers |= signature_headers(delivery.id, delivery.body, delivery.signing_secret,
                                         time.time())  # fmt: skip
        started = time.perf_counter()
        status, error = None, None
        try:
            answer = await self.client.post(delivery.target, content=delivery.body, headers=headers)
            status = answer.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        elapsed = (time.perf_counter() - started) * 1000
        return Outcome(delivery.id, delivery.tries + 1, status, error, elapsed)

    def _record(self, outcomes: list[Outcome]) -> None:
        s = self.settings

        def work(conn: Connection) -> None:
            deliveries.give_way(conn)
            deliveries.record(conn, outcomes, time.time(), s.webhook_tries, s.webhook_retry_base)

        run_write(self.engine, work, s.lock_wait)


def start_process(settings: Settings) -> BaseProcess:
    """One sender in a process of its own. It stops when told (SIGTERM) and when its
    parent is gone, a kill -9 of the server included; its leased deliveries then lapse
    and are sent again by the next sender, under the same ids."""
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    process = context.Process(target=_sender_process, args=(settings.dumps(), os.getpid()),
                              name="verdigris-webhooks", daemon=True)  # fmt: skip
    process.start()
    return process


def _sender_process(settings_json: str, parent: int) -> None:
    logging.basicConfig(format="%(levelname)s: %(name)s: %(message)s")
    settings = Settings.loads(settings_json)
    # Its few writes meet the API's many on SQLite's lock from another process.
    engine = create_db_engine(settings.database_url, execution_options={LOCK_POLL: 0.0005})
    try:
        with suppress(KeyboardInterrupt):  # Ctrl-C reaches the whole process group
            asyncio.run(_until_orphaned(WebhookSender(engine, settings), parent))
    finally:
        engine.dispose()


async def _until_orphaned(sender: WebhookSender, parent: int) -> None:
    task = asyncio.create_task(sender.run())
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    while os.getppid() == parent and not task.done():
        await asyncio.wait([task], timeout=1.0)
    await stop(task)


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
