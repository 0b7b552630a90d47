"""`twin report`: one self-contained HTML file that tells a resilience team what happened in a run.

Offline by construction: no CDN, no tile server, no web font. The map (Natural Earth outlines
shipped with the twin) and every chart are inline SVG, their geometry computed in Python and
drawn by the autoescaping templates of `twin/report/templates/` (see `html_env`), so the same
result renders byte-identically and the file can be mailed, archived next to the results JSON,
or opened on an air-gapped laptop. About twenty lines of vanilla JS switch the map colouring;
everything reads correctly with scripts off.

The page answers, top to bottom: did each demand hold its SLA, and if not why (verdict table);
where did things fail (map, failure timeline with repair queueing); how each demand lived through
it (availability vs SLA on a scale of nines, outage strip, RTT over time and its distribution);
and how to reproduce it (scenario, seed, twin version, inputs and their SHA-256).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from twin.atomic import canonical_json, write_text_atomic
from twin.model import Topology
from twin.provenance import file_sha256
from twin.report.html_env import render, twin_version
from twin.report.html_map import LinkMetrics, render_map_svg
from twin.report.run_view import (
    ElementDown,
    element_downs,
    format_percent,
    load_run,
    longest_outage,
    over_budget,
    verdict,
)
from twin.report.svg import (
    availability_bar,
    element_timeline,
    outage_strip,
    rtt_chart,
    rtt_distribution,
)
from twin.results import DemandResult, SimulationResult
from twin.results.rtt import fibre_differs, rtt_text
from twin.units import HOURS_PER_YEAR, format_duration_h

ColourBy = Literal["downtime", "utilisation"]
STATUS_LABEL = {"held": "SLA held", "missed": "SLA missed", "no-sla": "no SLA"}


def format_span_h(hours: float) -> str:
    """A horizon in years once it is long enough that days stop meaning much."""
    if hours >= 2 * HOURS_PER_YEAR:
        return f"{hours / HOURS_PER_YEAR:.1f} y"
    return format_duration_h(hours)


@dataclass(frozen=True)
class InputFile:
    """One input of the run as found on disk now, for tracing a report back to its sources."""

    role: str
    path: str
    sha256: str | None  # None when the file is no longer where the result says it was


def _resolve(path_text: str, bases: Sequence[Path]) -> Path | None:
    if not path_text:
        return None
    candidate = Path(path_text)
    if candidate.is_absolute():
        return candidate if candidate.is_file() else None
    for base in bases:
        full = base / candidate
        if full.is_file():
            return full
    return None


def _confined(parent_text: str, naming_file: Path) -> Path | None:
    """The `extends:` parent as the loader follows it; None when it is missing or outside the
    project (the loader refused that, so no digest of a foreign file is ever shown)."""
    from twin.errors import InputError
    from twin.loading.paths import resolve_reference
    from twin.loading.yaml_marks import Mark

    try:
        parent = resolve_reference(parent_text, naming_file, Mark(str(naming_file), 0, 0), "")
    except InputError:
        return None
    return parent if parent.is_file() else None


def trace_inputs(result: SimulationResult, bases: Sequence[Path] = (Path("."),)) -> list[InputFile]:
    """The scenario, its topology and the topology's `extends:` chain, each with its SHA-256."""
    return trace_input_paths(result.scenario_path, result.topology_path, bases)


def trace_input_paths(
    scenario_path: str, topology_path: str, bases: Sequence[Path] = (Path("."),)
) -> list[InputFile]:
    """`trace_inputs` from the recorded paths alone: Monte Carlo results record the same two."""
    files: list[InputFile] = []
    scenario = _resolve(scenario_path, bases)
    files.append(InputFile("scenario", scenario_path, file_sha256(scenario) if scenario else None))
    topo_bases = [scenario.parent, *bases] if scenario else list(bases)
    topology = _resolve(topology_path, topo_bases)
    files.append(InputFile("topology", topology_path, file_sha256(topology) if topology else None))
    seen: set[Path] = set()
    while topology is not None and topology.resolve() not in seen:
        seen.add(topology.resolve())
        try:
            data = yaml.safe_load(topology.read_text("utf-8"))
        except (OSError, yaml.YAMLError):
            break
        parent_text = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(parent_text, str):
            break
        parent = _confined(parent_text, topology)
        files.append(
            InputFile("extends", str(Path(parent_text)), file_sha256(parent) if parent else None)
        )
        topology = parent
    return files


def inputs_digest(files: Sequence[InputFile]) -> str | None:
    """One SHA-256 over every input's digest (None if any input is missing)."""
    if any(f.sha256 is None for f in files):
        return None
    joined = "\n".join(f"{f.role} {f.sha256}" for f in files)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _downtime_text(downtime_min: float) -> str:
    """Say "none" for a demand never disconnected: "0 ms" read like a measured tiny outage."""
    return "none" if downtime_min <= 0 else format_duration_h(downtime_min / 60.0)


