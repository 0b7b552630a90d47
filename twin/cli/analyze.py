"""`twin analyze`: static questions about a topology, per demand."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twin.cli.app import EXIT_INTERRUPTED, EXIT_OK, app, emit_json, flag_of, human_console
from twin.cli.contingency import (
    ContingencyRequest,
    DemandsFileOption,
    GravityOption,
    LinkUtilisationOption,
    MetricOption,
    NodesOption,
    RoutingOption,
    ScenarioOption,
    TopOption,
    WorkersOption,
    run_contingency,
)
from twin.errors import InputError
from twin.interrupts import sigint_deferred

if TYPE_CHECKING:
    from twin.analysis.availability import AvailabilityResult, Settings
    from twin.model import Demand, Topology


@app.command("analyze")
def analyze_command(
    topology: Annotated[Path, typer.Argument(help="Topology file (topologies/*.yaml).")],
    demand: Annotated[
        list[str] | None,
        typer.Option(
            help="A demand as SOURCE:DEST (repeatable). Default: frankfurt:baku, "
            "frankfurt:almaty, frankfurt:urumqi, frankfurt:hong-kong, baku:almaty "
            "(those whose nodes exist)."
        ),
    ] = None,
    include_planned: Annotated[
        bool, typer.Option(help="Treat planned links (e.g. the Superhighway) as in service.")
    ] = False,
    availability: Annotated[
        bool,
        typer.Option(
            help="Also compute each demand's steady-state availability from the failure "
            "classes (exact, or certified bounds on large networks)."
        ),
    ] = False,
    tolerance: Annotated[
        float,
        typer.Option(
            help="Availability bounds: also stop refining once the interval is this narrow "
            "(absolute; 1e-12 is 0.03 ms down a year; 0: only --relative-width decides)."
        ),
    ] = 1e-12,
    relative_width: Annotated[
        float,
        typer.Option(
            "--relative-width",
            help="Availability bounds: stop refining once the interval is this fraction of the "
            "unavailability (0.1: within 10 %).",
        ),
    ] = 0.1,
    availability_method: Annotated[
        str,
        typer.Option(
            "--availability-method",
            help="auto (exact from one decision diagram when its predicted size fits, else "
            "certified bounds), exact or bounds.",
        ),
    ] = "auto",
    time_budget: Annotated[
        float,
        typer.Option(
            "--time-budget",
            help="Seconds the availability analysis may take in all (1 to 86400). Bounds say "
            "when it ran out; a network beyond it is refused with a pointer to simulation.",
        ),
    ] = 60.0,
    contingency: Annotated[
        str | None,
        typer.Option(
            help="Contingency analysis instead: n-1, n-2 or srlg (the same analysis and "
            "options as `twin contingency`)."
        ),
    ] = None,
    scenario: ScenarioOption = None,
    demands_file: DemandsFileOption = None,
    gravity: GravityOption = None,
    routing: RoutingOption = "shortest",
    metric: MetricOption = "latency",
    nodes: NodesOption = False,
    top: TopOption = 15,
    workers: WorkersOption = 1,
    link_utilisation: LinkUtilisationOption = False,
    json_path: Annotated[
        Path | None,
        typer.Option(
            "--json", help="Write the analysis as JSON to FILE, or - for standard output."
        ),
    ] = None,
) -> int:
    """For each demand: the lowest-latency path, its RTT and length, the physical floor
    (geodesic RTT at fibre speed) and the stretch over it, the link-disjoint and SRLG-disjoint
    paths with their RTTs, and the links, nodes and SRLGs whose loss alone disconnects it.

    Examples:

        twin analyze topologies/silk-road-2026.yaml

        twin analyze topologies/eurasia-routes.yaml --demand frankfurt:hong-kong --json out.json

        twin analyze topologies/silk-road-2026.yaml --availability

        twin analyze topologies/silk-road-2026.yaml --contingency n-1 --demands demands.yaml

    Demands: --demand pairs, a --scenario's demands, a --demands file or a --gravity model
    (at most one); without them the standard corridor pairs.
    """
    from twin.analysis.availability import checked_settings
    from twin.analysis.demand_sets import select_demands
    from twin.loading import load_topology

    settings = checked_settings(availability_method, tolerance, relative_width, time_budget)
    request = None
    if contingency is not None:
        request = ContingencyRequest(
            mode=contingency,
            mode_parameter="contingency",
            routing=routing,
            metric=metric,
            include_nodes=nodes,
            include_planned=include_planned,
            top=top,
            workers=workers,
            link_utilisation=link_utilisation,
            json_path=json_path,
        ).checked()
    else:
        _refuse_contingency_only(nodes=nodes, link_utilisation=link_utilisation)
    topo = load_topology(topology)
    demands = select_demands(
        topo, specs=demand, scenario=scenario, demands_file=demands_file, gravity_gbps=gravity
    )
    if request is not None:
        return run_contingency(topo, demands, request)
    return _paths_and_availability(
        topo, demands, settings if availability else None, include_planned, json_path
    )


def _refuse_contingency_only(**given: bool) -> None:
    """Options of the contingency analysis given without --contingency: refused, not ignored."""
    for name, value in given.items():
        if value:
            option = flag_of(name)
            raise InputError.about(
                option,
                f"{option} applies to contingency analysis only",
                "add --contingency n-1 (or n-2, srlg), or use `twin contingency`",
            )


def _paths_and_availability(
    topo: Topology,
    demands: list[Demand],
    settings: Settings | None,
    include_planned: bool,
    json_path: Path | None,
) -> int:
    """The path analysis, and with `settings` each demand's availability, printed and written.

    Ctrl-C during the availability analysis keeps the demands done; the others are written as
    interrupted and the document as partial, and the writing is never cut short."""
    from twin.analysis.paths import analyze
    from twin.report.terminal_analysis import print_path_analysis

    console = human_console(json_path)
    with sigint_deferred() as interrupts:
        result = analyze(topo, demands, include_planned=include_planned)
        print_path_analysis(console, result)
        doc = result.to_dict()
        if settings is not None:
            from twin.report.terminal_availability import print_availability

            values = _availability(topo, demands, settings, include_planned)
            print_availability(console, values)
            doc["availability"] = {k: v.to_dict() for k, v in values.items()}
            doc["partial"] = any(v.interrupted for v in values.values())
        emit_json(json_path, doc)
    return EXIT_INTERRUPTED if interrupts.requested else EXIT_OK


def _availability(
    topo: Topology, demands: list[Demand], settings: Settings, include_planned: bool
) -> dict[str, AvailabilityResult]:
    """`availability_by_demand` with a progress bar on a terminal's stderr (none when piped:
    rich turns it off, and NO_COLOR is honoured)."""
    import sys

    from twin.analysis.availability import availability_by_demand
    from twin.cli.app import progress_bar

    with progress_bar(
        "availability", "{task.completed}/{task.total} demands", show=sys.stderr.isatty()
    ) as bar:
        task = bar.add_task("availability", total=len({(d.source, d.destination) for d in demands}))
        return availability_by_demand(
            topo,
            demands,
            include_planned=include_planned,
            settings=settings,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
