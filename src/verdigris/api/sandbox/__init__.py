"""Sandbox mode (`verdigris sandbox`): the admin API under /_verdigris and the request
path that journals, faults and clocks each account. Only `create_app(...,
sandbox=SandboxOptions(...))` installs it; `verdigris serve` never imports it."""

from __future__ import annotations

from fastapi import FastAPI

from verdigris.api.sandbox.middleware import SandboxMiddleware, SandboxOptions


def install(app: FastAPI, options: SandboxOptions) -> None:
    from verdigris.api.sandbox import control_routes, journal_routes, routes

    app.state.sandbox = options
    app.state.journal_in_flight = set()
    app.state.journal_tail = None
    for module in (routes, journal_routes, control_routes):
        app.include_router(module.router)
    app.add_middleware(SandboxMiddleware, options=options)


__all__ = ["SandboxOptions", "install"]
