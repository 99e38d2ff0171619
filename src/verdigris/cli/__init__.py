"""The `verdigris` command (cli/main.py): a thin Typer layer over snapshot/ and storage/."""
