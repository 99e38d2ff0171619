"""Start a sandbox process (or attach to a running one) and make accounts on it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verdigris.testing._http import SandboxError, call

if TYPE_CHECKING:
    from verdigris.testing.sandbox import CopperSandbox

START_TIMEOUT = 15.0


@dataclass
class SandboxServer:
    """A running sandbox: its base URL, API URL and admin token."""

    url: str
    admin_token: str
    templates: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    _folder: str | None = None
    _registered: dict[str, str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return self.url + "/developer_api/v1"

    @property
    def mode(self) -> str:
        return "process" if self.process is not None else "url"

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        return call(self.url, method, "/_verdigris" + path, headers, body)

    def register_template(self, snapshot: str | Path | dict[str, Any],
                          name: str | None = None) -> str:  # fmt: skip
        """Register a snapshot (a file or a document) as a template, once per server;
        its name (default: the file's stem)."""
        key = str(Path(snapshot).resolve()) if isinstance(snapshot, str | Path) else None
        if key is not None and key in self._registered:
            return self._registered[key]
        if isinstance(snapshot, str | Path):
            name = name or Path(snapshot).stem
            snapshot = json.loads(Path(snapshot).read_text())
        name = name or "template"
        try:
            self.admin("POST", "/templates", {"name": name, "snapshot": snapshot})
        except SandboxError as error:
            if error.status != 422:  # 422: already there (another worker registered it)
                raise
        if key is not None:
            self._registered[key] = name
        return name

    def new_account(self, template: str | None = "demo") -> CopperSandbox:
        """A fresh account, cloned from `template` (None: empty, with one user); a
        template ending in .json is a snapshot file, registered on first use."""
        from verdigris.testing.sandbox import CopperSandbox

        if template is not None and template.endswith(".json"):
            template = self.register_template(template)
        body = {} if template is None else {"template": template}
        return CopperSandbox(self, self.admin("POST", "/accounts", body))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)


def connect(url: str, admin_token: str) -> SandboxServer:
    """A sandbox somebody else started (`verdigris sandbox`, CI, another worker)."""
    url = url.rstrip("/")
    health = call(url, "GET", "/_verdigris/health")
    if not isinstance(health, dict) or health.get("status") != "ok":
        raise RuntimeError(f"{url} is not a Verdigris sandbox")
    server = SandboxServer(url, admin_token)
    server.templates = list(server.admin("GET", "/templates"))
    return server


def start_sandbox(
    loads: tuple[str | Path, ...] = (), demo: bool = True, db: str = "tmp",
    timeout: float = START_TIMEOUT,
) -> SandboxServer:  # fmt: skip
    """A new `verdigris sandbox` process on a port the OS picks; it stops when this
    process ends (--exit-with-parent), or with `stop()`."""
    folder = tempfile.mkdtemp(prefix="verdigris-kit-")
    ready = Path(folder) / "ready.json"
    command = [sys.executable, "-m", "verdigris", "sandbox", "--port", "0", "--db", db,
               "--ready-file", str(ready), "--exit-with-parent"]  # fmt: skip
    if demo:
        command.append("--demo")
    for path in loads:
        command += ["--load", str(path)]
    errors = open(Path(folder) / "stderr.txt", "wb")  # noqa: SIM115 - the child's
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=errors, env=env)  # fmt: skip
    errors.close()
    info = _wait_ready(process, ready, Path(folder) / "stderr.txt", timeout)
    return SandboxServer(info["url"], info["admin_token"], list(info["templates"]), process,
                         folder)  # fmt: skip


def _wait_ready(
    process: subprocess.Popen[bytes], ready: Path, stderr: Path, timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.kill()
            process.wait()
            raise RuntimeError(
                f"verdigris sandbox did not start within {timeout:g} s:\n"
                + stderr.read_text(errors="replace")[-4000:]
            )
        time.sleep(0.01)
    return dict(json.loads(ready.read_text()))
