"""`twin validate`: check topology and scenario files, reporting every problem with its place."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.cli.app import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    app,
    emit_json,
    flag_of,
    human_console,
    print_problem,
    stderr_console,
)


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories of *.yaml files.")],
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the results as JSON to FILE, or - for standard output."),
    ] = None,
) -> int:
    """Check topology, scenario, state, upgrade-candidates and demands files; the kind is told
    from the content: `as_of:` makes a state file (the network now, for `twin run --state`),
    `candidates:` an upgrades file (for `twin rank --candidates`), and a top level of only
    `demands:` a demands file, as `twin import --demands-out` writes (its node ids are checked
    when it is used with a topology).

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
    from twin.loading import validation_report
    from twin.report.terminal_validate import validation_table

    report = validation_report(paths, flag_of)
    err = stderr_console()
    for file in report.files:
        for problem in file.problems:
            print_problem(err, problem)
    human_console(json_path).print(validation_table(report))
    emit_json(json_path, report.to_dict())
    return EXIT_OK if report.valid else EXIT_BAD_INPUT
