"""`twin report`: one self-contained HTML file that tells a resilience team what happened in a run.

Offline by construction: no CDN, no tile server, no web font. The map (Natural Earth outlines
shipped with the twin) and every chart are inline SVG generated in Python, so the same result
renders byte-identically and the file can be mailed, archived next to the results JSON, or opened
on an air-gapped laptop. About twenty lines of vanilla JS switch the map colouring; everything
reads correctly with scripts off.

The page answers, top to bottom: did each demand hold its SLA, and if not why (verdict table);
where did things fail (map, failure timeline with repair queueing); how each demand lived through
it (availability vs SLA on a scale of nines, outage strip, RTT over time and its distribution);
and how to reproduce it (scenario, seed, twin version, inputs and their SHA-256).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Literal

import yaml

import twin
from twin.atomic import canonical_json, write_text_atomic
from twin.model import Topology
from twin.provenance import file_sha256
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
from twin.units import HOURS_PER_YEAR, format_duration_h

ColourBy = Literal["downtime", "utilisation"]
STATUS_LABEL = {"held": "SLA held", "missed": "SLA missed", "no-sla": "no SLA"}


def esc(text: object) -> str:
    return escape(str(text), quote=True)


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


# ----------------------------------------------------------------------------------------------
# Sections
# ----------------------------------------------------------------------------------------------


def _downtime_text(downtime_min: float) -> str:
    """Say "none" for a demand never disconnected: "0 ms" read like a measured tiny outage."""
    return "none" if downtime_min <= 0 else format_duration_h(downtime_min / 60.0)


def _summary_table(result: SimulationResult) -> str:
    rows = []
    for demand in result.demands:
        status, sentence = verdict(result, demand)
        worst = longest_outage(demand)
        p50 = f"{demand.rtt_p50_ms:.1f}" if demand.rtt_p50_ms is not None else "–"
        p99 = f"{demand.rtt_p99_ms:.1f}" if demand.rtt_p99_ms is not None else "–"
        target = (
            f"{demand.sla_availability_target * 100:g} %"
            if demand.sla_availability_target is not None
            else "–"
        )
        rows.append(
            f'<tr class="status-{status}" data-demand="{esc(demand.id)}">'
            f'<td><a href="#demand-{esc(demand.id)}">{esc(demand.id)}</a><br>'
            f'<span class="muted">{esc(demand.source)} → {esc(demand.destination)}</span></td>'
            f'<td><span class="badge {status}">{STATUS_LABEL[status]}</span></td>'
            f'<td class="num">{format_percent(demand.sla_availability)}</td>'
            f'<td class="num">{target}</td>'
            f'<td class="num">{esc(_downtime_text(demand.downtime_min))}</td>'
            f'<td class="num">{len(demand.outages)}</td>'
            f'<td class="num">{esc(format_duration_h(worst.duration_h)) if worst else "–"}</td>'
            f'<td class="num">{p50} / {p99}</td>'
            f'<td class="why">{esc(sentence)}</td></tr>'
        )
    return (
        '<table id="summary" class="table"><thead><tr><th>demand</th><th>verdict</th>'
        '<th title="time connected, within the RTT budget, fully carried and not in failover">'
        "SLA avail.</th><th>target</th><th>downtime</th><th>outages</th><th>longest</th>"
        "<th>RTT p50 / p99 (ms)</th><th>why</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _link_metrics(result: SimulationResult, downs: Sequence[ElementDown]) -> dict[str, LinkMetrics]:
    return {
        link.id: LinkMetrics(link.downtime_h, link.failures, link.utilisation_max)
        for link in result.links
    }


def _failed_nodes(topology: Topology, downs: Sequence[ElementDown]) -> list[str]:
    return sorted({d.element for d in downs if d.element in topology.nodes})


def _timeline_section(result: SimulationResult, downs: Sequence[ElementDown]) -> str:
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
    if not by_element:
        return '<p id="element-timeline" class="muted">No element failed during the run.</p>'
    # Longest total downtime first: the rows people ask about come first.
    rows = sorted(by_element.items(), key=lambda kv: (-sum(i[1] - i[0] for i in kv[1]), kv[0]))
    note = ""
    if len(rows) > 30:
        note = f'<p class="muted">Showing the 30 elements with most downtime of {len(rows)}.</p>'
        rows = rows[:30]
    return (
        element_timeline(rows, result.horizon_h, "element-timeline")
        + note
        + '<p class="legend"><span class="swatch down"></span>down (under repair) '
        '<span class="swatch wait"></span>waiting for a repair ship or crew '
        '<span class="swatch maint"></span>planned maintenance</p>'
    )


def _demand_section(result: SimulationResult, demand: DemandResult) -> str:
    status, sentence = verdict(result, demand)
    did = demand.id
    avail_id = f"avail-{did}"
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
    lost = f"{demand.traffic_lost_gbit / 8.0:,.1f} GB" if demand.traffic_lost_gbit else "none"
    facts = [
        ("SLA availability", format_percent(demand.sla_availability)),
        ("connected", format_percent(demand.availability)),
        ("downtime", _downtime_text(demand.downtime_min)),
        ("per year", f"{demand.downtime_min_per_year:,.0f} min"),
        ("outages", str(len(demand.outages))),
        ("failovers", str(demand.failovers)),
        ("traffic lost", lost),
        (
            "RTT base / p50 / p99 / max",
            " / ".join(
                f"{v:.1f}" if v is not None else "–"
                for v in (
                    demand.base_rtt_ms,
                    demand.rtt_p50_ms,
                    demand.rtt_p99_ms,
                    demand.rtt_max_ms,
                )
            )
            + " ms",
        ),
    ]
    facts_html = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    return (
        f'<section class="demand status-{status}" id="demand-{esc(did)}">'
        f'<h3>{esc(did)} <span class="muted">{esc(demand.source)} → '
        f"{esc(demand.destination)}, {demand.gbps:g} Gbit/s</span> "
        f'<span class="badge {status}">{STATUS_LABEL[status]}</span></h3>'
        f'<p class="verdict">{esc(sentence)}</p>'
        f'<dl class="facts">{facts_html}</dl>'
        '<div class="charts">'
        f"<figure><figcaption>SLA availability in % (scale of nines; dashed line = "
        f"target)</figcaption>"
        f"{availability_bar(demand.sla_availability, demand.sla_availability_target, avail_id)}"
        "</figure>"
        '<figure class="wide"><figcaption>Over the horizon: up (green), disconnected (red), '
        "over the RTT budget (orange)</figcaption>"
        f"{outage_strip(strips, result.horizon_h, f'outages-{did}')}</figure>"
        f"<figure><figcaption>RTT over time (red band: disconnected; dashed: RTT budget)"
        f"</figcaption>"
        f"{rtt_chart(demand.rtt_series, result.horizon_h, f'rtt-{did}', demand.sla_max_rtt_ms)}"
        "</figure>"
        f"<figure><figcaption>Time at each RTT level</figcaption>"
        f"{rtt_distribution(demand.rtt_series, result.horizon_h, f'rttdist-{did}')}</figure>"
        "</div></section>"
    )


def _links_table(result: SimulationResult, topology: Topology) -> str:
    rows = []
    ordered = sorted(result.links, key=lambda lk: (-lk.downtime_h, -lk.utilisation_max, lk.id))
    for link in ordered:
        model = topology.links.get(link.id)
        kind = model.kind if model else "?"
        rows.append(
            f'<tr><td>{esc(link.id)}</td><td>{esc(kind)}</td><td class="num">{link.failures}</td>'
            f'<td class="num">{esc(format_duration_h(link.downtime_h))}</td>'
            f'<td class="num">{link.utilisation_mean * 100:.1f} %</td>'
            f'<td class="num">{link.utilisation_p99 * 100:.1f} %</td>'
            f'<td class="num">{link.utilisation_max * 100:.1f} %</td></tr>'
        )
    return (
        '<table id="links" class="table"><thead><tr><th>link</th><th>kind</th><th>failures</th>'
        "<th>downtime</th><th>util. mean</th><th>p99</th><th>max</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _resources_table(result: SimulationResult) -> str:
    if not result.resources:
        return '<p class="muted">The scenario declares no repair resources (no queueing).</p>'
    rows = "".join(
        f'<tr><td>{esc(r.id)}</td><td>{esc(r.kind)}</td><td class="num">{r.count}</td>'
        f'<td class="num">{r.jobs}</td>'
        f'<td class="num">{esc(format_duration_h(r.mean_wait_h))}</td>'
        f'<td class="num">{esc(format_duration_h(r.max_wait_h))}</td>'
        f'<td class="num">{r.busy_fraction * 100:.1f} %</td></tr>'
        for r in result.resources
    )
    return (
        '<table id="resources" class="table"><thead><tr><th>resource</th><th>kind</th>'
        "<th>units</th><th>jobs</th><th>mean wait</th><th>max wait</th><th>busy</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _provenance(result: SimulationResult, files: Sequence[InputFile], results_sha256: str) -> str:
    digest = inputs_digest(files)
    rows = [
        ("scenario", result.scenario),
        ("topology", result.topology),
        ("seed", str(result.seed)),
        ("replication", str(result.replication)),
        ("horizon", format_span_h(result.horizon_h)),
        ("routing", result.routing),
        ("twin version", twin.__version__),
        ("results SHA-256", results_sha256),
        ("inputs SHA-256", digest or "unavailable: an input file was not found"),
    ]
    for f in files:
        rows.append((f"{f.role} file", f"{f.path}  sha256 {f.sha256 or '(not found)'}"))
    again = f"twin run {result.scenario_path or result.scenario} --seed {result.seed}"
    return kv_table(rows) + f"<p>Reproduce: <code>{esc(again)}</code></p>"


CSS = """
:root{--ink:#1f2933;--muted:#66707a;--line:#d9dde3;--bg:#fbfbfc;--red:#c62828;--green:#2e7d32}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;
font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);
background:var(--bg)}
h1{margin:0 0 4px;font-size:24px}
h2{margin:32px 0 8px;font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:0 0 6px;font-size:16px}.muted{color:var(--muted);font-weight:400}
.headline{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.pill{padding:6px 12px;border-radius:16px;background:#eef1f4}
.pill.bad{background:#fdecea;color:var(--red);font-weight:600}
.pill.good{background:#e8f5e9;color:var(--green)}
.table{border-collapse:collapse;width:100%;background:#fff}
.table th,.table td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;
vertical-align:top}
.table th{font-weight:600;background:#f3f5f7}.num{text-align:right;white-space:nowrap}
.kv th{width:180px}code{font-size:12px;word-break:break-all}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600;
white-space:nowrap}
.badge.held{background:#e8f5e9;color:var(--green)}
.badge.missed{background:var(--red);color:#fff}
.badge.no-sla{background:#eef1f4;color:var(--muted)}
tr.status-missed td:first-child{border-left:4px solid var(--red)}
tr.status-held td:first-child{border-left:4px solid var(--green)}.why{max-width:520px}
.demand{background:#fff;border:1px solid var(--line);border-radius:6px;padding:14px 16px;
margin:14px 0}
.demand.status-missed{border-left:6px solid var(--red)}
.demand.status-held{border-left:6px solid var(--green)}
.verdict{font-size:15px;margin:4px 0 10px}
.facts{display:flex;flex-wrap:wrap;gap:6px 22px;margin:0 0 8px}.facts div{min-width:110px}
.facts dt{color:var(--muted);font-size:12px}.facts dd{margin:0;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:8px 24px}figure{margin:4px 0}
.charts figure.wide{flex-basis:100%}
figcaption{color:var(--muted);font-size:12px;margin-bottom:2px}
.mapbox{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px}
.toggle button{font:inherit;padding:3px 10px;border:1px solid var(--line);background:#fff;
border-radius:4px;cursor:pointer}
.toggle button[aria-pressed=true]{background:var(--ink);color:#fff}
.legend .swatch{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px;
vertical-align:middle}
.swatch.down{background:var(--red)}.swatch.maint{background:#1565c0}
.swatch.wait{background:repeating-linear-gradient(45deg,#7b1fa2 0 2px,#e1bee7 2px 5px)}
.notes{background:#fff8e1;border:1px solid #ffe082;padding:8px 12px;border-radius:4px}
svg text{dominant-baseline:auto}
"""

MAP_CREDIT = (
    '<p class="muted">Map: Natural Earth 1:110m countries (public domain) via world-atlas '
    "2.0.2 (ISC).</p>"
)


def kv_table(rows: Sequence[tuple[str, str]], element_id: str = "provenance") -> str:
    """A two-column key/value table (the provenance block of every report page)."""
    body = "".join(f"<tr><th>{esc(k)}</th><td><code>{esc(v)}</code></td></tr>" for k, v in rows)
    return f'<table id="{esc(element_id)}" class="table kv">{body}</table>'


def page_html(title: str, body: Sequence[str], extra_css: str = "") -> str:
    """One self-contained page in the report style: the shared head (charset, viewport, generator,
    title, `CSS` plus `extra_css`), then the parts of `body`, one per line."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="silkroad-twin {esc(twin.__version__)}">',
            f"<title>{esc(title)}</title><style>{CSS}{extra_css}</style></head><body>",
            *body,
            "</body></html>",
            "",
        ]
    )


# Switch the map between downtime and utilisation colouring; marks the page as scripted so the
# headless-browser test can tell the script ran without errors.
_JS = """
(function(){
  var buttons=document.querySelectorAll('[data-colour-by]');
  function colour(by){
    document.querySelectorAll('#map path.link').forEach(function(p){
      p.setAttribute('stroke',p.getAttribute(by==='util'?'data-c-util':'data-c-downtime'));
    });
    document.querySelectorAll('#map .legend-downtime').forEach(function(g){
      g.style.display=by==='util'?'none':'';});
    document.querySelectorAll('#map .legend-util').forEach(function(g){
      g.style.display=by==='util'?'':'none';});
    buttons.forEach(function(b){b.setAttribute('aria-pressed',String(b.dataset.colourBy===by));});
  }
  buttons.forEach(function(b){b.addEventListener('click',function(){colour(b.dataset.colourBy);});});
  var start=document.body.dataset.colourBy||'downtime';
  colour(start==='utilisation'?'util':'downtime');
  var mark=document.createElement('meta');mark.id='report-scripted';mark.content='ok';
  document.head.appendChild(mark);
})();
"""


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
    files = trace_inputs(run, bases)
    downs = element_downs(run)
    statuses = [verdict(run, d)[0] for d in run.demands]
    missed = [d.id for d, s in zip(run.demands, statuses, strict=True) if s == "missed"]
    held = statuses.count("held")
    endpoints = sorted({n for d in run.demands for n in (d.source, d.destination)})
    map_svg = render_map_svg(
        topology,
        _link_metrics(run, downs),
        highlight_nodes=endpoints,
        failed_nodes=_failed_nodes(topology, downs),
    )
    failed_links = sum(1 for link in run.links if link.failures > 0)
    headline = [
        f'<span class="pill {"bad" if missed else "good"}">'
        + (
            f"{len(missed)} of {len(run.demands)} demands missed their SLA: {', '.join(missed)}"
            if missed
            else (f"all {held} demands with an SLA held it" if held else "no demand has an SLA")
        )
        + "</span>",
        f'<span class="pill">{failed_links} link(s) failed</span>',
        f'<span class="pill">horizon {esc(format_span_h(run.horizon_h))}</span>',
        f'<span class="pill">seed {run.seed}</span>',
    ]
    notes = ""
    if run.partial or run.notes:
        items = "".join(f"<li>{esc(note)}</li>" for note in run.notes)
        partial = "<li><b>Partial result</b>: the run stopped before the horizon.</li>"
        notes = f'<div class="notes"><ul>{partial if run.partial else ""}{items}</ul></div>'
    title = f"{run.scenario}: run report"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="silkroad-twin {esc(twin.__version__)}">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head>",
        f'<body data-colour-by="{colour_by}">',
        f'<header><h1>{esc(run.scenario)} <span class="muted">run report</span></h1>',
        f'<p class="muted">topology {esc(run.topology)} · {len(run.demands)} demands · '
        f"routing {esc(run.routing)} · silkroad-twin {esc(twin.__version__)}</p>",
        f'<div class="headline" id="headline">{"".join(headline)}</div>{notes}</header>',
        '<h2 id="verdicts">Verdict per demand</h2>',
        _summary_table(run),
        '<h2 id="where">Where it failed</h2>',
        '<p class="toggle">Colour links by: '
        '<button type="button" data-colour-by="downtime" aria-pressed="true">downtime</button> '
        '<button type="button" data-colour-by="util" aria-pressed="false">peak utilisation'
        '</button> <span class="muted">(hover a link or node for details)</span></p>',
        f'<div class="mapbox">{map_svg}</div>',
        '<h2 id="timeline">Failure timeline</h2>',
        _timeline_section(run, downs),
        '<h2 id="demands">Demands</h2>',
        "".join(_demand_section(run, d) for d in run.demands),
        '<h2 id="links-h">Links</h2>',
        _links_table(run, topology),
        '<h2 id="resources-h">Repair resources</h2>',
        _resources_table(run),
        '<h2 id="provenance-h">Provenance</h2>',
        _provenance(run, files, results_sha256),
        '<p class="muted">Map: Natural Earth 1:110m countries (public domain) via world-atlas '
        "2.0.2 (ISC). Borders are context, not a statement on any boundary.</p>",
        f"<script>{_JS}</script>",
        "</body></html>",
        "",
    ]
    return "\n".join(parts)


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
