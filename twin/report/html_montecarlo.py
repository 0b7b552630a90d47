"""`twin report` for Monte Carlo results: each demand's availability with its 95 % interval.

One replication tells a story (the run report); many replications give an estimate. The
question here is statistical: is the SLA met with confidence, missed with confidence, or is the
target inside the interval (run more replications)? The verdict says which, so nobody reads a
lucky mean as a guarantee.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from twin.atomic import canonical_json, write_text_atomic
from twin.model import Topology
from twin.report.html import InputFile, format_span_h, inputs_digest, trace_input_paths
from twin.report.html_env import render, twin_version
from twin.report.html_map import (
    DOWNTIME_STOPS,
    LegendRow,
    LinkPaint,
    downtime_colour,
    map_legend,
    render_map_svg,
)
from twin.report.run_view import format_percent
from twin.report.svg import availability_bar, restoration_chart
from twin.results.montecarlo import (
    DemandStats,
    Interval,
    LinkStats,
    MonteCarloResult,
    replications_to_decide,
)
from twin.results.outlook import Proportion
from twin.results.sla import Verdict
from twin.units import format_duration_h

STATUS_LABEL = {
    Verdict.HELD: "SLA held (95 %)",
    Verdict.MISSED: "SLA missed (95 %)",
    Verdict.UNDECIDED: "undecided",
    Verdict.NO_SLA: "no SLA",
}


def _interval_text(d: DemandStats) -> str:
    """The interval against the target, in words (which side it falls, or how to decide it)."""
    est, target, status = d.sla_availability, d.sla_target, d.verdict()
    if target is None:
        return ""
    if status is Verdict.MISSED:
        return (
            f"even the interval's upper end {format_percent(est.high)} is below the "
            f"{target * 100:g} % target"
        )
    if status is Verdict.HELD:
        return (
            f"even the interval's lower end {format_percent(est.low)} clears the "
            f"{target * 100:g} % target"
        )
    more = replications_to_decide(est, target)
    return f"the {target * 100:g} % target lies inside the interval: run more replications" + (
        f" (about {more:,} would decide it)" if more else ""
    )


def limits(d: DemandStats) -> str:
    """What limits the demand: the interval against the target, then who takes it down."""
    parts = [text for text in (_interval_text(d),) if text]
    if d.downtime_causes:
        named = ", ".join(
            f"{element} ({share * 100:.0f} %, {outages} outage{'s' if outages != 1 else ''})"
            for element, share, outages in d.downtime_causes
        )
        parts.append(f"downtime mostly after failures of {named}")
    elif d.downtime_min_per_year.mean <= 0:
        parts.append(f"never disconnected in {d.sla_availability.n} replications")
    sla_dt_mean = d.sla_downtime_min_per_year.mean
    extra = sla_dt_mean - d.downtime_min_per_year.mean
    if extra > 0.05 and (d.downtime_min_per_year.mean <= 0 or extra > 0.1 * sla_dt_mean):
        parts.append(
            f"{extra:,.1f} min/year of SLA time lost while connected (RTT over budget, "
            "failover interruptions or traffic not fully carried)"
        )
    return "; ".join(parts)


def sentence(d: DemandStats) -> str:
    """One demand's estimate, its target and what limits it, for people."""
    est = d.sla_availability
    text = f"SLA availability {format_percent(est.mean)} (95 % interval "
    if math.isfinite(est.low) and math.isfinite(est.high):
        text += f"{format_percent(est.low)} – {format_percent(est.high)}, "
    else:
        text += "undefined, "
    text += f"{est.n} replications)"
    if d.sla_target is not None:
        text += f" vs target {d.sla_target * 100:g} %"
    reasons = limits(d)
    return f"{text}; {reasons}" if reasons else text


def _link_paint(result: MonteCarloResult, topology: Topology) -> tuple[dict[str, LinkPaint], float]:
    """Links coloured by mean downtime per year; the note says whose downtime each one causes."""
    blamed: dict[str, list[str]] = {}
    for d in result.demands:
        for element, share, _ in d.downtime_causes:
            blamed.setdefault(element, []).append(f"{share * 100:.0f} % of {d.id} downtime")
    per_year = {lk.id: lk for lk in result.links}
    worst = max((lk.downtime_h_per_year for lk in result.links), default=0.0)
    paint: dict[str, LinkPaint] = {}
    for link_id in topology.links:
        stats = per_year.get(link_id, LinkStats(link_id, 0.0, 0.0))
        hours = stats.downtime_h_per_year
        note = (
            f"{stats.failures_per_year:.2f} failures/year, mean downtime "
            f"{format_duration_h(hours)}/year"
        )
        if link_id in blamed:
            note += "; cause of " + ", ".join(blamed[link_id])
        paint[link_id] = LinkPaint(
            downtime_colour(hours, worst), note, rank=hours, marked=link_id in blamed
        )
    return paint, worst


