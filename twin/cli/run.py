"""`twin run`: simulate a scenario and report how each demand fared."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
from twin.run_plan import DEFAULT_STATE_REPLICATIONS

if TYPE_CHECKING:
    from twin.model import Scenario
    from twin.results import SimulationResult
    from twin.results.montecarlo import MonteCarloResult
    from twin.run_plan import ReplicationOptions, RunPlan


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
    state: Annotated[
        Path | None,
        typer.Option(
            help="Start from the network as it is now: a state file (as_of, what is down, what "
            "the repair fleet does). Replaces a state the scenario names. Runs "
            f"{DEFAULT_STATE_REPLICATIONS} replications unless told otherwise (--replications, "
            "--precision; or one run: --replication, --timeline, --state-out) and reports each "
            "demand's restoration curve, SLA minutes lost and further-cut risk.",
        ),
    ] = None,
    state_out: Annotated[
        Path | None,
        typer.Option(
            help="Write the state of this run at --at as a state file, to branch from there "
            "(one replication: 0, or --replication).",
        ),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="With --state-out: the time of the state, e.g. 30d.")
    ] = None,
    replication: Annotated[
        int | None,
        typer.Option(
            help="Run one replication, this one (its random streams; default 0), e.g. to see "
            "one run from a state."
        ),
    ] = None,
    rare_events: Annotated[
        str | None,
        typer.Option(
            "--rare-events",
            help="With replications: auto (the conditional rare-event estimator for demands "
            "whose pilot unavailability is below 1e-2), on (for every watched demand) or off "
            "(plain sampling). Default: the scenario's failures.rare_events, else auto. "
            "Each figure names its estimator.",
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
    --max-replications (or --replications, when both are given). Demands that are rarely down
    are estimated by conditional Monte Carlo (--rare-events, docs/rare-events.md): unbiased,
    with far narrower intervals for the same replications. Ctrl-C keeps the replications
    finished so far, marked partial. --report then writes the Monte Carlo report; --timeline is
    one replication's and is refused.

    From a state (--state, or the scenario's state:) the clock starts at its as_of: what is
    down stays down until its ETA or for the rest of its repair (conditioned on the time
    already spent), repair units start busy as the state says, and new failures start from
    now. Each demand then gets its restoration curve (P(connected and within its RTT budget
    by t) with 95% intervals), expected SLA minutes lost, and the probability that a further
    failure disconnects it before the state's outage ends, with the elements behind it.
    --state-out FILE --at T writes one run's state at T (a file --state reads back).

    Examples:

        twin run scenarios/trans-caspian-cut.yaml --report cut.html

        twin run scenarios/annual-reliability.yaml --precision 0.1 --demand fra-ala --workers 2

        twin run scenarios/annual-reliability.yaml --precision 0.1 --demand fra-baku

        twin run scenarios/annual-reliability.yaml --replications 200 --report mc.html

        twin run scenarios/annual-reliability.yaml --seed 7 --json out/run.json --timeline out/t.csv

        twin run scenarios/now-caspian-cut.yaml --state today.state.yaml --json outlook.json

        twin run scenarios/now-caspian-cut.yaml --state-out day30.state.yaml --at 30d
    """
    # Ctrl-C while loading or writing waits for that step to end; it stops only the
    # simulation itself (see twin.interrupts), so an output is whole or marked partial.
    with sigint_deferred() as interrupts:
        from twin.loading import load_scenario, with_state
        from twin.run_plan import RunRequest, plan_run

        overrides: dict[str, object] = {}
        if seed is not None:
            overrides["seed"] = seed
        if horizon is not None:
            overrides["horizon"] = horizon
        loaded = load_scenario(scenario, overrides or None)
        if state is not None:
            loaded = with_state(loaded, state)
        show = not quiet and sys.stderr.isatty()
        request = RunRequest(
            replications,
            precision,
            max_replications,
            workers,
            scheduler,
            tuple(demand or ()),
            rare_events,
            replication,
            timeline,
            state_out,
            at,
        )
        plan = plan_run(loaded, request)
        outputs = _Outputs(json_path, report, timeline, state_out, scenario)
        if plan.replicated is not None:
            return _montecarlo(loaded, plan.replicated, outputs, show)
        _single_run(loaded, plan, outputs, show, lambda: interrupts.requested)
    return EXIT_INTERRUPTED if interrupts.requested else EXIT_OK


