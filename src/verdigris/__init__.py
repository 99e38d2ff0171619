"""Verdigris: a self-hostable CRM API server that speaks Copper's Developer API."""

from verdigris.config import Settings

__version__ = "0.1.0"


def create_app(settings: Settings):  # type: ignore[no-untyped-def]
    """Build the ASGI application for `settings` (imported lazily: the CLI needs no web stack)."""
    from verdigris.api.app import create_app as _create_app

    return _create_app(settings)


__all__ = ["Settings", "__version__", "create_app"]