def _legend(worst_h: float) -> Markup:
    top = max(worst_h, 2.0)
    rows = []
    for i, colour in enumerate(DOWNTIME_STOPS):
        hours = math.expm1(math.log1p(top) * i / len(DOWNTIME_STOPS))
        rows.append(LegendRow(colour, "> 0" if i == 0 else f"≥ {format_duration_h(hours)}"))
    rows.append(LegendRow("#8a96a3", "never down", "line"))
    rows.append(LegendRow("#c62828", "✕ a top cause of a demand's downtime", "none"))
    return map_legend("Mean link downtime per year", rows)


def _precision_text(result: MonteCarloResult) -> str:
    if result.precision_target is None:
        return f"fixed {result.replications} replications"
    watched = ", ".join(result.precision_demands) or "every demand"
    reached = result.precision_reached
    state = "reached" if reached is True else ("not reached" if reached is False else "?")
    return f"±{result.precision_target * 100:g} % of unavailability, watching {watched}: {state}"


def headline(result: MonteCarloResult) -> tuple[str, bool]:
    """The page's one line: which demands miss their SLA with 95 % confidence."""
    statuses = [d.verdict() for d in result.demands]
    missed = [d.id for d, s in zip(result.demands, statuses, strict=True) if s is Verdict.MISSED]
    if missed:
        text = f"{len(missed)} of {len(statuses)} demands miss their SLA: {', '.join(missed)}"
    elif all(s is Verdict.NO_SLA for s in statuses):
        text = "no demand has an SLA"
    else:
        text = "no demand misses its SLA with 95 % confidence"
    return text, bool(missed)


def _minutes(i: Interval) -> str:
    if math.isfinite(i.low) and math.isfinite(i.high):
        return f"{i.mean:,.0f} [{i.low:,.0f}, {i.high:,.0f}]"
    return f"{i.mean:,.0f}"


def _summary_row(d: DemandStats) -> dict[str, Any]:
    est, status = d.sla_availability, d.verdict()
    interval = (est.low, est.high) if math.isfinite(est.low + est.high) else None
    return {
        "id": d.id,
        "downtime": _minutes(d.downtime_min_per_year),
        "sentence": sentence(d),
        "estimator": d.estimator,
        "css": {Verdict.HELD: "held", Verdict.MISSED: "missed"}.get(status, "no-sla"),
        "label": STATUS_LABEL[status],
        # Green unless the whole interval misses: an undecided demand is not painted as lost.
        "bar": availability_bar(
            est.mean, d.sla_target, f"avail-{d.id}", status is not Verdict.MISSED, interval
        ),
    }


def _share(i: Interval) -> str:
    if math.isfinite(i.low) and math.isfinite(i.high):
        return f"{i.mean * 100:.4f} % [{i.low * 100:.4f}, {i.high * 100:.4f}]"
    return f"{i.mean * 100:.4f} %"


def _survivability_rows(result: MonteCarloResult) -> list[dict[str, str]]:
    """Traffic lost per year and time over the RTT budget, per demand, then the total."""
    rows = [
        {
            "id": d.id,
            "lost": _minutes(d.traffic_lost_gbit_per_year),
            "over": _share(d.over_rtt_share),
            "estimator": d.estimator,
        }
        for d in result.demands
        if d.traffic_lost_gbit_per_year is not None and d.over_rtt_share is not None
    ]
    lost, over = result.total_traffic_lost_gbit_per_year, result.total_over_rtt_share
    if rows and lost is not None and over is not None:
        rows.append(
            {
                "id": "total (share weighted by traffic)",
                "lost": _minutes(lost),
                "over": _share(over),
                "estimator": "",
            }
        )
    return rows


