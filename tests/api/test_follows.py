"""POST|DELETE /people/{id}/follow and /leads/{id}/follow: idempotent, per user, per account."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, error

ADMIN = {
    **JIM,
    "X-PW-AccessToken": "sample-token-admin",
    "X-PW-UserEmail": "admin@dundermifflin.com",
}


def followed_ids(client: TestClient, kind: str, headers: dict[str, str]) -> list[int] | None:
    found = client.post(f"{API}/{kind}/search", json={"followed": 1}, headers=headers)
    if found.status_code == 404:
        return None
    return sorted(r["id"] for r in found.json())


@pytest.mark.parametrize(("kind", "record_id"), [("people", 3), ("leads", 5)])
def test_follow_and_unfollow_are_idempotent(
    sample_client: TestClient, kind: str, record_id: int
) -> None:
    path = f"{API}/{kind}/{record_id}/follow"
    for _ in range(2):
        response = sample_client.post(path, headers=JIM)
        assert response.status_code == 200
        assert response.json() == {"id": record_id, "followed": True}
    if followed_ids(sample_client, kind, JIM) is not None:
        assert record_id in (followed_ids(sample_client, kind, JIM) or [])
        assert record_id not in (followed_ids(sample_client, kind, ADMIN) or [])
    for _ in range(2):
        response = sample_client.delete(path, headers=JIM)
        assert response.json() == {"id": record_id, "followed": False}
    assert record_id not in (followed_ids(sample_client, kind, JIM) or [])


@pytest.mark.parametrize("kind", ["people", "leads"])
def test_absent_and_other_accounts_records_are_404(sample_client: TestClient, kind: str) -> None:
    error(sample_client.post(f"{API}/{kind}/999/follow", headers=JIM), 404)
    error(sample_client.delete(f"{API}/{kind}/999/follow", headers=JIM), 404)
    error(sample_client.post(f"{API}/{kind}/5/follow", headers=OTHER), 404)
    error(sample_client.delete(f"{API}/{kind}/5/follow", headers=OTHER), 404)
    error(
        sample_client.post(f"{API}/{kind}/5/follow", headers={**JIM, "X-PW-AccessToken": "no"}), 401
    )
    error(sample_client.put(f"{API}/{kind}/5/follow", headers=JIM), 405)


def test_other_account_follows_its_own_leads(sample_client: TestClient) -> None:
    response = sample_client.post(f"{API}/leads/9150547/follow", headers=OTHER)
    assert response.json() == {"id": 9150547, "followed": True}
    error(sample_client.post(f"{API}/leads/9150547/follow", headers=JIM), 404)
