from verdigris.cli.main import app

app()
