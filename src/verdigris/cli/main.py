"""The `verdigris` command: serve, sandbox, migrate, load, dump, accounts and tokens.

Each command parses its options and calls snapshot/ or storage/; no SQL lives here.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, DownloadColumn, Progress, TimeElapsedColumn

from verdigris.clock import system_clock
from verdigris.config import RateLimit, Settings, database_url
from verdigris.errors import VerdigrisError
from verdigris.storage import accounts as account_store
from verdigris.storage.engine import create_db_engine, in_memory, write
from verdigris.storage.migrate import upgrade

app = typer.Typer(help="Verdigris: a self-hostable server for Copper's Developer API.",
                  no_args_is_help=True, add_completion=False)  # fmt: skip
accounts_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(tokens_app, name="tokens")
err = Console(stderr=True)

if TYPE_CHECKING:
    from sqlalchemy import Engine

Db = Annotated[
    Optional[str],  # noqa: UP045 - Typer reads the annotation at runtime
    typer.Option(
        "--db",
        help="SQLite file path or SQLAlchemy URL (default: env VERDIGRIS_DB, else ./verdigris.db).",
    ),
]
SAMPLE_TOKEN, SAMPLE_EMAIL = "sample-token-jim", "jim.halpert@dundermifflin.com"


@contextmanager
def _engine(db: str | None, migrate: bool = True) -> Iterator[Engine]:
    """An engine on the database, migrated; VerdigrisError -> message and exit code 1."""
    engine = create_db_engine(database_url(db))
    try:
        if migrate:
            upgrade(engine)
        yield engine
    except VerdigrisError as error:
        err.print(f"[red]error:[/red] {error.message}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@app.command()
def serve(
    db: Db = None,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    demo: Annotated[bool, typer.Option(help="Serve the demo account from a temp file.")] = False,
    rate_limit: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="REQUESTS/SECONDS per token, e.g. 180/60 (off by default)."),
    ] = None,
    access_log: Annotated[bool, typer.Option(help="Log every request to stdout.")] = False,
    bulk_limit: Annotated[
        int, typer.Option(min=1, help="Items a bulk create or update may carry (Copper: 10).")
    ] = 10,
    webhooks_allow_http: Annotated[
        bool, typer.Option(help="Accept http:// webhook targets (Copper: https only).")
    ] = False,
    webhook_retries: Annotated[
        int, typer.Option(min=1, help="Tries of a webhook notification before it fails.")
    ] = 8,
    webhooks_copper_mode: Annotated[
        bool, typer.Option(help="Webhooks as Copper sends them: one try, no retry.")
    ] = False,
) -> None:
    """Run the API server at /developer_api/v1.

    Example: verdigris serve --db verdigris.db --port 8000 --rate-limit 180/60
    """
    if demo:
        db = _demo_database()
        _print_demo(host, port)
    url = database_url(db)
    with _engine(url):
        pass  # migrate once, before any worker starts
    settings = Settings(
        database_url=url, rate_limit=RateLimit.parse(rate_limit) if rate_limit else None,
        migrate_on_start=False, bulk_limit=bulk_limit,
        webhooks_allow_http=webhooks_allow_http, webhook_retries=webhook_retries,
        webhooks_copper_mode=webhooks_copper_mode,
        sender_in_app=in_memory(url),  # another process would see another, empty database
        server_gc=True,
    )  # fmt: skip
    from verdigris.api.webhook_sender import start_process

    # One sender, whatever the number of workers.
    sender = None if settings.sender_in_app else start_process(settings)
    try:
        _run_workers(settings, host, port, workers, access_log)
    finally:
        if sender is not None:
            sender.terminate()
            sender.join(15)


def _run_workers(settings: Settings, host: str, port: int, workers: int, access_log: bool) -> None:
    import uvicorn

    if workers > 1:
        from verdigris.api.app import WORKER_SETTINGS

        os.environ[WORKER_SETTINGS] = settings.dumps()
        uvicorn.run("verdigris.api.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, access_log=access_log)  # fmt: skip
        return
    from verdigris.api.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, access_log=access_log)


def _demo_database() -> str:
    from verdigris.snapshot.load import load_snapshot

    path = Path(tempfile.mkdtemp(prefix="verdigris-demo-")) / "demo.db"
    with _engine(str(path)) as engine:
        load_snapshot(engine, Path(str(files("verdigris") / "demo" / "demo-account.json")))
    return str(path)


def _print_demo(host: str, port: int) -> None:
    typer.echo("Demo account loaded. Try:\n")
    typer.echo(
        f"  curl -s -X POST http://{host}:{port}/developer_api/v1/people/search \\\n"
        f"    -H 'X-PW-AccessToken: {SAMPLE_TOKEN}' -H 'X-PW-Application: developer_api' \\\n"
        f"    -H 'X-PW-UserEmail: {SAMPLE_EMAIL}' -H 'Content-Type: application/json' \\\n"
        """    -d '{"name": "jim", "page_size": 5}'\n"""
    )


@app.command()
def sandbox(
    db: Annotated[
        str, typer.Option(help="tmp (a private temporary SQLite file), memory, a file or a URL.")
    ] = "tmp",
    load: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Snapshot file, loaded and registered as a template (repeatable).",
        ),
    ] = None,  # fmt: skip
    demo: Annotated[bool, typer.Option(help="Load the sample account as template 'demo'.")] = False,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on; 0: one the OS picks.")] = 0,
    admin_token: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Token of the admin API (default: a random one, in the ready line)."),
    ] = None,
    ready_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Write the ready line to this file too (atomically)."),
    ] = None,
    exit_with_parent: Annotated[
        bool, typer.Option(help="Stop when standard input reaches its end.")
    ] = False,
    journal_limit: Annotated[int, typer.Option(help="Journal entries kept per account.")] = 10_000,
    workers: Annotated[int, typer.Option(help="Worker processes (they share the counters).")] = 1,
) -> None:
    """Run a sandbox for tests: the API plus the admin API under /_verdigris.

    Prints one JSON line when ready: {"verdigris": "ready", "url", "api", "admin_token",
    "templates"}. See docs/testing.md.

    Example: verdigris sandbox --demo --port 0 --ready-file .verdigris.json --exit-with-parent
    """
    from verdigris.cli.sandbox import SandboxConfig, run_sandbox

    loads = [(path.stem, path) for path in load or []]
    if demo:
        loads.insert(0, ("demo", Path(str(files("verdigris") / "demo" / "demo-account.json"))))
    if host not in ("127.0.0.1", "localhost", "::1") and admin_token is None:
        err.print("[red]error:[/red] --admin-token is required off loopback", highlight=False)
        raise typer.Exit(2)
    config = SandboxConfig(db, loads, admin_token, host, port, ready_file, exit_with_parent,
                           journal_limit, workers)  # fmt: skip
    try:
        run_sandbox(config, lambda line: print(line, flush=True))  # noqa: T201
    except VerdigrisError as error:
        err.print(f"[red]error:[/red] {error.message}", highlight=False)
        raise typer.Exit(1) from None


@app.command()
def migrate(db: Db = None) -> None:
    """Create the schema, or bring it to the newest revision.

    Example: verdigris migrate --db postgresql://verdigris@localhost/verdigris
    """
    with _engine(db):
        typer.echo("database is up to date")


@app.command()
def load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Snapshot file.")],
    db: Db = None,
    replace: Annotated[
        bool, typer.Option(help="Replace accounts that already exist (all their rows).")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print how long each step took.")
    ] = False,
) -> None:
    """Load a snapshot file: all of it in one transaction, or nothing.

    Example: verdigris load sample-account.json --db verdigris.db --replace
    """
    from verdigris.snapshot.load import LoadOptions, load_snapshot

    with (
        _steps_logged(verbose),
        _engine(db) as engine,
        _progress(file.stat().st_size) as progress,
    ):
        options = LoadOptions(replace=replace, progress=progress)
        summary = load_snapshot(engine, file, options)
    typer.echo(
        f"loaded {len(summary.accounts)} account(s), {summary.people} people, "
        f"{summary.leads} leads in {summary.seconds:.1f} s"
    )


@contextmanager
def _steps_logged(verbose: bool) -> Iterator[None]:
    """With --verbose, the load's steps and their seconds on standard error."""
    if not verbose:
        yield
        return
    logger = logging.getLogger("verdigris.load")
    handler = RichHandler(console=err, show_path=False, log_time_format="%H:%M:%S")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar over bytes read, on a terminal only."""
    if not err.is_terminal:
        yield None
        return
    columns = (BarColumn(), DownloadColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("load", total=total)
        yield lambda done: bar.update(task, completed=done)


@app.command()
def dump(
    db: Db = None,
    account: Annotated[Optional[int], typer.Option(help="Only this account id.")] = None,  # noqa: UP045
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="File to write (default: standard output)."),
    ] = None,
) -> None:
    """Write a snapshot of the database (tokens as hashes only).

    Example: verdigris dump --db verdigris.db --account 1 -o backup.json
    """
    from verdigris.snapshot.dump import dump_snapshot

    with _engine(db) as engine:
        if output is None:
            dump_snapshot(engine, sys.stdout.buffer, account)
            return
        with output.open("wb") as out:
            dump_snapshot(engine, out, account)


@accounts_app.command("create")
def accounts_create(
    name: Annotated[str, typer.Argument(help="Account name.")],
    user_email: Annotated[str, typer.Option(help="Email of the account's first user.")],
    user_name: Annotated[Optional[str], typer.Option(help="That user's name.")] = None,  # noqa: UP045
    db: Db = None,
) -> None:
    """Create an account with one user, and print a new API token (shown once).

    Example: verdigris accounts create "Acme" --user-email ops@acme.example
    """
    with _engine(db) as engine, write(engine) as conn:
        account_id = account_store.create_account(conn, name, system_clock())
        user_id = account_store.create_user(conn, account_id, user_email, user_name)
        token = account_store.issue_token(conn, account_id, user_id, system_clock())
    typer.echo(f"account id: {account_id}\nuser id: {user_id}\ntoken: {token}")
    err.print("The token is shown only this once; store it now.", highlight=False)


@tokens_app.command("create")
def tokens_create(
    user_email: Annotated[str, typer.Option(help="Email of the token's user.")],
    db: Db = None,
) -> None:
    """Issue a new API token for an existing user (shown once).

    Example: verdigris tokens create --user-email ops@acme.example
    """
    with _engine(db) as engine, write(engine) as conn:
        account_id, user_id = account_store.find_user_by_email(conn, user_email)
        token = account_store.issue_token(conn, account_id, user_id, system_clock())
    typer.echo(f"token: {token}")
