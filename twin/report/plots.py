"""`twin plot`: PNG/SVG figures of a run for slides and papers (matplotlib, Agg backend).

Four kinds, each answering one question a slide needs:

- `map`: where did the network fail? Links on country outlines, coloured by downtime.
- `timeline`: when, and for how long? Element outages (queueing for a ship hatched) and the
  demands' outages underneath.
- `latency`: what did users see? RTT of every demand over time, with its budget.
- `availability`: did each demand hold its SLA? Availability in nines against the target.
- `restoration` (Monte Carlo results from a state): when is each demand back? P(connected and
  within its RTT budget by t), with its 95 % interval as a band.

Output is deterministic: the SVG hash salt is fixed and no date is written, so the same result
gives the same bytes and figures can live in git without churn.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from twin.atomic import write_bytes_atomic
from twin.errors import InputError
from twin.model import Topology
from twin.report.basemap import countries_in_view, fit_projection
from twin.report.html_map import NO_DATA, downtime_colour, drawn_links, view_points
from twin.report.map_layout import LabelRequest, place_labels
from twin.report.run_view import element_downs, load_run, verdict
from twin.report.svg import nines, step_points, time_unit
from twin.results import SimulationResult
from twin.results.montecarlo import MonteCarloResult

PLOT_KINDS: tuple[str, ...] = ("map", "timeline", "latency", "availability", "restoration")
FORMATS: tuple[str, ...] = ("png", "svg")
_RC: Any = {
    "svg.hashsalt": "silkroad-twin",
    "svg.fonttype": "path",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


@dataclass(frozen=True)
class MapFacts:
    """What the map draws, from a run or from Monte Carlo results (means per year)."""

    downtime_h: Mapping[str, float]  # link id -> hours down (over the run, or per year)
    failed: frozenset[str]  # links to mark with a cross
    endpoints: frozenset[str]
    title: str
    unit: str = ""  # appended to the legend's downtime figure, e.g. "/year"


def _run_facts(run: SimulationResult) -> MapFacts:
    return MapFacts(
        {lk.id: lk.downtime_h for lk in run.links},
        frozenset(lk.id for lk in run.links if lk.failures > 0),
        frozenset(n for d in run.demands for n in (d.source, d.destination)),
        f"{run.scenario}: link downtime (seed {run.seed})",
    )


def _montecarlo_facts(result: MonteCarloResult) -> MapFacts:
    return MapFacts(
        {lk.id: lk.downtime_h_per_year for lk in result.links},
        frozenset(cause for d in result.demands for cause, _, _ in d.downtime_causes),
        frozenset(n for d in result.demands for n in (d.source, d.destination)),
        f"{result.scenario}: mean link downtime per year "
        f"({result.replications} replications, seed {result.seed})",
        "/year",
    )


def _map(ax: Any, facts: MapFacts, topology: Topology) -> None:
    """The network on its coastlines: links coloured by downtime, failed ones crossed, demand
    endpoints in bold, in the same projection and aspect as the HTML map."""
    shown = [lk for lk in topology.links.values() if lk.status != "retired"]
    used = sorted({lk.a for lk in shown} | {lk.b for lk in shown} or set(topology.nodes))
    nodes = [topology.nodes[n] for n in used]
    # The projection works in pixels; a 1000 x 520 box keeps the same aspect as the HTML map.
    proj = fit_projection(view_points(topology, shown, nodes), 1000.0, 520.0, 0.06)
    for country in countries_in_view(proj):
        for polygon in country.polygons:
            ring = polygon[0]
            xs, ys = zip(*(proj(lon, lat) for lon, lat in ring), strict=True)
            ax.fill(xs, ys, facecolor="#f4f1ea", edgecolor="#b9b2a3", linewidth=0.4, zorder=1)
    worst = max(facts.downtime_h.values(), default=0.0)
    _map_links(ax, facts, topology, shown, proj, worst)
    endpoints = facts.endpoints
    for node in nodes:
        x, y = proj(node.lon, node.lat)
        big = node.id in endpoints
        ax.scatter(
            [x],
            [y],
            s=28 if big else 9,
            color="#1f2933" if big else "white",
            edgecolors="#1f2933",
            linewidths=0.8,
            zorder=4,
        )
    ax.set_xlim(0, proj.width)
    ax.set_ylim(proj.height, 0)
    ax.set_aspect("equal")
    _node_labels(ax, nodes, proj, endpoints)
    ax.set_facecolor("#dcebf5")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    _map_legend(ax, facts, worst)
    ax.set_title(facts.title)


def _map_links(
    ax: Any, facts: MapFacts, topology: Topology, shown: list[Any], proj: Any, worst: float
) -> None:
    """Each link coloured by its downtime (submarine ones over a sea-blue halo), with a cross
    at the middle of each that failed."""
    failed_xy: list[tuple[float, float]] = []

    # Worst links drawn last, so a failed cable is not hidden under an intact one sharing its lane.
    def order(lk: Any) -> tuple[float, bool, str]:
        return (facts.downtime_h.get(lk.id, 0.0), lk.kind == "submarine", lk.id)

    polylines = drawn_links(shown, topology, proj)  # cables sharing a sea lane spread apart
    for link in sorted(shown, key=order):
        pts = polylines[link.id]
        xs, ys = zip(*pts, strict=True)
        downtime = facts.downtime_h.get(link.id, 0.0)
        colour = downtime_colour(downtime, worst)
        style = ":" if link.status == "planned" else ("--" if link.kind == "submarine" else "-")
        if link.kind == "submarine":
            ax.plot(xs, ys, color="#9ecae1", linewidth=4.0, alpha=0.7, zorder=2)
        ax.plot(xs, ys, color=colour, linestyle=style, linewidth=1.8, zorder=3)
        if link.id in facts.failed:
            failed_xy.append(pts[len(pts) // 2])
    if failed_xy:
        fx, fy = zip(*failed_xy, strict=True)
        ax.scatter(fx, fy, marker="x", color="#c62828", s=40, linewidths=2.0, zorder=5)


def _map_legend(ax: Any, facts: MapFacts, worst: float) -> None:
    """What the colours and marks mean; the worst colour carries its downtime in days."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=NO_DATA, linewidth=1.8, label="never down"),
        Line2D(
            [],
            [],
            color=downtime_colour(worst, worst),
            linewidth=1.8,
            label=f"most downtime ({worst / 24:.1f} d{facts.unit})",
        ),
        Line2D([], [], color=NO_DATA, linestyle="--", linewidth=1.8, label="submarine"),
        Line2D([], [], color="#c62828", marker="x", linestyle="", label="failed in the run"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=7, framealpha=0.9)


