"""`twin sweep`: a grid of scenario variants run with common random numbers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twin.cli.app import EXIT_INTERRUPTED, EXIT_OK, app, emit_json, human_console
from twin.interrupts import sigint_deferred
from twin.option_values import WORKERS_HELP, require_replications, require_workers
from twin.report.terminal_text import add_row, plain, titled_table

if TYPE_CHECKING:
    from twin.results.interval import Interval
    from twin.results.sweep import SweepResult


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
        _print_sweep(result, replications, json_path)
        emit_json(json_path, result.to_dict())
    return EXIT_INTERRUPTED if interrupts.requested else EXIT_OK


def _print_sweep(result: SweepResult, replications: int, json_path: Path | None) -> None:
    title = f"{result.scenario}: sweep ({replications} replications per variant)"
    if result.partial:
        title += f" (partial: interrupted after {len(result.variants)} variant(s))"
    table = titled_table(title)
    table.add_column("variant")
    demand_ids = [d.id for d in result.variants[0].result.demands] if result.variants else []
    # Connectivity alone hides what the SLA counts (time over the RTT budget, e.g. on a long
    # detour while a cable waits for the weather): each demand shows both.
    for demand_id in demand_ids:
        table.add_column(plain(f"{demand_id} availability [95% CI]"))
        table.add_column(plain(f"{demand_id} SLA availability [95% CI]"))
    for variant in result.variants:
        cells = []
        for demand_id in demand_ids:
            stats = variant.result.demand(demand_id)
            cells += [_interval(stats.availability), _interval(stats.sla_availability)]
        add_row(table, variant.label, *cells)
    human_console(json_path).print(table)


def _interval(value: Interval) -> str:
    return f"{value.mean:.6f} [{value.low:.6f}, {value.high:.6f}]"
