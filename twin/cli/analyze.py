"""`twin analyze`: static questions about a topology, per demand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.cli.app import EXIT_OK, app, emit_json, human_console
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
from twin.option_values import require_non_negative


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
        float, typer.Option(help="Bound gap at which the availability computation stops.")
    ] = 1e-9,
    availability_method: Annotated[
        str,
        typer.Option(
            "--availability-method",
            help="auto (exact, falling back to bounds on large networks), exact or bounds.",
        ),
    ] = "auto",
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
    from twin.analysis.demand_sets import select_demands
    from twin.analysis.paths import analyze
    from twin.loading import load_topology
    from twin.report.terminal_analysis import print_path_analysis

    if availability_method not in ("auto", "exact", "bounds"):
        raise InputError.at(
            "--availability-method",
            0,
            0,
            f"unknown method {availability_method!r}",
            "use auto, exact or bounds",
        )
    require_non_negative(
        "--tolerance", tolerance, "the largest bound gap to accept, e.g. 1e-9 (0: exact)"
    )
    request = None
    if contingency is not None:
        request = ContingencyRequest(
            mode=contingency,
            mode_option="--contingency",
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
        for name, given in (("--nodes", nodes), ("--link-utilisation", link_utilisation)):
            if given:
                raise InputError.at(
                    name,
                    0,
                    0,
                    f"{name} applies to contingency analysis only",
                    "add --contingency n-1 (or n-2, srlg), or use `twin contingency`",
                )
    topo = load_topology(topology)
    demands = select_demands(
        topo,
        specs=demand,
        scenario=scenario,
        demands_file=demands_file,
        gravity_gbps=gravity,
    )
    if request is not None:
        return run_contingency(topo, demands, request)
    console = human_console(json_path)
    result = analyze(topo, demands, include_planned=include_planned)
    print_path_analysis(console, result)
    doc = result.to_dict()
    if availability:
        from twin.analysis.availability import demand_availability
        from twin.report.terminal_availability import print_availability

        values = {
            d.id: demand_availability(
                topo,
                d.source,
                d.destination,
                include_planned=include_planned,
                tolerance=tolerance,
                method=availability_method,
            )
            for d in demands
        }
        print_availability(console, values)
        doc["availability"] = {k: v.to_dict() for k, v in values.items()}
    emit_json(json_path, doc)
    return EXIT_OK