@dataclass(frozen=True)
class _Outputs:
    """Where `twin run` writes: JSON, the HTML report, the timeline, the state at a time; and
    the scenario file as named, whose folder the report's bases include."""

    json_path: Path | None
    report: Path | None
    timeline: Path | None
    state_out: Path | None
    scenario: Path


def _single_run(
    loaded: Scenario, plan: RunPlan, outputs: _Outputs, show: bool, stop: Callable[[], bool]
) -> None:
    """Simulate one run under a progress bar, print its summary and write what was asked."""
    from twin.report.terminal_run import print_run_summary
    from twin.report.timeline_csv import write_timeline_csv
    from twin.sim import simulate

    with progress_bar(
        "simulating {task.description}", "{task.percentage:>3.0f}%", show=show
    ) as bar:
        task = bar.add_task(loaded.name, total=1.0)
        # Ctrl-C ends the simulation at the current simulated time; the result covers the
        # hours simulated and is written marked partial.
        result = simulate(
            loaded,
            replication=plan.replication,
            progress=lambda f: bar.update(task, completed=f),
            stop=stop,
        )
    json_path = outputs.json_path
    print_run_summary(human_console(json_path), result)
    if json_path is not None:  # the document (every record, the inputs' hashes) costs time
        hashes = input_hashes(result.scenario_path, result.topology_path)
        emit_json(json_path, result.to_dict() | hashes)
    if outputs.timeline is not None:
        write_timeline_csv(outputs.timeline, result)
        announce_written(outputs.timeline)
    if plan.snapshot_at_h is not None and outputs.state_out is not None:
        _write_snapshot(outputs.state_out, loaded, result, plan.snapshot_at_h)
    if outputs.report is not None:
        from twin.report.html import render_report

        bases = (Path("."), outputs.scenario.parent)
        render_report(result, loaded.topology, outputs.report, bases=bases)
        announce_written(outputs.report)


def _montecarlo(
    loaded: Scenario, options: ReplicationOptions, outputs: _Outputs, show: bool
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
    json_path, report = outputs.json_path, outputs.report
    # From the first replication to the last byte written, Ctrl-C only stops the replications:
    # what finished is aggregated, printed and written marked partial (see twin.interrupts).
    with sigint_deferred() as interrupts:
        result = _replicate(loaded, options, total, show)
        print_mc_summary(human_console(json_path), result)
        if json_path is not None:
            emit_json(json_path, result.to_dict())
        if report is not None:
            from twin.report.html_montecarlo import write_montecarlo_report

            write_montecarlo_report(
                result, loaded.topology, report, bases=(Path("."), outputs.scenario.parent)
            )
            announce_written(report)
    if interrupts.requested and not result.partial:
        stderr_console().print("twin: interrupted after the last replication; results complete")
    return EXIT_INTERRUPTED if result.partial or interrupts.requested else EXIT_OK


def _replicate(
    loaded: Scenario, options: ReplicationOptions, total: int, show: bool
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
            rare_events=options.rare_events,
        )


def _write_snapshot(path: Path, loaded: Scenario, result: SimulationResult, at_h: float) -> None:
    """Write the run's state at `at_h` (a file `--state` reads back)."""
    import os

    from twin.atomic import write_text_atomic
    from twin.loading.state import iso, state_document
    from twin.sim.engine import calendar_start
    from twin.sim.snapshot import state_at

    start = calendar_start(loaded)
    assert start is not None  # checked by twin.run_plan.snapshot_time before the run
    if result.horizon_h < at_h:
        raise InputError.about(
            "--at", "the run was interrupted before --at: no state to write there"
        )
    state = state_at(loaded, result, at_h)
    topology_ref = os.path.relpath(Path(loaded.topology_path).resolve(), path.resolve().parent)
    note = (
        f"state of {loaded.name} (seed {result.seed}, replication {result.replication}) "
        f"{at_h:g} h after {iso(start)}"
    )
    write_text_atomic(path, state_document(state, iso(start), at_h, topology_ref, note))
    announce_written(path)
