"""A small Copper contact sync, written as an integration would be (no Verdigris here)."""

from __future__ import annotations

import os
import time
from typing import Any

import requests

COPPER = "https://api.copper.com/developer_api/v1"
RETRIED = {429, 500, 502, 503, 504}
TRIES = 5


class CopperClient:
    def __init__(self, api_key: str, email: str, page_size: int = 200) -> None:
        self.session = requests.Session()
        self.session.headers.update({
            "X-PW-AccessToken": api_key,
            "X-PW-Application": "developer_api",
            "X-PW-UserEmail": email,
            "Content-Type": "application/json",
        })  # fmt: skip
        self.page_size = page_size

    @classmethod
    def from_env(cls, page_size: int = 200) -> CopperClient:
        return cls(os.environ["COPPER_API_KEY"], os.environ["COPPER_USER_EMAIL"], page_size)

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        """One API call, retried on 429 (waiting Retry-After) and 5xx (backing off)."""
        for attempt in range(1, TRIES + 1):
            response = self.session.request(method, COPPER + path, json=body, timeout=10)
            if response.status_code not in RETRIED or attempt == TRIES:
                return response
            wait = response.headers.get("Retry-After")
            time.sleep(float(wait) if wait is not None else 0.05 * 2**attempt)
        raise AssertionError("unreachable")

    def all_people(self) -> list[dict[str, Any]]:
        """Every person, page by page, each once even if records move between pages."""
        seen: dict[int, dict[str, Any]] = {}
        page = 1
        while True:
            body = {"page_size": self.page_size, "page_number": page, "sort_by": "name"}
            response = self.call("POST", "/people/search", body)
            response.raise_for_status()
            batch = response.json()
            for person in batch:
                seen.setdefault(person["id"], person)
            if len(batch) < self.page_size:
                return list(seen.values())
            page += 1

    def push_contact(self, name: str, email: str) -> dict[str, Any]:
        """Create the person unless one has the email; a lost answer is checked, not
        retried blindly (the write may have happened)."""
        existing = self._by_email(email)
        if existing is not None:
            return existing
        body = {"name": name, "emails": [{"email": email, "category": "work"}]}
        try:
            response = self.session.post(COPPER + "/people", json=body, timeout=10)
        except requests.ConnectionError:
            response = None
        if response is not None and response.ok:
            return dict(response.json())
        found = self._by_email(email)  # did it land anyway?
        if found is not None:
            return found
        created = self.call("POST", "/people", body)
        created.raise_for_status()
        return dict(created.json())

    def _by_email(self, email: str) -> dict[str, Any] | None:
        response = self.call("POST", "/people/fetch_by_email", {"email": email})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return dict(response.json())
