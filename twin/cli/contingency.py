"""`twin contingency`: N-1, N-2 and SRLG failure analysis with link loads."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from twin.analysis.contingency_options import check_contingency_options
from twin.cli.app import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    app,
    emit_json_stream,
    emit_text,
    human_console,
    progress_bar,
    stderr_console,
)
from twin.interrupts import sigint_deferred
from twin.model import Demand, Topology
from twin.option_values import MAX_WORKERS, usable_workers

if TYPE_CHECKING:
    from collections.abc import Callable

    from twin.results.contingency import ContingencyResult


# One option set for `twin contingency` and `twin analyze --contingency`: the same names, help
# and checks, so the two spellings of the same analysis cannot drift apart.
ScenarioOption = Annotated[
    Path | None,
    typer.Option("--scenario", help="Take demands (with Gbit/s and SLAs) from a scenario."),
]
DemandsFileOption = Annotated[
    Path | None,
    typer.Option(
        "--demands",
        help="A demands file: a YAML 'demands:' list, entries as in scenarios "
        "(docs/file-formats.md).",
    ),
]
GravityOption = Annotated[
    float | None,
    typer.Option(
        "--gravity", help="Gravity-model demands between all nodes, totalling this many Gbit/s."
    ),
]
RoutingOption = Annotated[str, typer.Option("--routing", help="shortest or ecmp.")]
MetricOption = Annotated[
    str,
    typer.Option("--metric", help="latency, hops or igp (links without igp_metric use length_km)."),
]
NodesOption = Annotated[bool, typer.Option("--nodes", help="N-1 also fails every node.")]
TopOption = Annotated[int, typer.Option("--top", help="Rows in the worst-case table.")]
WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        help="Evaluate failures in N processes (same result for any N); capped at the usable "
        "cores and 64.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Evaluate failures on the Dask cluster at this address (tcp://HOST:8786; "
        "needs the dask extra). Same result as one process.",
    ),
]
LinkUtilisationOption = Annotated[
    bool,
    typer.Option(
        "--link-utilisation",
        help="Write every failure's utilisation of each loaded directed link to the JSON "
        "(off by default: N-2 files grow large).",
    ),
]


@dataclass(frozen=True)
class ContingencyRequest:
    """What to evaluate and how to report it; `mode_parameter` names the parameter the mode
    came from (`mode`, or `twin analyze`'s `contingency`) so a bad value is reported against
    what was typed."""

    mode: str
    mode_parameter: str = "mode"
    routing: str = "shortest"
    metric: str = "latency"
    include_nodes: bool = False
    include_planned: bool = False
    top: int = 15
    workers: int = 1
    link_utilisation: bool = False
    json_path: Path | None = None
    scheduler: str | None = None
    markdown_path: Path | None = None

    def checked(self) -> ContingencyRequest:
        """Every option checked before any work: exit 2 naming the option."""
        check_contingency_options(
            self.mode,
            self.routing,
            self.metric,
            self.workers,
            self.scheduler,
            self.top,
            self.mode_parameter,
        )
        return self


def run_contingency(topology: Topology, demands: list[Demand], request: ContingencyRequest) -> int:
    """The one code path of `twin contingency` and `twin analyze --contingency`."""
    from twin.report.terminal_contingency import print_contingency
    from twin.results.contingency import failure_document

    request.checked()
    # Ctrl-C stops the evaluation; the failures evaluated so far are printed and written
    # marked partial, and the write itself is never cut short (see twin.interrupts).
    with sigint_deferred() as interrupts:
        result = _evaluate(topology, demands, request, stop=lambda: interrupts.requested)
        console = human_console(request.json_path, request.markdown_path)
        print_contingency(console, result, request.top)
        # Streamed: an N-2 document runs to hundreds of MB, which building whole would double.
        failures = (failure_document(f) for f in result.failures)
        emit_json_stream(request.json_path, result.document_head(), "failures", failures)
        if request.markdown_path is not None:  # built only when asked for
            from twin.report.markdown_contingency import contingency_markdown

            emit_text(request.markdown_path, contingency_markdown(result, request.top))
    return EXIT_INTERRUPTED if interrupts.requested else EXIT_OK


def _evaluate(
    topology: Topology, demands: list[Demand], request: ContingencyRequest, stop: Callable[[], bool]
) -> ContingencyResult:
    from twin.analysis.contingency import Mode, Routing, contingency
    from twin.routing import Metric

    # Failures are split into ranges per worker; more workers than cores only time-share them.
    workers, capped = usable_workers(request.workers, MAX_WORKERS)
    if capped:
        stderr_console().print(f"note: {capped}", markup=False)
    run = functools.partial(
        contingency,
        topology,
        demands,
        mode=cast(Mode, request.mode),
        routing=cast(Routing, request.routing),
        metric=cast(Metric, request.metric),
        include_nodes=request.include_nodes,
        include_planned=request.include_planned,
        workers=workers,
        link_utilisation=request.link_utilisation,
        scheduler=request.scheduler,
        stop=stop,
    )
    if not sys.stderr.isatty():
        return run(progress=None)  # no bar to draw (CI, a pipe): nor its module to import
    with progress_bar("contingency", "{task.completed}/{task.total} failures", show=True) as bar:
        task = bar.add_task("contingency", total=None)
        return run(progress=lambda done, total: bar.update(task, completed=done, total=total))


@app.command("contingency")
def contingency_command(
    topology: Annotated[Path, typer.Argument(help="Topology file.")],
    mode: Annotated[str, typer.Option(help="n-1 (every link), n-2 (every pair) or srlg.")] = "n-1",
    scenario: ScenarioOption = None,
    demands_file: DemandsFileOption = None,
    gravity: GravityOption = None,
    routing: RoutingOption = "shortest",
    metric: MetricOption = "latency",
    nodes: NodesOption = False,
    include_planned: Annotated[bool, typer.Option(help="Planned links in service.")] = False,
    top: TopOption = 15,
    workers: WorkersOption = 1,
    link_utilisation: LinkUtilisationOption = False,
    scheduler: SchedulerOption = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write results as JSON to FILE, or - for standard output."),
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option(
            "--markdown",
            help="Write the worst failures (--top) as Markdown to FILE, or - for standard output "
            "(e.g. $GITHUB_STEP_SUMMARY).",
        ),
    ] = None,
) -> int:
    """For every failure of the chosen kind: the demands that lose connectivity or exceed their
    RTT budget (with their RTTs, and the fibre RTT beside a calibrated one), the RTT stretch of
    rerouted demands, link utilisations (per direction), the
    overloaded links and the traffic that finds no path; the worst failures first (traffic
    lost, then demands disconnected, then demands over their RTT budget, then link load).

    Demands: from a scenario, a demands file, a gravity model (demand between two nodes
    proportional to the product of their weights — 3 for ixp/datacenter, 2 for pop, 1 for
    landing/border — divided by their distance, scaled to --gravity Gbit/s), or by default the
    standard corridor pairs at 10 Gbit/s. Give at most one of --scenario, --demands and
    --gravity; demands whose nodes the topology lacks are refused.

    Examples:

        twin contingency topologies/silk-road-2026.yaml --mode srlg \
            --scenario scenarios/annual-reliability.yaml

        twin contingency net.yaml --mode n-2 --routing ecmp --metric hops --gravity 1000

        twin contingency net.yaml --mode n-2 --gravity 1000 --scheduler tcp://HOST:8786

        twin contingency net.yaml --scenario s.yaml --markdown "$GITHUB_STEP_SUMMARY"
    """
    from twin.analysis.demand_sets import select_demands
    from twin.loading import load_topology

    request = ContingencyRequest(
        mode=mode,
        routing=routing,
        metric=metric,
        include_nodes=nodes,
        include_planned=include_planned,
        top=top,
        workers=workers,
        link_utilisation=link_utilisation,
        json_path=json_path,
        scheduler=scheduler,
        markdown_path=markdown,
    ).checked()
    # Ctrl-C while loading waits for it: once the command has started, it writes something.
    with sigint_deferred():
        topo = load_topology(topology)
        demands = select_demands(
            topo, scenario=scenario, demands_file=demands_file, gravity_gbps=gravity
        )
        return run_contingency(topo, demands, request)
