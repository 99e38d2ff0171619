"""Webhook delivery under load (issue 16): 100 writes/s for 60 s against a real
`verdigris serve`, with a person `new` subscription and without; every event must
arrive, delivery latency from the write's answer p50 < 500 ms and p99 < 2 s, and the
API's latency within 10% of the run without subscriptions.

    python -m bench.webhooks [--dburl URL] [--rate 100] [--seconds 60] [--pairs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.sample import HEADERS, load_sample
from bench.server import running
from bench.stats import percentile

ROOT = Path(__file__).resolve().parents[1]


class Receiver:
    """bench.webhook_receiver in a process of its own."""

    def __enter__(self) -> Receiver:
        self.folder = tempfile.mkdtemp()
        port_file = Path(self.folder) / "port"
        self.process = subprocess.Popen([sys.executable, "-m", "bench.webhook_receiver",
                                         str(port_file)], cwd=ROOT)  # fmt: skip
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline:
                raise RuntimeError("the receiver did not start")
            time.sleep(0.05)
        root = f"http://127.0.0.1:{port_file.read_text()}"
        self.url, self.arrivals_url = root + "/in", root + "/arrivals"
        return self

    def arrivals(self) -> dict[int, float]:
        found = orjson.loads(httpx.get(self.arrivals_url, timeout=30).content)
        return {int(k): v for k, v in found.items()}

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(10)


def _writes(base: str, rate: float, seconds: float) -> tuple[dict[int, float], list[float]]:
    """Creates at `rate` per second from 4 paced threads: when each answer came, and
    each request's latency."""
    answered: dict[int, float] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    threads = 4
    started = time.monotonic()

    def loop(number: int) -> None:
        with httpx.Client(base_url=base, headers=HEADERS, timeout=30) as http:
            for n in range(number, int(rate * seconds), threads):
                pause = started + n / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                sent = time.monotonic()
                answer = http.post("/people", json={"name": f"Hook Load {n}"})
                done = time.monotonic()
                with lock:
                    latencies.append((done - sent) * 1000)
                    if answer.status_code == 200:
                        answered[answer.json()["id"]] = done

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answered, latencies


def _run(dburl: str, rate: float, seconds: float, subscribe: bool) -> dict[str, Any]:
    load_sample(dburl)
    with Receiver() as receiver, running(dburl, serve_args=("--webhooks-allow-http",)) as root:
        base = root + "/developer_api/v1"
        if subscribe:
            body = {"target": receiver.url, "type": "person", "event": "new"}
            httpx.post(f"{base}/webhooks", json=body, headers=HEADERS).raise_for_status()
        answered, latencies = _writes(base, rate, seconds)
        deadline = time.monotonic() + 30
        arrived = receiver.arrivals()
        while subscribe and len(arrived) < len(answered) and time.monotonic() < deadline:
            time.sleep(0.2)
            arrived = receiver.arrivals()
    delays = [(arrived[i] - t) * 1000 for i, t in answered.items() if i in arrived]
    return {"writes": len(answered), "delivered": len(delays), "api": latencies,
            "delays": delays}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dburl", default=None, help="default: a new SQLite file")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pairs", type=int, default=1,
                        help="runs of each kind, alternated (the machine's noise between "
                             "two runs of the same kind is often above 10%%)")  # fmt: skip
    args = parser.parse_args()
    dburl = args.dburl or f"sqlite:///{Path(tempfile.mkdtemp()) / 'hooks.db'}"
    runs: dict[str, list[dict[str, Any]]] = {"no subscription": [], "person new subscription": []}
    for pair in range(args.pairs):
        # Each kind goes first in every other pair: what a run leaves (autovacuum work,
        # a warm cache) then favours neither.
        for subscribe in (False, True) if pair % 2 == 0 else (True, False):
            label = "person new subscription" if subscribe else "no subscription"
            runs[label].append(_run(dburl, args.rate, args.seconds, subscribe=subscribe))
    print("\n".join(_report(runs)))  # noqa: T201


def _report(runs: dict[str, list[dict[str, Any]]]) -> list[str]:
    """One line per run, then per kind the median of the runs' p50 and p99."""
    lines = [
        "| run | writes | delivered | API p50 ms | API p99 ms | delivery p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, kind in runs.items():
        for run in kind:
            delays = run["delays"]
            shown = (
                f"{percentile(delays, 50):.0f} | {percentile(delays, 99):.0f}"
                if delays else "- | -"
            )  # fmt: skip
            api = f"{percentile(run['api'], 50):.1f} | {percentile(run['api'], 99):.1f}"
            lines.append(
                f"| {label} | {run['writes']} | {run['delivered'] or '-'} | {api} | {shown} |"
            )
    lines += ["", "| kind | median API p50 ms | median API p99 ms |", "|---|---|---|"]
    for label, kind in runs.items():
        p50 = statistics.median(percentile(run["api"], 50) for run in kind)
        p99 = statistics.median(percentile(run["api"], 99) for run in kind)
        lines.append(f"| {label} | {p50:.1f} | {p99:.1f} |")
    return lines


if __name__ == "__main__":
    main()
