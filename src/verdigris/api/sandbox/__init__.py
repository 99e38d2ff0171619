"""Sandbox mode (`verdigris sandbox`): the admin API under /_verdigris and the request
path that journals, faults and clocks each account. Only `create_app(...,
sandbox=SandboxOptions(...))` installs it; `verdigris serve` never imports it."""

from __future__ import annotations

from fastapi import FastAPI

from verdigris.api.sandbox.middleware import SandboxMiddleware, SandboxOptions


def install(app: FastAPI, options: SandboxOptions) -> None:
    from verdigris.api.sandbox.routes import router

    app.state.sandbox = options
    app.state.journal_in_flight = set()
    app.state.journal_tail = None
    app.include_router(router)
    app.add_middleware(SandboxMiddleware, options=options)


__all__ = ["SandboxOptions", "install"]