def _provenance(
    result: MonteCarloResult, topology: Topology | None, files: Sequence[InputFile], digest: str
) -> list[tuple[str, str]]:
    """What was run and on which files; a file that changed since the run says so."""
    rows = [
        ("scenario", result.scenario),
        ("topology", result.topology or (topology.name if topology else "?")),
        ("seed", str(result.seed)),
        ("replications", str(result.replications)),
        ("horizon per replication", format_span_h(result.horizon_h) if result.horizon_h else "?"),
        ("precision", _precision_text(result)),
        ("twin version", twin_version()),
        ("results SHA-256", digest),
        ("inputs SHA-256", inputs_digest(files) or "unavailable: an input file was not found"),
    ]
    recorded = {"scenario": result.scenario_input.sha256, "topology": result.topology_input.sha256}
    for f in files:
        text = f"{f.path or '(not recorded)'}  sha256 {f.sha256 or '(not found)'}"
        when_run = recorded.get(f.role)
        if when_run and f.sha256 and when_run != f.sha256:
            text += f"  (changed since the run: it was {when_run})"
        rows.append((f"{f.role} file", text))
    return rows


def _map(result: MonteCarloResult, topology: Topology | None) -> Markup | None:
    if topology is None:
        return None
    paint, worst = _link_paint(result, topology)
    endpoints = sorted({n for d in result.demands for n in (d.source, d.destination)})
    return render_map_svg(
        topology,
        {},
        highlight_nodes=[n for n in endpoints if n in topology.nodes],
        paint=paint,
        legend_svg=_legend(worst),
    )


def _proportion(p: Proportion) -> str:
    return f"{p.p:.3f} [{p.low:.3f}, {p.high:.3f}]"


def _outlook_rows(result: MonteCarloResult) -> list[dict[str, Any]]:
    """Each demand's restoration curve and risks, when the replications started from a state."""
    rows = []
    for d in result.demands:
        o = d.outlook
        if o is None:
            continue
        points = [(p.t_h, p.p, p.low, p.high) for p in o.restoration]
        lost = o.sla_minutes_lost
        rows.append(
            {
                "id": d.id,
                "chart": restoration_chart(points, result.horizon_h, f"restoration-{d.id}"),
                "restored": _proportion(o.restored_in_horizon),
                "lost": f"{lost.mean:,.0f} [{lost.low:,.0f}, {lost.high:,.0f}]",
                "further": _proportion(o.further_cut),
                "drivers": ", ".join(f"{r.element} ({r.share:.3f})" for r in o.further_cut_drivers)
                or "none seen",
            }
        )
    return rows


def render_montecarlo_html(
    result: MonteCarloResult,
    topology: Topology | None = None,
    bases: Sequence[Path] = (Path("."),),
) -> str:
    """The Monte Carlo report as one self-contained HTML string (deterministic).

    With `topology` (the one the results were computed on) it has the run report's map, here
    coloured by mean link downtime per year with the top causes of demand downtime marked.
    """
    digest = hashlib.sha256(canonical_json(result.to_dict()).encode("utf-8")).hexdigest()
    verdict, missed = headline(result)
    notes = list(result.notes)
    if result.partial:
        notes.insert(0, f"Partial result: {result.reason or 'interrupted'}")
    scenario_path = result.scenario_input.path
    files = trace_input_paths(scenario_path, result.topology_input.path, bases)
    return render(
        "montecarlo.html.j2",
        title=f"{result.scenario}: Monte Carlo report",
        scenario=result.scenario,
        verdict=verdict,
        missed=missed,
        replications=result.replications,
        seed=result.seed,
        undecided=[d.id for d in result.demands if d.verdict() is Verdict.UNDECIDED],
        notes_list=notes,
        rows=[_summary_row(d) for d in result.demands],
        as_of=result.as_of,
        outlooks=_outlook_rows(result),
        survivability=_survivability_rows(result),
        rare_events=result.rare_events,
        map_svg=_map(result, topology),
        provenance=_provenance(result, topology, files, digest),
        reproduce=(
            f"twin run {scenario_path or result.scenario} --seed {result.seed} "
            f"--replications {result.replications} --rare-events {result.rare_events}"
        ),
    )


def write_montecarlo_report(
    result: MonteCarloResult,
    topology: Topology | None,
    out_path: str | Path,
    bases: Sequence[Path] = (Path("."),),
) -> str:
    """Write the Monte Carlo report atomically; returns the HTML (for its hash)."""
    html = render_montecarlo_html(result, topology, bases)
    write_text_atomic(out_path, html)
    return html
