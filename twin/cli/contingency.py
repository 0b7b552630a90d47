"""`twin contingency`: N-1, N-2 and SRLG failure analysis with link loads."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from twin.cli.app import EXIT_OK, app, emit_json, human_console, stderr_console
from twin.errors import InputError
from twin.model import Demand, Topology

MODES = ("n-1", "n-2", "srlg")
ROUTINGS = ("shortest", "ecmp")
METRICS = ("latency", "hops", "igp")


def _choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InputError.at(option, 0, 0, f"unknown value {value!r}", f"use {', '.join(allowed)}")
    return value


def run_contingency(
    topology: Topology,
    demands: list[Demand],
    mode: str,
    *,
    routing: str = "shortest",
    metric: str = "latency",
    include_nodes: bool = False,
    include_planned: bool = False,
    json_path: Path | None = None,
    top: int = 15,
    workers: int = 1,
) -> int:
    """Shared by `twin contingency` and `twin analyze --contingency`."""
    from twin.analysis.contingency import Mode, Routing, contingency
    from twin.report.terminal_contingency import print_contingency
    from twin.routing import Metric

    if workers < 1:
        raise InputError.at(
            "--workers",
            0,
            0,
            f"--workers must be at least 1, not {workers}",
            "use 1 (in this process) or the number of cores to use",
        )
    with Progress(
        TextColumn("contingency"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} failures"),
        TimeElapsedColumn(),
        console=stderr_console(),
        disable=not sys.stderr.isatty(),
        transient=True,
    ) as bar:
        task = bar.add_task("contingency", total=None)
        result = contingency(
            topology,
            demands,
            mode=cast(Mode, _choice("--mode", mode, MODES)),
            routing=cast(Routing, _choice("--routing", routing, ROUTINGS)),
            metric=cast(Metric, _choice("--metric", metric, METRICS)),
            include_nodes=include_nodes,
            include_planned=include_planned,
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    print_contingency(human_console(json_path), result, top)
    emit_json(json_path, result.to_dict())
    return EXIT_OK


@app.command("contingency")
def contingency_command(
    topology: Annotated[Path, typer.Argument(help="Topology file.")],
    mode: Annotated[str, typer.Option(help="n-1 (every link), n-2 (every pair) or srlg.")] = "n-1",
    scenario: Annotated[
        Path | None, typer.Option(help="Take demands (with Gbit/s and SLAs) from a scenario.")
    ] = None,
    demands_file: Annotated[
        Path | None,
        typer.Option("--demands", help="A demands file (a YAML 'demands:' list, as scenarios)."),
    ] = None,
    gravity: Annotated[
        float | None,
        typer.Option(help="Gravity-model demands between all nodes, totalling this many Gbit/s."),
    ] = None,
    routing: Annotated[str, typer.Option(help="shortest or ecmp.")] = "shortest",
    metric: Annotated[str, typer.Option(help="latency, hops or igp.")] = "latency",
    nodes: Annotated[bool, typer.Option("--nodes", help="N-1 also fails every node.")] = False,
    include_planned: Annotated[bool, typer.Option(help="Planned links in service.")] = False,
    top: Annotated[int, typer.Option(help="Rows in the worst-case table.")] = 15,
    workers: Annotated[
        int,
        typer.Option(help="Evaluate failures in N processes (same result for any N)."),
    ] = 1,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write results as JSON to FILE, or - for standard output."),
    ] = None,
) -> int:
    """For every failure of the chosen kind: the demands that lose connectivity or exceed their
    RTT budget, the RTT stretch of rerouted demands, link utilisations (per direction), the
    overloaded links and the traffic that finds no path; the worst failures first.

    Demands: from a scenario, a demands file, a gravity model (demand between two nodes
    proportional to the product of their weights — 3 for ixp/datacenter, 2 for pop, 1 for
    landing/border — divided by their distance, scaled to --gravity Gbit/s), or by default the
    standard corridor pairs at 10 Gbit/s.

    Examples:

        twin contingency topologies/silk-road-2026.yaml --mode srlg \
            --scenario scenarios/annual-reliability.yaml

        twin contingency net.yaml --mode n-2 --routing ecmp --metric hops --gravity 1000
    """
    from twin.analysis.demand_sets import default_demands, gravity_demands, load_demands_file
    from twin.loading import load_scenario, load_topology

    topo = load_topology(topology)
    if scenario is not None:
        demands = list(load_scenario(scenario).demands)
    elif demands_file is not None:
        demands = load_demands_file(demands_file, topo)
    elif gravity is not None:
        demands = gravity_demands(topo, gravity)
    else:
        demands = default_demands(topo)
    return run_contingency(
        topo,
        demands,
        mode,
        routing=routing,
        metric=metric,
        include_nodes=nodes,
        include_planned=include_planned,
        json_path=json_path,
        top=top,
        workers=workers,
    )
