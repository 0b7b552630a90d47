"""`twin schema`: write the JSON Schemas that editors use to check files as people type."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from twin.atomic import write_json_atomic
from twin.cli.app import EXIT_OK, app, stdout_console
from twin.report.terminal_text import plain

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "schemas"


class SchemaKind(StrEnum):
    topology = "topology"
    scenario = "scenario"
    state = "state"
    candidates = "candidates"
    results = "results"


@app.command("schema")
def schema_command(
    kind: Annotated[
        SchemaKind | None,
        typer.Option(
            "--kind",
            help="Write only this kind: the topology, scenario, state or candidates input "
            "schema, or every result file's schema (default: all).",
        ),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("-o", "--out", help="Directory to write the *.schema.json files to.")
    ] = DEFAULT_DIR,
) -> int:
    """Write topology.schema.json, scenario.schema.json, state.schema.json and
    candidates.schema.json (upgrade candidates for `twin rank`), generated from the same
    pydantic models that `twin validate` uses, and the schemas of
    the result files (run.result.schema.json, montecarlo.result..., contingency,
    analysis, check, diff, rank, sweep, upgrades, validate, backtest, calibration,
    report.summary), generated from the result types that write and read them.

    Editors check files as you type when pointed at them; for the VS Code
    YAML extension put this comment on the first line of a topology file:

        # yaml-language-server: $schema=../twin/schemas/topology.schema.json

    The schemas check shape only (keys, types, ranges); references between
    ids, geodesic lengths and extends are checked by `twin validate`.

    Examples:

        twin schema

        twin schema --kind scenario -o build/schemas

        twin schema --kind results
    """
    from twin.loading.candidates import candidates_schema
    from twin.loading.schema import json_schemas
    from twin.results.schemas import result_schemas

    chosen: dict[str, dict[str, Any]] = {}
    if kind in (None, SchemaKind.topology, SchemaKind.scenario, SchemaKind.state):
        chosen.update(
            (name, schema)
            for name, schema in json_schemas().items()
            if kind is None or name == kind.value
        )
    if kind in (None, SchemaKind.candidates):
        chosen["candidates"] = candidates_schema()
    if kind in (None, SchemaKind.results):
        chosen.update(result_schemas())
    for name, schema in chosen.items():
        path = out_dir / f"{name}.schema.json"
        write_json_atomic(path, schema)
        stdout_console().print(plain(f"wrote {path}"))
    return EXIT_OK
