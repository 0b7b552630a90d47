"""`twin run`: simulate a scenario and report how each demand fared."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twin.cli.app import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    announce_written,
    app,
    emit_json,
    human_console,
    progress_bar,
    stderr_console,
)
from twin.errors import InputError
from twin.interrupts import sigint_deferred
from twin.option_values import WORKERS_HELP
from twin.provenance import input_hashes

if TYPE_CHECKING:
    from twin.model import Scenario
    from twin.results.montecarlo import MonteCarloResult


@app.command("run")
def run_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (scenarios/*.yaml).")],
    seed: Annotated[int | None, typer.Option(help="Override the scenario's seed.")] = None,
    horizon: Annotated[
        str | None, typer.Option(help="Override the horizon, e.g. 30d, 10y.")
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write all results as JSON to FILE, or - for standard output."),
    ] = None,
    timeline: Annotated[
        Path | None, typer.Option(help="Write the timeline of events as CSV.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    report: Annotated[
        Path | None,
        typer.Option(help="Also write the offline HTML report (map, timelines, charts)."),
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(
            help="Run N independent replications (1 to 1,000,000) and report 95% intervals."
        ),
    ] = None,
    precision: Annotated[
        float | None,
        typer.Option(
            help="Add replications until every demand's unavailability has a 95% half-width "
            "within this fraction of its mean (e.g. 0.1)."
        ),
    ] = None,
    max_replications: Annotated[
        int, typer.Option(help="Cap on replications for --precision (at most 1,000,000).")
    ] = 1000,
    workers: Annotated[int, typer.Option(help=WORKERS_HELP)] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786) to run replications on."),
    ] = None,
    demand: Annotated[
        list[str] | None,
        typer.Option(
            "--demand",
            help="With --precision: watch only this demand's precision (repeatable); a demand "
            "that is almost never down would otherwise keep the run going to the cap.",
        ),
    ] = None,
) -> int:
    """Simulate a scenario: scheduled cuts and maintenance, stochastic failures, repairs that
    queue for crews and cable ships, and failover; then print per demand its availability, SLA
    availability, downtime, outages, p99 RTT, failovers, traffic lost and whether the SLA held.

    The same scenario and seed give byte-identical JSON.

    With --replications or --precision it runs independent replications (in --workers
    processes or on a Dask cluster given by --scheduler) and reports means with 95% confidence
    intervals; results are identical whatever the number of workers. --precision stops when the
    watched demands (--demand, default all) are known to that relative precision, or at
    --max-replications (or --replications, when both are given). Ctrl-C keeps the replications
    finished so far, marked partial. --report then writes the Monte Carlo report; --timeline is
    one replication's and is refused.

    Examples:

        twin run scenarios/trans-caspian-cut.yaml --report cut.html

        twin run scenarios/annual-reliability.yaml --precision 0.1 --demand fra-ala --workers 2

        twin run scenarios/annual-reliability.yaml --replications 200 --report mc.html

        twin run scenarios/annual-reliability.yaml --seed 7 --json out/run.json --timeline out/t.csv
    """
    # Ctrl-C while loading or writing waits for that step to end; it stops only the
    # simulation itself (see twin.interrupts), so an output is whole or marked partial.
    with sigint_deferred() as interrupts:
        from twin.loading import load_scenario
        from twin.report.terminal_run import print_run_summary
        from twin.report.timeline_csv import write_timeline_csv
        from twin.sim import simulate

        overrides: dict[str, object] = {}
        if seed is not None:
            overrides["seed"] = seed
        if horizon is not None:
            overrides["horizon"] = horizon
        loaded = load_scenario(scenario, overrides or None)
        show = not quiet and sys.stderr.isatty()
        if replications is not None or precision is not None:
            if timeline is not None:
                raise InputError.at(
                    "--timeline",
                    0,
                    0,
                    "a timeline is the event log of one replication; with --replications or "
                    "--precision there are many",
                    f"run `twin run {scenario} --timeline {timeline}` without --replications "
                    "(add --seed S for another sample)",
                )
            return _montecarlo(
                loaded,
                MonteCarloOptions(
                    replications,
                    precision,
                    max_replications,
                    workers,
                    scheduler,
                    tuple(demand or ()),
                ),
                json_path,
                report,
                scenario,
                show,
            )
        if demand:
            raise InputError.at(
                "--demand",
                0,
                0,
                "--demand chooses the demands the --precision rule watches",
                "add --precision R, or drop --demand (every demand is reported anyway)",
            )
        if scheduler is not None:
            # Refused rather than ignored: the user asked for a cluster and would get one process.
            raise InputError.at(
                "--scheduler",
                0,
                0,
                "--scheduler runs replications on a Dask cluster; a single run is one process",
                "add --replications N or --precision R, or drop --scheduler",
            )
        if workers < 1:
            raise InputError.at("--workers", 0, 0, f"must be at least 1, got {workers}")
        with progress_bar(
            "simulating {task.description}", "{task.percentage:>3.0f}%", show=show
        ) as bar:
            task = bar.add_task(loaded.name, total=1.0)
            # Ctrl-C ends the simulation at the current simulated time; the result covers the
            # hours simulated and is written marked partial.
            result = simulate(
                loaded,
                progress=lambda f: bar.update(task, completed=f),
                stop=lambda: interrupts.requested,
            )
        print_run_summary(human_console(json_path), result)
        document = result.to_dict() | input_hashes(result.scenario_path, result.topology_path)
        emit_json(json_path, document)
        if timeline is not None:
            write_timeline_csv(timeline, result)
            announce_written(timeline)
        if report is not None:
            from twin.report.html import render_report

            render_report(result, loaded.topology, report, bases=(Path("."), scenario.parent))
            announce_written(report)
    return EXIT_INTERRUPTED if interrupts.requested else EXIT_OK


@dataclass(frozen=True)
class MonteCarloOptions:
    """The replication options of `twin run`, passed on to `run_replications` as they are."""

    replications: int | None
    precision: float | None
    max_replications: int
    workers: int
    scheduler: str | None
    watch: tuple[str, ...]


def _montecarlo(
    loaded: Scenario,
    options: MonteCarloOptions,
    json_path: Path | None,
    report: Path | None,
    scenario_path: Path,
    show: bool,
) -> int:
    from twin.montecarlo import check_options
    from twin.report.terminal_mc import print_mc_summary

    # Before the progress bar starts, so a bad value is one clear line, not a half-drawn bar.
    check_options(
        loaded,
        options.replications,
        options.precision,
        options.max_replications,
        options.workers,
        options.watch,
    )
    replications = options.replications
    total = replications if replications is not None else options.max_replications
    # From the first replication to the last byte written, Ctrl-C only stops the replications:
    # what finished is aggregated, printed and written marked partial (see twin.interrupts).
    with sigint_deferred() as interrupts:
        result = _replicate(loaded, options, total, show)
        print_mc_summary(human_console(json_path), result)
        document = result.to_dict()
        emit_json(json_path, document)
        if report is not None:
            from twin.report.html_montecarlo import write_montecarlo_report

            write_montecarlo_report(
                result, loaded.topology, report, bases=(Path("."), scenario_path.parent)
            )
            announce_written(report)
    if interrupts.requested and not result.partial:
        stderr_console().print("twin: interrupted after the last replication; results complete")
    return EXIT_INTERRUPTED if result.partial or interrupts.requested else EXIT_OK


def _replicate(
    loaded: Scenario, options: MonteCarloOptions, total: int, show: bool
) -> MonteCarloResult:
    from twin.montecarlo import run_replications

    with progress_bar(
        "replications",
        "{task.completed}/{task.total}  worst precision {task.fields[worst]}",
        show=show,
    ) as bar:
        task = bar.add_task("mc", total=total, worst="-")

        def progress(done: int, worst: float) -> None:
            bar.update(task, completed=done, worst=f"{worst:.3g}")

        return run_replications(
            loaded,
            replications=options.replications,
            precision=options.precision,
            max_replications=options.max_replications,
            workers=options.workers,
            scheduler=options.scheduler,
            progress=progress,
            watch=options.watch,
        )
