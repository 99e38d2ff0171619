"""Company and opportunity search over HTTP, as clients use it (copper-surface section 9):
a filter or sort key of each kind on the sample, names shown from other records kept in
step, email domains unique, close dates; the 400s; the whole space of bodies is
tests/search/test_company_properties.py's."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, create, error, put


def search(client: TestClient, plural: str, headers: dict[str, str] = JIM, **body: Any) -> Any:
    response = client.post(f"{API}/{plural}/search", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()], int(response.headers["X-PW-TOTAL"])


def test_company_filters(sample_client: TestClient) -> None:
    assert search(sample_client, "companies", email_domains="DunderMifflin.com ") == ([3], 1)
    domains = ["prosperworks.com", "nope.example"]
    assert search(sample_client, "companies", email_domains=domains) == ([2], 1)
    assert search(sample_client, "companies", contact_type_ids=[6]) == ([4], 1)
    assert search(sample_client, "companies", contact_type_ids=[-2]) == ([2], 1)
    assert search(sample_client, "companies", city={"value": "scranton"}) == ([3], 1)
    assert search(sample_client, "companies", tags={"value": ["customer"]}) == ([3, 4], 2)
    assert search(sample_client, "companies", phone_number="(415) 355-4776") == ([3], 1)
    assert search(sample_client, "companies", maximum_created_date=1_500_000_000) == ([2], 1)
    assert search(sample_client, "companies", ids=[2, 3], name="SAMPLE") == ([3], 1)


def test_company_sorts(sample_client: TestClient) -> None:
    # tap-copper sends sort_by date_modified to every search; it is also the default
    assert search(sample_client, "companies", sort_by="date_modified")[0] == [2, 3, 4]
    assert search(sample_client, "companies")[0] == [2, 3, 4]
    assert search(sample_client, "companies", sort_by="email_domain")[0] == [3, 2, 4]
    assert search(sample_client, "companies", sort_by="contact_group")[0] == [3, 4, 2]
    assert search(sample_client, "companies", sort_by="contact", sort_direction="desc")[0] == [
        4, 2, 3
    ]  # fmt: skip
    assert search(sample_client, "companies", sort_by="primary_website")[0] == [2, 3, 4]
    error(sample_client.post(f"{API}/companies/search", json={"sort_by": "email"}, headers=JIM),
          400)  # fmt: skip


@pytest.mark.parametrize(
    ("plural", "body"),
    [
        ("companies", {"email_domains": 5}), ("companies", {"contact_type_ids": "x"}),
        ("companies", {"followed": 3}), ("companies", {"age": "1"}),
        ("opportunities", {"status_ids": [4]}), ("opportunities", {"priority_ids": [-2]}),
        ("opportunities", {"priorities": ["Urgent"]}),
        ("opportunities", {"minimum_close_date": "1/1/2018"}),
        ("opportunities", {"maximum_monetary_value": "5"}),
        ("opportunities", {"loss_reason_ids": [True]}), ("opportunities", {"sort_by": "email"}),
    ],
)  # fmt: skip
def test_bad_filters_are_400(sample_client: TestClient, plural: str, body: dict[str, Any]) -> None:
    message = error(sample_client.post(f"{API}/{plural}/search", json=body, headers=JIM), 400)
    assert next(iter(body)) in message


def test_email_domain_is_a_unique_key(sample_client: TestClient) -> None:
    taken = {"name": "Dunder Clone", "email_domain": " DUNDERMIFFLIN.com"}
    response = sample_client.post(f"{API}/companies", json=taken, headers=JIM)
    assert "email_domain" in error(response, 422)
    assert "email_domain" in error(
        put(sample_client, "companies", 4, email_domain="ProsperWorks.COM"), 422
    )
    assert put(sample_client, "companies", 3, email_domain="DunderMifflin.com").status_code == 200
    mine = sample_client.post(f"{API}/companies", json=taken, headers=OTHER)
    assert mine.status_code == 200  # another account's domains are its own
    assert put(sample_client, "companies", 3, email_domain=None).status_code == 200
    assert create(sample_client, "companies", **taken)["email_domain"] == " DUNDERMIFFLIN.com"


def test_opportunity_filters(sample_client: TestClient) -> None:
    assert search(sample_client, "opportunities", status_ids=[2]) == ([5], 1)
    assert search(sample_client, "opportunities", status_ids=[0, 2]) == ([5, 4], 2)
    assert search(sample_client, "opportunities", priority_ids=[3]) == ([5], 1)
    assert search(sample_client, "opportunities", priorities=["high", "LOW"]) == ([5], 1)
    assert search(sample_client, "opportunities", pipeline_stage_ids=[13]) == ([4], 1)
    assert search(sample_client, "opportunities", loss_reason_ids=[-2]) == ([4], 1)
    assert search(sample_client, "opportunities", company_ids=[4]) == ([5], 1)
    assert search(sample_client, "opportunities", customer_source_ids=[-2]) == ([5], 1)
    assert search(sample_client, "opportunities", primary_contact_ids=[3]) == ([5], 1)
    jan_14 = 1_515_888_000
    assert search(sample_client, "opportunities", minimum_close_date=jan_14) == ([4], 1)
    assert search(sample_client, "opportunities", maximum_close_date=jan_14) == ([5], 1)
    assert search(sample_client, "opportunities", minimum_monetary_value=60_000) == ([4], 1)
    bounds = {"minimum_stage_change_date": 1_515_434_870, "maximum_interaction_count": 0}
    assert search(sample_client, "opportunities", **bounds) == ([5], 1)


def test_opportunity_sorts(sample_client: TestClient) -> None:
    assert search(sample_client, "opportunities", sort_by="close_date")[0] == [5, 4]
    assert search(sample_client, "opportunities", sort_by="status")[0] == [4, 5]
    assert search(sample_client, "opportunities", sort_by="priority", sort_direction="desc")[0] == [
        5,
        4,
    ]
    assert search(sample_client, "opportunities", sort_by="company_name")[0] == [4, 5]
    assert search(sample_client, "opportunities", sort_by="win_probability")[0] == [5, 4]
    assert search(sample_client, "opportunities", sort_by="inactive_days")[0] == [4, 5]


def test_shown_names_sort_as_they_are_now(sample_client: TestClient) -> None:
    """Company names and primary contacts sort by their current names: renamed, deleted."""
    assert search(sample_client, "opportunities", sort_by="account")[0] == [4, 5]
    put(sample_client, "companies", 4, name="Acme (formerly Sabre)")
    assert search(sample_client, "opportunities", sort_by="account")[0] == [5, 4]
    assert search(sample_client, "opportunities", sort_by="contact")[0] == [5, 4]  # Jon, Pam
    put(sample_client, "people", 5, first_name="Aaron", last_name="Beesly")
    assert search(sample_client, "opportunities", sort_by="primary_contact")[0] == [4, 5]
    sample_client.delete(f"{API}/companies/3", headers=JIM)
    assert search(sample_client, "opportunities", sort_by="company_name")[0] == [5, 4]
    put(sample_client, "opportunities", 4, company_id=2)
    assert search(sample_client, "opportunities", sort_by="company_name")[0] == [5, 4]
    put(sample_client, "companies", 2, name="0 First")
    assert search(sample_client, "opportunities", sort_by="company_name")[0] == [4, 5]


def test_close_dates_are_dates(sample_client: TestClient) -> None:
    padded = create(sample_client, "opportunities", name="A", close_date="01/05/2018")
    assert padded["close_date"] == "1/5/2018"
    iso = create(sample_client, "opportunities", name="B", close_date="2018-01-06")
    assert iso["close_date"] == "1/6/2018"
    found = search(sample_client, "opportunities", sort_by="close_date", sort_direction="desc")
    assert found[0][:4] == [4, 5, iso["id"], padded["id"]]
    cleared = put(sample_client, "opportunities", iso["id"], close_date=None).json()
    assert cleared["close_date"] is None
    assert "close_date" in error(put(sample_client, "opportunities", 4, close_date=20180105), 400)
