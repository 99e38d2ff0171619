"""POST /leads/{id}/convert: person (+ company, + opportunity) from a lead in one
transaction; the lead is marked converted and leaves lead search."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from tests.conftest import JIM, OTHER
from tests.copper import API, add_pipeline, error
from verdigris.errors import Unprocessable
from verdigris.storage import conversions, schema
from verdigris.storage.engine import create_db_engine

NOW = 1_700_000_000


def convert(client: TestClient, lead_id: int, details: Any = None, headers: Any = JIM) -> Any:
    body = {} if details is None else {"details": details}
    return client.post(f"{API}/leads/{lead_id}/convert", json=body, headers=headers)


def state(db_url: str) -> dict[str, Any]:
    """Every row of the tables a conversion touches, to show that nothing changed."""
    engine = create_db_engine(db_url)
    tables = (schema.people, schema.leads, schema.companies, schema.opportunities,
              schema.value_counts, schema.record_emails, schema.name_tokens,
              schema.id_sequences, schema.followers)  # fmt: skip
    with engine.connect() as conn:
        result = {t.name: sorted(map(tuple, conn.execute(select(t)))) for t in tables}
    engine.dispose()
    return result


def lead_ids(client: TestClient, **body: Any) -> list[int]:
    found = client.post(f"{API}/leads/search", json=body, headers=JIM)
    return sorted(r["id"] for r in found.json())


def test_convert_with_company_and_opportunity(sample_client: TestClient, engine: Engine) -> None:
    add_pipeline(engine, 1, 1, [3, 2])
    details = {"person": {"title": "Sales"}, "company": {"name": "dunder mifflin (SAMPLE)"},
               "opportunity": {"name": "Pam's deal", "pipeline_stage_id": 3}}  # fmt: skip
    response = convert(sample_client, 5, details)
    assert response.status_code == 200, response.text
    result = response.json()
    assert list(result) == ["person", "company", "opportunity"]
    person, company, opp = result["person"], result["company"], result["opportunity"]
    assert company["id"] == 3  # the same-named company is linked, not duplicated
    assert person["name"] == "Pam Beesly (sample)" and person["title"] == "Sales"
    assert person["emails"] == [{"email": "pam@dundermifflin.com", "category": "work"}]
    assert person["phone_numbers"] == [{"number": "5105553333", "category": "work"}]
    assert person["tags"] == ["sample"] and person["company_id"] == 3
    assert person["leads_converted_from"] == [{"lead_id": 5, "converted_timestamp": NOW}]
    assert person["date_lead_created"] == 1515434872
    assert opp["primary_contact_id"] == person["id"] and opp["company_id"] == 3
    assert opp["name"] == "Pam's deal" and opp["monetary_value"] == 5000
    assert (opp["pipeline_id"], opp["pipeline_stage_id"], opp["win_probability"]) == (1, 3, 0)
    assert opp["leads_converted_from"] == [{"lead_id": 5, "converted_timestamp": NOW}]
    lead = sample_client.get(f"{API}/leads/5", headers=JIM).json()
    converted = (
        lead["converted_contact_id"],
        lead["converted_opportunity_id"],
        lead["converted_at"],
    )
    assert converted == (person["id"], opp["id"], NOW)
    assert sample_client.get(f"{API}/people/{person['id']}", headers=JIM).json() == person
    assert 5 not in lead_ids(sample_client)
    assert 5 in lead_ids(sample_client, include_converted_leads=True)
    error(convert(sample_client, 5), 422)


def test_converted_lead_leaves_counted_totals(sample_client: TestClient) -> None:
    open_before = sample_client.post(f"{API}/leads/search", json={"status_ids": [7]}, headers=JIM)
    assert convert(sample_client, 6).status_code == 200
    open_after = sample_client.post(f"{API}/leads/search", json={"status_ids": [7]}, headers=JIM)
    assert int(open_after.headers["X-PW-TOTAL"]) == int(open_before.headers["X-PW-TOTAL"]) - 1
    assert [r["id"] for r in open_after.json()] == [5]


def test_company_from_lead_company_name_or_none(sample_client: TestClient) -> None:
    result = convert(sample_client, 6).json()
    assert result["company"]["name"] == "Dunder Mifflin, Inc." and result["opportunity"] is None
    assert result["person"]["company_name"] == "Dunder Mifflin, Inc."
    # Pam's company_name is the same: the company made for Jim is reused.
    assert convert(sample_client, 5).json()["company"]["id"] == result["company"]["id"]
    plain = convert(sample_client, 12).json()
    assert plain["company"] is None and plain["person"]["company_id"] is None
    assert plain["person"]["emails"] == []


def test_company_by_id(sample_client: TestClient) -> None:
    result = convert(sample_client, 12, {"company": {"id": 2}}).json()
    assert result["company"]["name"] == "ProsperWorks"
    assert result["person"]["company_name"] == "ProsperWorks"


def test_failure_mid_convert_changes_nothing(
    sample_client: TestClient, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(db_url)

    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise Unprocessable("injected failure after the person and company were created")

    monkeypatch.setattr(conversions, "_opportunity", fail)
    details = {"company": {"name": "Brand New Co"}, "opportunity": {"name": "x"}}
    error(convert(sample_client, 5, details), 422)
    assert state(db_url) == before
    monkeypatch.undo()
    # A real error after the person exists: the opportunity's status is invalid.
    details = {"company": {"name": "Brand New Co"}, "opportunity": {"status": "Done"}}
    assert "status" in error(convert(sample_client, 5, details), 400)
    assert state(db_url) == before
    assert convert(sample_client, 5, {"opportunity": {}}).status_code == 200


def test_email_taken_by_a_person_is_422_unless_overridden(sample_client: TestClient) -> None:
    body = {"name": "Pam Halpert", "emails": [{"email": "PAM@dundermifflin.com"}]}
    assert sample_client.post(f"{API}/people", json=body, headers=JIM).status_code == 200
    error(convert(sample_client, 5), 422)
    override = {"person": {"emails": [], "name": "Pam B"}}
    person = convert(sample_client, 5, override).json()["person"]
    assert person["emails"] == [] and person["name"] == "Pam B" and person["last_name"] == "B"


def test_deleting_the_person_keeps_the_conversion(sample_client: TestClient) -> None:
    person = convert(sample_client, 12).json()["person"]
    assert sample_client.delete(f"{API}/people/{person['id']}", headers=JIM).status_code == 200
    lead = sample_client.get(f"{API}/leads/12", headers=JIM).json()
    assert lead["converted_contact_id"] == person["id"] and lead["converted_at"] == NOW
    error(convert(sample_client, 12), 422)


@pytest.mark.parametrize(
    ("details", "status"),
    [
        ({"company": {}}, 400), ({"company": {"id": 999}}, 400), ({"company": {"id": "2"}}, 400),
        ({"company": "Acme"}, 400), ({"person": {"name": 5}}, 400), ({"person": []}, 400),
        ({"opportunity": 3}, 400), ({"person": {"name": ""}}, 422),
    ],
)  # fmt: skip
def test_bad_details(sample_client: TestClient, db_url: str, details: Any, status: int) -> None:
    before = state(db_url)
    error(convert(sample_client, 5, details), status)
    assert state(db_url) == before


def test_errors_and_isolation(sample_client: TestClient) -> None:
    error(convert(sample_client, 999), 404)
    error(convert(sample_client, 9150547), 404)
    error(convert(sample_client, 5, headers=OTHER), 404)
    error(sample_client.post(f"{API}/leads/5/convert", json={"details": []}, headers=JIM), 400)
    error(sample_client.post(f"{API}/leads/5/convert", content=b"{", headers=JIM), 400)
    error(convert(sample_client, 5, headers={**JIM, "X-PW-UserEmail": "pam@x.com"}), 401)
    assert sample_client.get(f"{API}/leads/5", headers=JIM).json()["converted_at"] is None
    assert convert(sample_client, 9150547, headers=OTHER).status_code == 200
