"""What tests of the API share: the base path, the error check, and record factories over
HTTP (as a Copper client makes them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table

from tests.conftest import JIM
from verdigris.storage import schema
from verdigris.storage.accounts import create_account, create_user, issue_token
from verdigris.storage.engine import write

API = "/developer_api/v1"


def error(response: Any, status: int) -> str:
    """The message of an error answer, after checking its status and Copper's shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["status"] == status
    return str(body["message"])


def create(
    client: TestClient, plural: str, headers: dict[str, str] = JIM, **fields: Any
) -> dict[str, Any]:
    """A new record of `plural` (people, leads, companies...), which must succeed."""
    response = client.post(f"{API}/{plural}", json=fields, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def put(
    client: TestClient, plural: str, record_id: int, headers: dict[str, str] = JIM, **fields: Any
) -> Any:
    return client.put(f"{API}/{plural}/{record_id}", json=fields, headers=headers)


def custom_values(record: dict[str, Any]) -> dict[int, Any]:
    """A record's custom field values by definition id."""
    return {e["custom_field_definition_id"]: e["value"] for e in record["custom_fields"]}


# Key orders as SPEC.md 2 and 4 and copper-surface.md give them: what a client sees.
PERSON_KEYS = (
    "id", "name", "prefix", "first_name", "middle_name", "last_name", "suffix", "address",
    "assignee_id", "company_id", "company_name", "contact_type_id", "details", "emails",
    "phone_numbers", "socials", "tags", "title", "websites", "custom_fields", "date_created",
    "date_modified", "date_last_contacted", "interaction_count", "leads_converted_from",
    "date_lead_created",
)  # fmt: skip
LEAD_KEYS = (
    "id", "name", "prefix", "first_name", "last_name", "middle_name", "suffix", "address",
    "assignee_id", "company_name", "customer_source_id", "details", "email",
    "interaction_count", "monetary_unit", "monetary_value", "socials", "status", "status_id",
    "tags", "title", "websites", "phone_numbers", "custom_fields", "date_created",
    "date_modified", "date_last_contacted", "converted_opportunity_id", "converted_contact_id",
    "converted_at",
)  # fmt: skip
COMPANY_KEYS = (
    "id", "name", "address", "assignee_id", "contact_type_id", "details", "email_domain",
    "phone_numbers", "socials", "tags", "websites", "custom_fields", "interaction_count",
    "date_created", "date_modified",
)  # fmt: skip
OPPORTUNITY_KEYS = (
    "id", "name", "assignee_id", "close_date", "company_id", "company_name",
    "customer_source_id", "details", "loss_reason_id", "pipeline_id", "pipeline_stage_id",
    "primary_contact_id", "priority", "status", "tags", "interaction_count", "monetary_unit",
    "monetary_value", "converted_unit", "converted_value", "win_probability",
    "date_stage_changed", "date_last_contacted", "leads_converted_from", "date_lead_created",
    "date_created", "date_modified", "custom_fields",
)  # fmt: skip


def add_pipeline(engine: Engine, account_id: int, pipeline_id: int, stages: list[int]) -> None:
    """A pipeline with stages (ids given, 10% apart), for tests of opportunity stages."""
    base = {"account_id": account_id}
    with write(engine) as conn:
        conn.execute(schema.pipelines.insert(), base | {"id": pipeline_id, "name": "Sales"})
        if not stages:
            return
        conn.execute(
            schema.pipeline_stages.insert(),
            [base | {"id": s, "name": f"Stage {s}", "pipeline_id": pipeline_id,
                     "win_probability": 10 * i, "position": i} for i, s in enumerate(stages)],
        )  # fmt: skip


@dataclass(frozen=True)
class Owner:
    """An account, its owner's user id and the owner's X-PW headers."""

    account_id: int
    user_id: int
    headers: dict[str, str]


def new_account(engine: Engine, email: str) -> Owner:
    with write(engine) as conn:
        account_id = create_account(conn, f"Account of {email}", 0)
        user_id = create_user(conn, account_id, email, "Owner")
        token = issue_token(conn, account_id, user_id, 0)
    headers = {
        "X-PW-AccessToken": token,
        "X-PW-Application": "developer_api",
        "X-PW-UserEmail": email,
    }
    return Owner(account_id, user_id, headers)


def insert_rows(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    """Seed lookup rows (contact types, statuses...) that have no write route."""
    with write(engine) as conn:
        conn.execute(table.insert(), rows)