def _node_labels(ax: Any, nodes: Any, proj: Any, endpoints: frozenset[str]) -> None:
    """Endpoint names in bold, other names small where they fit (see `place_labels`).

    Placement works in data units (the projection's pixels); the font size in points is turned
    into data units through the axes' size on the figure, so the boxes match what is drawn.
    """
    ax.apply_aspect()
    width_pt = ax.get_window_extent().width * 72.0 / ax.figure.dpi
    units_per_pt = proj.width / max(1.0, width_pt)
    sizes_pt = {True: 8.0, False: 6.5}
    requests: list[LabelRequest] = []
    for node in nodes:
        x, y = proj(node.lon, node.lat)
        big = node.id in endpoints
        requests.append(
            LabelRequest(
                node.id,
                x,
                y,
                node.name,
                sizes_pt[big] * units_per_pt,
                radius_px=(3.0 if big else 2.0) * units_per_pt,
                bold=big,
                keep=big,
            )
        )
    requests.sort(key=lambda r: (not r.keep, r.key))
    legend = (0.0, proj.height * 0.72, proj.width * 0.2, proj.height * 0.28)  # lower left
    for label in place_labels(requests, (proj.width, proj.height), [legend]):
        big = label.key in endpoints
        ax.text(
            label.x,
            label.y,
            next(node.name for node in nodes if node.id == label.key),
            ha={"start": "left", "end": "right", "middle": "center"}[label.anchor],
            va="baseline",
            fontsize=sizes_pt[big],
            fontweight="bold" if big else "normal",
            color="#1f2933",
            zorder=6,
        )


