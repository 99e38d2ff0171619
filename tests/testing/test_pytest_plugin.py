"""The pytest plugin, run the way a user's suite runs it (pytester, in a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SAMPLE
from verdigris.testing.server import SandboxServer


def _shared(server: SandboxServer) -> list[str]:
    return [f"--verdigris-url={server.url}", f"--verdigris-admin-token={server.admin_token}"]


def test_importing_the_plugin_imports_no_web_or_database_stack() -> None:
    code = (
        "import sys, verdigris.testing.pytest_plugin, verdigris.testing; "
        "heavy = {'fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'httpx', 'requests'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_marked_test_runs_against_its_own_redirected_account(
    pytester: pytest.Pytester, kit_server: SandboxServer
) -> None:
    pytester.makepyfile(
        """
        import pytest, requests

        COPPER = "https://api.copper.com/developer_api/v1"

        @pytest.mark.copper(redirect=True)
        def test_sync(copper_sandbox):
            copper_sandbox.faults.fail("POST /people/search", 429, retry_after=1, times=1)
            first = requests.post(COPPER + "/people/search", headers=copper_sandbox.headers)
            second = requests.post(COPPER + "/people/search", headers=copper_sandbox.headers)
            assert (first.status_code, second.status_code) == (429, 200)
            assert first.headers["Retry-After"] == "1"
            assert copper_sandbox.journal.count("POST /people/search", status=429) == 1

        @pytest.mark.copper(template=None, clock=1600000000, rate_limit="2/60")
        def test_options(copper_sandbox):
            made = copper_sandbox.api("POST", "/people", {"name": "Clocked"})
            assert made["date_created"] == 1600000000
            copper_sandbox.api("GET", "/account")
            with pytest.raises(Exception, match="429"):
                copper_sandbox.api("GET", "/account")

        @pytest.mark.copper(faults=[{"then": {"type": "status", "status": 503}}])
        def test_faults_from_the_marker(copper_sandbox):
            with pytest.raises(Exception, match="503"):
                copper_sandbox.api("GET", "/account")

        def test_factory_accounts_are_apart(copper_sandbox_factory):
            one, two = copper_sandbox_factory(), copper_sandbox_factory()
            made = one.api("POST", "/people", {"name": "Only One"})
            with pytest.raises(Exception, match="404"):
                two.api("GET", f"/people/{made['id']}")
        """
    )
    before = kit_server.admin("GET", "/accounts")
    result = pytester.runpytest_subprocess(*_shared(kit_server))
    result.assert_outcomes(passed=4)
    assert kit_server.admin("GET", "/accounts") == before  # deleted at teardown


def test_a_template_file_in_the_marker(
    pytester: pytest.Pytester, kit_server: SandboxServer
) -> None:
    data = pytester.mkdir("data")
    document = json.loads(SAMPLE.read_text())
    document["accounts"] = document["accounts"][1:]  # "Other Company"
    (data / "other.json").write_text(json.dumps(document))
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.copper("data/other.json")
        def test_one(copper_sandbox):
            assert copper_sandbox.api("GET", "/account")["name"] == "sandbox other"
            assert copper_sandbox.template == "other"

        @pytest.mark.copper("data/other.json")
        def test_two(copper_sandbox):
            assert copper_sandbox.email == "owner@other.example"
        """
    )
    result = pytester.runpytest_subprocess(*_shared(kit_server))
    result.assert_outcomes(passed=2)


def test_a_failing_test_reports_its_copper_requests(
    pytester: pytest.Pytester, kit_server: SandboxServer
) -> None:
    pytester.makepyfile(
        """
        def test_fails(copper_sandbox):
            copper_sandbox.api("POST", "/people/search", {"page_number": 1, "page_size": 5})
            assert False, "on purpose"

        def test_other(copper_sandbox):
            copper_sandbox.api("GET", "/account")
        """
    )
    dumps = pytester.path / "dumps"
    result = pytester.runpytest_subprocess(*_shared(kit_server),
                                           f"--verdigris-dump-on-failure={dumps}")  # fmt: skip
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*Copper requests*", "*POST /people/search page 1x5 -> 200*"])
    assert "GET /account" not in result.stdout.str()
    (dumped,) = dumps.iterdir()  # the failing test's account only
    assert "test_fails" in dumped.name
    assert json.loads(dumped.read_text())["format"] == "verdigris-snapshot/1"


def test_the_plugin_starts_its_own_sandbox_quickly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_first(copper_sandbox):
            assert copper_sandbox.api("GET", "/account")["id"]
        """
    )
    result = pytester.runpytest_subprocess("--durations=0", "--durations-min=0")
    result.assert_outcomes(passed=1)
    # How long the first test's setup takes is measured by bench/sandbox.py, not here.


def test_no_verdigris_disables_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(copper_sandbox):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:verdigris")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'copper_sandbox' not found*"])


def test_each_xdist_worker_starts_its_own_sandbox(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(
        """
        import os, pytest

        @pytest.mark.parametrize("n", range(4))
        def test_n(n, verdigris_server, copper_sandbox, tmp_path_factory):
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            out = tmp_path_factory.getbasetemp().parent.parent / f"url-{worker}-{n}"
            out.write_text(verdigris_server.url)
            made = copper_sandbox.api("POST", "/people", {"name": f"Parallel {n}"})
            assert copper_sandbox.api("POST", "/people/search")[0]["id"] <= made["id"]
            assert copper_sandbox.journal.count("POST /people") == 1
        """
    )
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist")
    result.assert_outcomes(passed=4)
    urls = {p.read_text() for p in pytester.path.rglob("url-gw*")}
    workers = {p.name.split("-")[1] for p in pytester.path.rglob("url-gw*")}
    assert len(workers) == 2 and len(urls) == 2
