"""`twin sweep`: a grid of scenario variants run with common random numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.cli.app import EXIT_INTERRUPTED, EXIT_OK, app, emit_json, human_console
from twin.interrupts import sigint_deferred
from twin.option_values import WORKERS_HELP, require_replications, require_workers


@app.command("sweep")
def sweep_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario file.")],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="PATH=V1,V2,... : a dotted path into the scenario file and the values to try "
            "(repeatable; the grid is their cartesian product). Default: the scenario's sweep: "
            "block.",
        ),
    ] = None,
    replications: Annotated[int, typer.Option(help="Replications per variant.")] = 20,
    workers: Annotated[int, typer.Option(help=WORKERS_HELP)] = 1,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address.")] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write results as JSON to FILE, or - for standard output."),
    ] = None,
) -> int:
    """Run every variant of a grid with the same seeds (common random numbers), so that the
    differences between variants come from the parameter, not from luck.

    Example — what the Caspian repair time does to Frankfurt-Almaty:

        twin sweep scenarios/annual-reliability.yaml \\
            --set failures.classes.submarine-caspian.repair.median=10d,30d,90d

    Example — the same cuts in winter and in summer (closed repair windows):

        twin sweep scenarios/caspian-winter-cut.yaml --set start=2027-01-10,2027-06-10
    """
    from twin.report.terminal_sweep import sweep_table
    from twin.sweep import parse_set_options, run_sweep

    require_replications(replications)
    require_workers(workers)
    grid = parse_set_options(set_ or [])
    # Ctrl-C ends the running variant's replications and the sweep; what finished is printed
    # and written marked partial, the writing never cut short (see twin.interrupts).
    with sigint_deferred() as interrupts:
        result = run_sweep(
            scenario,
            grid,
            replications=replications,
            workers=workers,
            scheduler=scheduler,
            stop=lambda: interrupts.requested,
        )
        human_console(json_path).print(sweep_table(result, replications))
        emit_json(json_path, result.to_dict())
    return EXIT_INTERRUPTED if interrupts.requested else EXIT_OK
