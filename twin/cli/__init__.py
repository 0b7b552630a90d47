"""The `twin` command. `app.py` owns the entry point and error mapping; each subcommand lives in
its own module and registers itself on the shared Typer app when imported."""
