"""Every case of the shared conformance/cases.json, in-process, on every backend."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

CASES_FILE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text()) if CASES_FILE.exists() else []


def _headers(case: dict[str, Any]) -> dict[str, str]:
    return {
        "X-PW-AccessToken": case["token"],
        "X-PW-Application": "developer_api",
        "X-PW-UserEmail": case["email"],
    }


@pytest.mark.skipif(not CASES, reason=f"{CASES_FILE} is absent")
def test_every_case(sample_client: TestClient) -> None:
    """All cases against one loaded sample per backend; the failure lists every bad case."""
    failures = [problem for case in CASES if (problem := _check(sample_client, case))]
    assert not failures, f"{len(failures)} of {len(CASES)} cases fail:\n" + "\n".join(failures)


def _check(client: TestClient, case: dict[str, Any]) -> str | None:
    response = client.post(case["path"], json=case["body"], headers=_headers(case))
    name = case["name"]
    if response.status_code != case["status"]:
        return f"{name}: status {response.status_code}, want {case['status']}: {response.text}"
    body = response.json()
    if case["status"] != 200:
        ok = body.get("success") is False and body.get("status") == case["status"]
        return None if ok and body.get("message") else f"{name}: error body {body}"
    ids = [record["id"] for record in body]
    if ids != case["ids"]:
        return f"{name}: ids {ids}, want {case['ids']}"
    if response.headers.get("X-PW-TOTAL") != str(case["total"]):
        return f"{name}: X-PW-TOTAL {response.headers.get('X-PW-TOTAL')}, want {case['total']}"
    return None
