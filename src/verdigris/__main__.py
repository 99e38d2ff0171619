"""`python -m verdigris`: the CLI."""

from verdigris.cli.main import app

app()