def _timeline(ax: Any, run: SimulationResult) -> None:
    unit, per = time_unit(run.horizon_h)
    downs = element_downs(run)
    totals: dict[str, float] = {}
    for d in downs:
        totals[d.element] = totals.get(d.element, 0.0) + d.duration_h
    elements = sorted(totals, key=lambda e: (-totals[e], e))[:20]
    labels: list[str] = []
    row = 0
    for demand in reversed(run.demands):
        bars = [
            (o.start_h / per, max(o.duration_h / per, run.horizon_h / per / 800))
            for o in demand.outages
        ]
        ax.broken_barh(bars, (row - 0.35, 0.7), facecolors="#c62828")
        status = verdict(run, demand)[0]
        labels.append(f"{demand.id} ({'missed' if status == 'missed' else 'ok'})")
        row += 1
    for element in reversed(elements):
        for d in (x for x in downs if x.element == element):
            if d.wait_h > 0:
                ax.broken_barh(
                    [(d.start_h / per, d.wait_h / per)],
                    (row - 0.35, 0.7),
                    facecolors="#e1bee7",
                    edgecolor="#7b1fa2",
                    hatch="///",
                    linewidth=0.5,
                )
            colour = "#1565c0" if d.cause == "maintenance" else "#ef6c00"
            ax.broken_barh(
                [
                    (
                        (d.start_h + d.wait_h) / per,
                        max((d.duration_h - d.wait_h) / per, run.horizon_h / per / 800),
                    )
                ],
                (row - 0.35, 0.7),
                facecolors=colour,
            )
        labels.append(element)
        row += 1
    if run.demands and elements:
        ax.axhline(len(run.demands) - 0.5, color="#66707a", linewidth=0.8)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, run.horizon_h / per)
    ax.set_xlabel(f"time ({unit})")
    ax.grid(axis="x", color="#d9dde3", linewidth=0.6)
    ax.set_title(
        f"{run.scenario}: element outages (orange; hatched = waiting for a repair resource) "
        "and demand outages (red)"
    )


def _latency(ax: Any, run: SimulationResult) -> None:
    unit, per = time_unit(run.horizon_h)
    import matplotlib

    palette = matplotlib.colormaps["tab10"]
    for index, demand in enumerate(run.demands):
        colour = palette(index % 10)
        xs: list[float] = []
        ys: list[float] = []
        for start, end, rtt in step_points(demand.rtt_series, run.horizon_h):
            value = math.nan if rtt is None else rtt
            xs.extend([start / per, end / per])
            ys.extend([value, value])
        ax.plot(xs, ys, color=colour, linewidth=1.4, label=demand.id)
        if demand.sla_max_rtt_ms is not None:
            ax.axhline(demand.sla_max_rtt_ms, color=colour, linestyle="--", linewidth=0.8)
    ax.set_xlim(0, run.horizon_h / per)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel("RTT (ms); gaps = disconnected; dashed = budget")
    ax.grid(color="#d9dde3", linewidth=0.6)
    ax.legend(fontsize=8, ncols=min(5, max(1, len(run.demands))), loc="lower right")
    ax.set_title(f"{run.scenario}: round-trip time per demand")


def _availability(ax: Any, run: SimulationResult) -> None:
    demands = list(run.demands)
    values = [nines(d.sla_availability) for d in demands]
    targets = [
        nines(d.sla_availability_target) if d.sla_availability_target else None for d in demands
    ]
    top = min(
        7.0, max(5.0, math.ceil(max(values + [t or 0.0 for t in targets], default=5.0) + 0.5))
    )
    colours = ["#c62828" if verdict(run, d)[0] == "missed" else "#2e7d32" for d in demands]
    rows = range(len(demands))
    ax.barh(list(rows), [min(v, top) for v in values], color=colours, height=0.6)
    for row, target in zip(rows, targets, strict=True):
        if target is not None:
            ax.plot([target, target], [row - 0.4, row + 0.4], color="#1f2933", linewidth=2)
    ax.set_yticks(list(rows))
    ax.set_yticklabels([d.id for d in demands])
    ax.invert_yaxis()
    ticks = list(range(int(top) + 1))
    ax.set_xticks(ticks)
    ax.set_xticklabels(["0 %"] + [f"{100 * (1 - 10**-k):.{max(0, k - 2)}f} %" for k in ticks[1:]])
    ax.set_xlim(0, top)
    ax.set_xlabel("SLA availability (scale of nines; black tick = SLA target)")
    ax.grid(axis="x", color="#d9dde3", linewidth=0.6)
    ax.set_title(f"{run.scenario}: availability against SLA (red = missed)")


