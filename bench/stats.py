"""Latency percentiles and the targets of issue 4, shared by the one-client and load runs."""

from __future__ import annotations

from bench import PAGE, SELECTIVE

P50_TARGET_MS = 5.0
P99_TARGET_MS = 150.0
RAW_RATIO, RAW_SLACK_MS = 1.5, 2.0


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile of `samples` (milliseconds), 0 for none."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(samples: list[float]) -> dict[str, float]:
    return {f"p{q}": round(percentile(samples, q), 2) for q in (50, 95, 99)} | {
        "max": round(max(samples, default=0.0), 2),
        "n": len(samples),
    }


def misses(kind: str, server: dict[str, float], raw: dict[str, float]) -> list[str]:
    """The targets a one-client row misses, as short labels."""
    found = []
    if kind in (PAGE, SELECTIVE) and server["p50"] >= P50_TARGET_MS:
        found.append("p50>=5")
    if server["p99"] >= P99_TARGET_MS:
        found.append("p99>=150")
    if raw["n"] and server["p50"] > RAW_RATIO * raw["p50"] + RAW_SLACK_MS:
        found.append(">1.5x raw")
    return found