def _one_decimal(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "–"


def _rtt(rtt_ms: float | None, fibre_rtt_ms: float | None) -> str:
    """An RTT, with the fibre RTT beside it when a calibration makes them differ."""
    return "–" if rtt_ms is None else rtt_text(rtt_ms, fibre_rtt_ms, unit="")


def _summary_row(result: SimulationResult, demand: DemandResult) -> dict[str, Any]:
    status, sentence = verdict(result, demand)
    worst = longest_outage(demand)
    target = demand.sla_availability_target
    return {
        "demand": demand,
        "status": status,
        "sentence": sentence,
        "target": f"{target * 100:g} %" if target is not None else "–",
        "downtime": _downtime_text(demand.downtime_min),
        "longest": format_duration_h(worst.duration_h) if worst else "–",
        "p50": _rtt(demand.rtt_p50_ms, demand.fibre_rtt_p50_ms),
        "p99": _rtt(demand.rtt_p99_ms, demand.fibre_rtt_p99_ms),
    }


def _link_metrics(result: SimulationResult) -> dict[str, LinkMetrics]:
    return {
        link.id: LinkMetrics(link.downtime_h, link.failures, link.utilisation_max)
        for link in result.links
    }


def _failed_nodes(topology: Topology, downs: Sequence[ElementDown]) -> list[str]:
    return sorted({d.element for d in downs if d.element in topology.nodes})


TIMELINE_ROWS = 30


def _timeline_rows(
    downs: Sequence[ElementDown],
) -> list[tuple[str, list[tuple[float, float, float, str, str]]]]:
    """Per failed element its down intervals with tooltips, most total downtime first."""
    by_element: dict[str, list[tuple[float, float, float, str, str]]] = {}
    for down in downs:
        tip = (
            f"{down.element} {down.cause} at {format_duration_h(down.start_h)}, down "
            f"{format_duration_h(down.duration_h)}"
        )
        if down.wait_h > 0:
            tip += f"; waited {format_duration_h(down.wait_h)} for {down.resource or 'repair'}"
        by_element.setdefault(down.element, []).append(
            (down.start_h, down.end_h, down.wait_h, down.cause, tip)
        )
    # Longest total downtime first: the rows people ask about come first.
    return sorted(by_element.items(), key=lambda kv: (-sum(i[1] - i[0] for i in kv[1]), kv[0]))


def _strips(result: SimulationResult, demand: DemandResult) -> list[tuple[float, float, str, str]]:
    """The demand's outages (red) and spells over its RTT budget (orange), with tooltips."""
    strips = [
        (
            o.start_h,
            o.end_h,
            "down",
            f"down {format_duration_h(o.duration_h)} from {format_duration_h(o.start_h)}"
            + (f" after {o.cause}" if o.cause else ""),
        )
        for o in demand.outages
    ]
    budget = demand.sla_max_rtt_ms
    strips.extend(
        (
            start,
            end,
            "degraded",
            f"RTT {rtt:.1f} ms over the {budget:g} ms budget for "
            f"{format_duration_h(end - start)} from {format_duration_h(start)}",
        )
        for start, end, rtt in over_budget(demand, result.horizon_h)
    )
    return strips


RttFigures = tuple[float | None, float | None, float | None, float | None]


def _rtts(demand: DemandResult) -> tuple[RttFigures, RttFigures]:
    """(base, p50, p99, max) RTTs as reported, and the fibre RTTs of the same states."""
    return (
        (demand.base_rtt_ms, demand.rtt_p50_ms, demand.rtt_p99_ms, demand.rtt_max_ms),
        (
            demand.base_fibre_rtt_ms,
            demand.fibre_rtt_p50_ms,
            demand.fibre_rtt_p99_ms,
            demand.fibre_rtt_max_ms,
        ),
    )


def _calibrated(demand: DemandResult) -> bool:
    """Whether a calibration made the demand's RTTs differ from fibre: physics first, the page
    then shows the fibre RTTs beside them."""
    rtts, fibre = _rtts(demand)
    return any(fibre_differs(r, f) for r, f in zip(rtts, fibre, strict=True))


def _facts(demand: DemandResult) -> list[tuple[str, str]]:
    lost = f"{demand.traffic_lost_gbit / 8.0:,.1f} GB" if demand.traffic_lost_gbit else "none"
    rtts, fibre = _rtts(demand)
    calibrated = _calibrated(demand)
    fibre_row = [("fibre RTT base / p50 / p99 / max", " / ".join(map(_one_decimal, fibre)) + " ms")]
    return [
        ("SLA availability", format_percent(demand.sla_availability)),
        ("connected", format_percent(demand.availability)),
        ("downtime", _downtime_text(demand.downtime_min)),
        ("per year", f"{demand.downtime_min_per_year:,.0f} min"),
        ("outages", str(len(demand.outages))),
        ("failovers", str(demand.failovers)),
        ("traffic lost", lost),
        (
            f"{'calibrated ' if calibrated else ''}RTT base / p50 / p99 / max",
            " / ".join(_one_decimal(v) for v in rtts) + " ms",
        ),
        *(fibre_row if calibrated else []),
    ]


def _demand_section(result: SimulationResult, demand: DemandResult) -> dict[str, Any]:
    status, sentence = verdict(result, demand)
    did, horizon_h = demand.id, result.horizon_h
    return {
        "demand": demand,
        "status": status,
        "sentence": sentence,
        "facts": _facts(demand),
        "availability": availability_bar(
            demand.sla_availability,
            demand.sla_availability_target,
            f"avail-{did}",
            demand.sla_held,
        ),
        "outages": outage_strip(_strips(result, demand), horizon_h, f"outages-{did}"),
        "rtt_label": "Calibrated RTT (fibre RTTs in the table)" if _calibrated(demand) else "RTT",
        "rtt": rtt_chart(demand.rtt_series, horizon_h, f"rtt-{did}", demand.sla_max_rtt_ms),
        "rtt_distribution": rtt_distribution(demand.rtt_series, horizon_h, f"rttdist-{did}"),
    }


def _provenance(
    result: SimulationResult, files: Sequence[InputFile], results_sha256: str
) -> list[tuple[str, str]]:
    rows = [
        ("scenario", result.scenario),
        ("topology", result.topology),
        ("seed", str(result.seed)),
        ("replication", str(result.replication)),
        ("horizon", format_span_h(result.horizon_h)),
        ("routing", result.routing),
        ("twin version", twin_version()),
        ("results SHA-256", results_sha256),
        ("inputs SHA-256", inputs_digest(files) or "unavailable: an input file was not found"),
    ]
    rows.extend((f"{f.role} file", f"{f.path}  sha256 {f.sha256 or '(not found)'}") for f in files)
    return rows


def _headline(run: SimulationResult, statuses: Sequence[str]) -> tuple[str, bool]:
    missed = [d.id for d, s in zip(run.demands, statuses, strict=True) if s == "missed"]
    held = statuses.count("held")
    if missed:
        text = f"{len(missed)} of {len(run.demands)} demands missed their SLA: {', '.join(missed)}"
    elif held:
        text = f"all {held} demands with an SLA held it"
    else:
        text = "no demand has an SLA"
    return text, bool(missed)


def render_report_html(
    result: SimulationResult | Mapping[str, Any],
    topology: Topology,
    colour_by: ColourBy = "downtime",
    bases: Sequence[Path] = (Path("."),),
    results_path: str = "<results>",
) -> str:
    """The whole report as one HTML string (deterministic: same result, same bytes)."""
    run = load_run(result, results_path)
    results_sha256 = hashlib.sha256(canonical_json(run.to_dict()).encode("utf-8")).hexdigest()
    downs = element_downs(run)
    headline, missed = _headline(run, [verdict(run, d)[0] for d in run.demands])
    endpoints = sorted({n for d in run.demands for n in (d.source, d.destination)})
    map_svg = render_map_svg(
        topology,
        _link_metrics(run),
        highlight_nodes=endpoints,
        failed_nodes=_failed_nodes(topology, downs),
    )
    rows = _timeline_rows(downs)
    shown = rows[:TIMELINE_ROWS]
    ordered_links = sorted(run.links, key=lambda lk: (-lk.downtime_h, -lk.utilisation_max, lk.id))
    return render(
        "run.html.j2",
        title=f"{run.scenario}: run report",
        run=run,
        colour_by=colour_by,
        headline=headline,
        missed=missed,
        failed_links=sum(1 for link in run.links if link.failures > 0),
        horizon=format_span_h(run.horizon_h),
        status_label=STATUS_LABEL,
        summary=[_summary_row(run, d) for d in run.demands],
        map_svg=map_svg,
        timeline=element_timeline(shown, run.horizon_h, "element-timeline") if rows else "",
        timeline_shown=len(shown),
        timeline_total=len(rows),
        demand_sections=[_demand_section(run, d) for d in run.demands],
        links=[(lk, _link_kind(topology, lk.id)) for lk in ordered_links],
        provenance=_provenance(run, trace_inputs(run, bases), results_sha256),
        reproduce=f"twin run {run.scenario_path or run.scenario} --seed {run.seed}",
    )


def _link_kind(topology: Topology, link_id: str) -> str:
    model = topology.links.get(link_id)
    return model.kind if model else "?"


def render_report(
    result: SimulationResult | Mapping[str, Any],
    topology: Topology,
    out_path: str | Path,
    colour_by: ColourBy = "downtime",
    bases: Sequence[Path] = (Path("."),),
) -> None:
    """Write the HTML report of a run atomically (temp file in the same directory, then rename).

    `result` is a `SimulationResult` or its `to_dict()` form (the `--json` file). `bases` are the
    directories the result's relative input paths are resolved against for the provenance hash.
    """
    write_text_atomic(out_path, render_report_html(result, topology, colour_by, bases))