def _restoration(ax: Any, result: MonteCarloResult) -> None:
    unit, per_h = time_unit(result.horizon_h)
    for d in result.demands:
        if d.outlook is None:
            continue
        points = d.outlook.restoration
        xs = [p.t_h / per_h for p in points]
        (line,) = ax.step(xs, [p.p for p in points], where="post", linewidth=1.6, label=d.id)
        ax.fill_between(
            xs,
            [p.low for p in points],
            [p.high for p in points],
            step="post",
            alpha=0.18,
            color=line.get_color(),
            linewidth=0,
        )
    ax.set_ylim(0.0, 1.02)
    ax.set_xlim(0.0, result.horizon_h / per_h)
    ax.set_xlabel(f"{unit} after {result.as_of}")
    ax.set_ylabel("P(restored by t)")
    ax.grid(color="#d9dde3", linewidth=0.6)
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(
        f"{result.scenario}: connected and within RTT budget by t "
        f"({result.replications} replications, band = 95 % interval)"
    )


_SIZES: Mapping[str, tuple[float, float]] = {
    "map": (11.0, 6.0),
    "timeline": (11.0, 5.0),
    "latency": (10.0, 4.5),
    "availability": (8.0, 3.5),
    "restoration": (10.0, 4.5),
}


def plot_bytes(
    result: SimulationResult | MonteCarloResult | Mapping[str, Any],
    topology: Topology | None,
    kind: str,
    fmt: str,
) -> bytes:
    """One figure as PNG or SVG bytes (deterministic for a given result)."""
    if kind not in PLOT_KINDS:
        raise InputError.for_parameter(
            "kind", f"unknown plot kind {kind!r}", f"choose one of {', '.join(PLOT_KINDS)}"
        )
    if fmt not in FORMATS:
        raise InputError.for_parameter(
            "fmt", f"cannot write a .{fmt} figure", "name the output file .png or .svg"
        )
    if kind == "map" and topology is None:
        raise InputError.about("--kind", "a map needs the topology", "pass --topology FILE")
    if kind == "restoration":
        if not isinstance(result, MonteCarloResult) or not any(
            d.outlook is not None for d in result.demands
        ):
            raise InputError.for_parameter(
                "kind",
                "a restoration plot needs Monte Carlo results of a run from a state",
                "run the scenario from a state (a state file) with replications, then plot it",
            )
        return _figure(lambda ax: _restoration(ax, result), _SIZES["restoration"], fmt)
    if isinstance(result, MonteCarloResult):
        if kind != "map":
            raise InputError.for_parameter(
                "kind",
                f"Monte Carlo results have no {kind} plot: it draws one replication",
                "plot the map, or write the report for intervals per demand",
            )
        assert topology is not None
        return _figure(lambda ax: _map(ax, _montecarlo_facts(result), topology), _SIZES["map"], fmt)
    run = load_run(result)
    width, height = _SIZES[kind]
    if kind == "timeline":
        height = min(9.0, 1.2 + 0.25 * max(3, len(run.demands) + 12))
    elif kind == "availability":
        height = max(2.5, 1.0 + 0.45 * len(run.demands))
    mapped = topology  # checked above for a map; bound here for the drawing closure
    draw: dict[str, Any] = {
        "map": lambda ax: _map(ax, _run_facts(run), cast(Topology, mapped)),
        "timeline": lambda ax: _timeline(ax, run),
        "latency": lambda ax: _latency(ax, run),
        "availability": lambda ax: _availability(ax, run),
    }
    return _figure(draw[kind], (width, height), fmt)


def _figure(draw: Any, size_in: tuple[float, float], fmt: str) -> bytes:
    """One figure of `size_in` (inches) drawn by `draw(ax)`, as deterministic PNG or SVG bytes."""
    plt = _pyplot()
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig, ax = plt.subplots(figsize=size_in, dpi=150)
        try:
            draw(ax)
            fig.tight_layout()
            buffer = io.BytesIO()
            metadata: dict[str, Any] = (
                {"Date": None, "Creator": "silkroad-twin"}
                if fmt == "svg"
                else {"Software": "silkroad-twin"}
            )
            fig.savefig(buffer, format=fmt, metadata=metadata)
        finally:
            plt.close(fig)
    return buffer.getvalue()


def plot(
    result: SimulationResult | MonteCarloResult | Mapping[str, Any],
    topology: Topology | None,
    kind: str,
    out_path: str | Path,
) -> None:
    """Write one figure atomically; the format is the output file's extension (.png, .svg)."""
    fmt = Path(out_path).suffix.lower().lstrip(".")
    write_bytes_atomic(out_path, plot_bytes(result, topology, kind, fmt))
