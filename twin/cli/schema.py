"""`twin schema`: write the JSON Schemas that editors use to check files as people type."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.atomic import write_json_atomic
from twin.cli.app import EXIT_OK, app, stdout_console

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "schemas"


@app.command("schema")
def schema_command(
    out_dir: Annotated[
        Path, typer.Option("-o", "--out", help="Directory to write the *.schema.json files to.")
    ] = DEFAULT_DIR,
) -> int:
    """Write topology.schema.json and scenario.schema.json (generated from the same models that
    `twin validate` uses).

    Point your editor at them, e.g. for VS Code's YAML extension add to the top of a file:

        # yaml-language-server: $schema=../twin/schemas/topology.schema.json
    """
    from twin.loading.schema import json_schemas

    for kind, schema in json_schemas().items():
        path = out_dir / f"{kind}.schema.json"
        write_json_atomic(path, schema)
        stdout_console().print(f"wrote {path}")
    return EXIT_OK
