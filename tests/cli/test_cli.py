"""The `verdigris` command, through Typer's CliRunner, on each backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.conftest import SAMPLE
from verdigris.cli.main import app
from verdigris.config import RateLimit, Settings, database_url
from verdigris.storage import activity_types, pipelines
from verdigris.storage.accounts import authenticate
from verdigris.storage.engine import create_db_engine
from verdigris.storage.schema import metadata

runner = CliRunner()


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database the CLI migrates itself (a file path for SQLite, as users type)."""
    if db_url.startswith("sqlite"):
        yield str(tmp_path / "cli.db")
        return
    engine = create_db_engine(db_url)
    metadata.drop_all(engine)
    yield db_url
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    metadata.create_all(engine)  # as the shared fixture expects it
    engine.dispose()


def _field(output: str, name: str) -> str:
    return next(line.split(": ", 1)[1] for line in output.splitlines() if line.startswith(name))


def test_migrate(db: str) -> None:
    result = runner.invoke(app, ["migrate", "--db", db])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_accounts_create_prints_a_working_token(db: str) -> None:
    result = runner.invoke(
        app, ["accounts", "create", "Acme", "--user-email", "ops@acme.example", "--db", db]
    )
    assert result.exit_code == 0, result.output
    token = _field(result.output, "token")
    more = runner.invoke(app, ["tokens", "create", "--user-email", "OPS@acme.example", "--db", db])
    assert more.exit_code == 0, more.output
    engine = create_db_engine(database_url(db))
    with engine.connect() as conn:
        for t in (token, _field(more.output, "token")):
            principal = authenticate(conn, t, "ops@acme.example")
            assert principal.account_id == int(_field(result.output, "account id"))
        # Copper's defaults come with a new account
        found = pipelines.pipelines(conn, principal.account_id)
        assert [p["name"] for p in found] == ["Sales", "Business Development"]
        assert [t["name"] for t in activity_types.list_types(conn, principal.account_id)] == [
            "Phone Call", "Meeting", "To Do"
        ]  # fmt: skip
    engine.dispose()


def test_tokens_create_for_unknown_user_fails_cleanly(db: str) -> None:
    result = runner.invoke(app, ["tokens", "create", "--user-email", "no@x.example", "--db", db])
    assert result.exit_code == 1
    assert "no user with email" in result.output
    assert "Traceback" not in result.output


def test_load_then_dump(db: str, tmp_path: Path) -> None:
    loaded = runner.invoke(app, ["load", str(SAMPLE), "--db", db])
    assert loaded.exit_code == 0, loaded.output
    assert "2 account(s), 5 people, 6 leads" in loaded.output
    out = tmp_path / "dump.json"
    dumped = runner.invoke(app, ["dump", "--db", db, "--account", "2", "-o", str(out)])
    assert dumped.exit_code == 0, dumped.output
    snapshot = json.loads(out.read_text())
    assert [len(a["leads"]) for a in snapshot["accounts"]] == [3]
    again = runner.invoke(app, ["load", str(SAMPLE), "--db", db])
    assert again.exit_code == 1
    assert "already exists" in again.output
    replaced = runner.invoke(app, ["load", str(out), "--db", db, "--replace"])
    assert replaced.exit_code == 0, replaced.output


def test_load_verbose_prints_its_steps(db: str) -> None:
    quiet = runner.invoke(app, ["load", str(SAMPLE), "--db", db])
    assert "ANALYZE" not in quiet.output
    loud = runner.invoke(app, ["load", str(SAMPLE), "--db", db, "--replace", "--verbose"])
    assert loud.exit_code == 0, loud.output
    assert "accounts[1] (id 2).leads written" in loud.output
    assert "ANALYZE" in loud.output


def test_broken_file_exits_1_naming_the_record(db: str, tmp_path: Path) -> None:
    data = json.loads(SAMPLE.read_text())
    data["accounts"][0]["people"][2]["tags"] = "vip"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    result = runner.invoke(app, ["load", str(broken), "--db", db])
    assert result.exit_code == 1
    assert "accounts[0] (id 1).people[2] (id 5).tags: expected a list" in result.output
    assert "Traceback" not in result.output


def test_dump_to_stdout(db: str) -> None:
    runner.invoke(app, ["load", str(SAMPLE), "--db", db])
    result = runner.invoke(app, ["dump", "--db", db])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["format"] == "verdigris-snapshot/1"


def test_every_command_has_an_example() -> None:
    for command in (["serve"], ["migrate"], ["load"], ["dump"], ["accounts", "create"],
                    ["tokens", "create"]):  # fmt: skip
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output


def test_serve_hands_its_workers_every_setting() -> None:
    given = Settings(database_url="sqlite:///x.db", rate_limit=RateLimit(180, 60.0),
                     migrate_on_start=False, bulk_limit=200, webhooks_allow_http=True,
                     webhook_retries=3, webhooks_copper_mode=True)  # fmt: skip
    assert Settings.loads(given.dumps()) == given
    assert Settings.loads(Settings().dumps()).rate_limit is None
