"""`twin validate`: check topology and scenario files, reporting every problem with its place."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from twin.atomic import write_json_atomic
from twin.cli.app import EXIT_BAD_INPUT, EXIT_OK, app, stderr_console, stdout_console
from twin.model import Scenario, Topology

VALIDATE_SCHEMA = "silkroad-twin/validate/1"


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories of *.yaml files.")],
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the results as JSON ('-' prints).")
    ] = None,
) -> int:
    """Check topology and scenario files; the kind is told from the content.

    Every problem is printed as FILE:LINE:COL: message, then a hint.
    Checked: YAML syntax, duplicate keys, unknown keys (with did-you-mean),
    types and ranges, unknown or duplicate ids, links to unknown nodes,
    self-loops, coordinates, lengths shorter than the geodesic (faster than
    light in fibre), unknown SRLGs and failure classes, extends cycles and
    missing parents, durations, demand endpoints, event targets, checks.

    Exit status 0 when every file is valid, 2 otherwise.

    Examples:

        twin validate topologies/*.yaml scenarios/

        twin validate topologies --json -
    """
    from twin.loading import validate_files

    results = validate_files(paths)
    err = stderr_console()
    table = Table(title="twin validate")
    for column in ("file", "kind", "contents", "verdict"):
        table.add_column(column)
    for r in results:
        for p in r.problems:
            err.print(p.format(), markup=False, highlight=False, soft_wrap=True)
        if isinstance(r.model, Topology):
            contents = (
                f"{len(r.model.nodes)} nodes, {len(r.model.links)} links, "
                f"{len(r.model.srlgs)} SRLGs"
            )
        elif isinstance(r.model, Scenario):
            contents = f"{len(r.model.demands)} demands, {len(r.model.events)} events"
        else:
            contents = f"{len(r.problems)} problem(s)"
        verdict = "[green]valid[/]" if not r.problems else "[bold red]invalid[/]"
        table.add_row(r.path, r.kind, contents, verdict)
    stdout_console().print(table)
    if json_path is not None:
        doc = {
            "schema": VALIDATE_SCHEMA,
            "valid": all(not r.problems for r in results),
            "files": [
                {
                    "path": r.path,
                    "kind": r.kind,
                    "valid": not r.problems,
                    "problems": [
                        {
                            "path": p.path,
                            "line": p.line,
                            "col": p.col,
                            "message": p.message,
                            "hint": p.hint,
                        }
                        for p in r.problems
                    ],
                }
                for r in results
            ],
        }
        if str(json_path) == "-":
            from twin.atomic import canonical_json

            typer.echo(canonical_json(doc), nl=False)
        else:
            write_json_atomic(json_path, doc)
    return EXIT_OK if all(not r.problems for r in results) else EXIT_BAD_INPUT
