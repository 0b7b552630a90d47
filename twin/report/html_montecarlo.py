"""`twin report` for Monte Carlo results: each demand's availability with its 95 % interval.

One replication tells a story (the run report); many replications give an estimate. The
question here is statistical: is the SLA met with confidence, missed with confidence, or is the
target inside the interval (run more replications)? The verdict says which, so nobody reads a
lucky mean as a guarantee.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from twin.atomic import canonical_json, write_text_atomic
from twin.errors import InputError
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
from twin.report.svg import availability_bar
from twin.units import format_duration_h

MC_SCHEMA = "silkroad-twin/montecarlo/1"
STATUS_LABEL = {
    "held": "SLA held (95 %)",
    "missed": "SLA missed (95 %)",
    "undecided": "undecided",
    "no-sla": "no SLA",
}


@dataclass(frozen=True)
class Estimate:
    mean: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class Cause:
    """An element whose failures disconnected a demand, with its share of the downtime."""

    element: str
    share: float
    outages: int


@dataclass(frozen=True)
class DemandEstimate:
    id: str
    sla_target: float | None
    sla_availability: Estimate
    availability: Estimate
    downtime_min_per_year: Estimate
    traffic_lost_gbit: Estimate
    sla_downtime_min_per_year: Estimate | None = None
    causes: tuple[Cause, ...] = field(default_factory=tuple)

    def status(self) -> str:
        """held / missed when the whole 95 % interval is on one side of the target."""
        if self.sla_target is None:
            return "no-sla"
        if self.sla_availability.low >= self.sla_target:
            return "held"
        if self.sla_availability.high < self.sla_target:
            return "missed"
        return "undecided"

    def replications_to_decide(self) -> int | None:
        """About how many replications would shrink the interval off the target.

        The half-width falls as 1 / sqrt(n), so n x (half-width / |mean - target|)^2 puts the
        target just outside it; None when the mean sits on the target (no count decides it).
        """
        est, target = self.sla_availability, self.sla_target
        if target is None or est.n < 2:
            return None
        gap = abs(est.mean - target)
        half = (est.high - est.low) / 2.0
        if gap <= 0 or not math.isfinite(half):
            return None
        return max(est.n + 1, math.ceil(est.n * (half / gap) ** 2))

    def limits(self) -> str:
        """What limits the demand: the interval against the target, then who takes it down."""
        est, target, status = self.sla_availability, self.sla_target, self.status()
        parts: list[str] = []
        if target is not None and status == "missed":
            parts.append(
                f"even the interval's upper end {format_percent(est.high)} is below the "
                f"{target * 100:g} % target"
            )
        elif target is not None and status == "held":
            parts.append(
                f"even the interval's lower end {format_percent(est.low)} clears the "
                f"{target * 100:g} % target"
            )
        elif target is not None:
            more = self.replications_to_decide()
            parts.append(
                f"the {target * 100:g} % target lies inside the interval: run more replications"
                + (f" (about {more:,} would decide it)" if more else "")
            )
        if self.causes:
            named = ", ".join(
                f"{c.element} ({c.share * 100:.0f} %, {c.outages} outage"
                f"{'s' if c.outages != 1 else ''})"
                for c in self.causes
            )
            parts.append(f"downtime mostly after failures of {named}")
        elif self.downtime_min_per_year.mean <= 0:
            parts.append(f"never disconnected in {est.n} replications")
        sla_dt = self.sla_downtime_min_per_year
        sla_dt_mean = sla_dt.mean if sla_dt is not None else 0.0
        extra = sla_dt_mean - self.downtime_min_per_year.mean
        if extra > 0.05 and (self.downtime_min_per_year.mean <= 0 or extra > 0.1 * sla_dt_mean):
            parts.append(
                f"{extra:,.1f} min/year of SLA time lost while connected (RTT over budget, "
                "failover interruptions or traffic not fully carried)"
            )
        return "; ".join(parts)

    def sentence(self) -> str:
        est = self.sla_availability
        text = (
            f"SLA availability {format_percent(est.mean)} "
            f"(95 % interval {format_percent(est.low)} – {format_percent(est.high)}, "
            f"{est.n} replications)"
        )
        if self.sla_target is not None:
            text += f" vs target {self.sla_target * 100:g} %"
        limits = self.limits()
        return f"{text}; {limits}" if limits else text


def _estimate(raw: Any, field: str, path: str) -> Estimate:
    if not isinstance(raw, Mapping):
        raise InputError.at(path, 1, 1, f"Monte Carlo results: {field} is not an interval")
    mean = raw.get("mean")
    low = raw.get("low", mean)
    high = raw.get("high", mean)
    if not all(isinstance(v, (int, float)) for v in (mean, low, high)):
        # Undefined intervals (one replication) are written as null: use the mean throughout.
        if not isinstance(mean, (int, float)):
            raise InputError.at(path, 1, 1, f"Monte Carlo results: {field} has no mean")
        low = high = mean
    assert isinstance(mean, (int, float)) and isinstance(low, (int, float))
    assert isinstance(high, (int, float))
    return Estimate(float(mean), float(low), float(high), int(raw.get("n", 0) or 0))


def read_estimates(data: Mapping[str, Any], path: str = "<results>") -> list[DemandEstimate]:
    if data.get("schema") != MC_SCHEMA:
        raise InputError.at(
            path, 1, 1, f"not a Monte Carlo results file (schema {data.get('schema')!r})"
        )
    demands = data.get("demands")
    if not isinstance(demands, list):
        raise InputError.at(path, 1, 1, "Monte Carlo results have no 'demands' list")
    out: list[DemandEstimate] = []
    for raw in demands:
        if not isinstance(raw, Mapping) or "id" not in raw:
            raise InputError.at(path, 1, 1, "Monte Carlo results: a demand entry has no id")
        target = raw.get("sla_target")
        causes = tuple(
            Cause(str(c["cause"]), float(c["share"]), int(c.get("outages", 0)))
            for c in raw.get("downtime_causes", ()) or ()
            if isinstance(c, Mapping) and "cause" in c and isinstance(c.get("share"), (int, float))
        )
        sla_dt_raw = raw.get("sla_downtime_min_per_year")
        out.append(
            DemandEstimate(
                id=str(raw["id"]),
                sla_target=float(target) if isinstance(target, (int, float)) else None,
                sla_availability=_estimate(raw.get("sla_availability"), "sla_availability", path),
                availability=_estimate(raw.get("availability"), "availability", path),
                downtime_min_per_year=_estimate(
                    raw.get("downtime_min_per_year"), "downtime_min_per_year", path
                ),
                traffic_lost_gbit=_estimate(
                    raw.get("traffic_lost_gbit"), "traffic_lost_gbit", path
                ),
                sla_downtime_min_per_year=(
                    _estimate(sla_dt_raw, "sla_downtime_min_per_year", path)
                    if sla_dt_raw is not None
                    else None
                ),
                causes=causes,
            )
        )
    return out


def _link_paint(
    data: Mapping[str, Any], estimates: Sequence[DemandEstimate], topology: Topology
) -> tuple[dict[str, LinkPaint], float]:
    """Links coloured by mean downtime per year; the note says whose downtime each one causes."""
    blamed: dict[str, list[str]] = {}
    for est in estimates:
        for cause in est.causes:
            blamed.setdefault(cause.element, []).append(
                f"{cause.share * 100:.0f} % of {est.id} downtime"
            )
    rows = [r for r in data.get("links", ()) or () if isinstance(r, Mapping) and "id" in r]
    per_year = {str(r["id"]): float(r.get("downtime_h_per_year") or 0.0) for r in rows}
    failures = {str(r["id"]): float(r.get("failures_per_year") or 0.0) for r in rows}
    worst = max(per_year.values(), default=0.0)
    paint: dict[str, LinkPaint] = {}
    for link_id in topology.links:
        hours = per_year.get(link_id, 0.0)
        note = (
            f"{failures.get(link_id, 0.0):.2f} failures/year, mean downtime "
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


def _precision_text(data: Mapping[str, Any]) -> str:
    target = data.get("precision_target")
    count = int(data.get("replications", 0) or 0)
    if not isinstance(target, (int, float)):
        return f"fixed {count} replications"
    watched = ", ".join(str(d) for d in data.get("precision_demands", ()) or ()) or "every demand"
    reached = data.get("precision_reached")
    state = "reached" if reached is True else ("not reached" if reached is False else "?")
    return f"±{target * 100:g} % of unavailability, watching {watched}: {state}"


def _verdict(estimates: Sequence[DemandEstimate], statuses: Sequence[str]) -> tuple[str, bool]:
    missed = [e.id for e, s in zip(estimates, statuses, strict=True) if s == "missed"]
    if missed:
        text = f"{len(missed)} of {len(estimates)} demands miss their SLA: {', '.join(missed)}"
    elif all(s == "no-sla" for s in statuses):
        text = "no demand has an SLA"
    else:
        text = "no demand misses its SLA with 95 % confidence"
    return text, bool(missed)


def _summary_row(est: DemandEstimate, status: str) -> dict[str, Any]:
    interval = (est.sla_availability.low, est.sla_availability.high)
    return {
        "estimate": est,
        "css": {"held": "held", "missed": "missed"}.get(status, "no-sla"),
        "label": STATUS_LABEL[status],
        "bar": availability_bar(
            est.sla_availability.mean, est.sla_target, f"avail-{est.id}", interval
        ),
    }


def _provenance(
    data: Mapping[str, Any], topology: Topology | None, files: Sequence[InputFile], digest: str
) -> list[tuple[str, str]]:
    """What was run and on which files; a file that changed since the run says so."""
    horizon = data.get("horizon_h")
    rows = [
        ("scenario", str(data.get("scenario", ""))),
        ("topology", str(data.get("topology", "") or (topology.name if topology else "?"))),
        ("seed", str(data.get("seed", "?"))),
        ("replications", str(data.get("replications", "?"))),
        (
            "horizon per replication",
            format_span_h(float(horizon)) if isinstance(horizon, (int, float)) else "?",
        ),
        ("precision", _precision_text(data)),
        ("twin version", twin_version()),
        ("results SHA-256", digest),
        ("inputs SHA-256", inputs_digest(files) or "unavailable: an input file was not found"),
    ]
    recorded = {"scenario": data.get("scenario_sha256"), "topology": data.get("topology_sha256")}
    for f in files:
        text = f"{f.path or '(not recorded)'}  sha256 {f.sha256 or '(not found)'}"
        when_run = recorded.get(f.role)
        if isinstance(when_run, str) and f.sha256 and when_run != f.sha256:
            text += f"  (changed since the run: it was {when_run})"
        rows.append((f"{f.role} file", text))
    return rows


def _map(
    data: Mapping[str, Any], estimates: Sequence[DemandEstimate], topology: Topology | None
) -> Markup | None:
    if topology is None:
        return None
    paint, worst = _link_paint(data, estimates, topology)
    endpoints = sorted({n for d in topology_demands(data, topology) for n in d})
    return render_map_svg(
        topology, {}, highlight_nodes=endpoints, paint=paint, legend_svg=_legend(worst)
    )


def render_montecarlo_html(
    data: Mapping[str, Any],
    topology: Topology | None = None,
    bases: Sequence[Path] = (Path("."),),
    results_path: str = "<results>",
) -> str:
    """The Monte Carlo report as one self-contained HTML string (deterministic).

    With `topology` (the one the results were computed on) it has the run report's map, here
    coloured by mean link downtime per year with the top causes of demand downtime marked.
    """
    estimates = read_estimates(data, results_path)
    digest = hashlib.sha256(canonical_json(dict(data)).encode("utf-8")).hexdigest()
    scenario = str(data.get("scenario", ""))
    statuses = [e.status() for e in estimates]
    verdict, missed = _verdict(estimates, statuses)
    notes = [str(n) for n in data.get("notes", ()) or ()]
    if data.get("partial"):
        notes.insert(0, f"Partial result: {data.get('reason', 'interrupted')}")
    scenario_path = str(data.get("scenario_path", "") or "")
    files = trace_input_paths(scenario_path, str(data.get("topology_path", "") or ""), bases)
    return render(
        "montecarlo.html.j2",
        title=f"{scenario}: Monte Carlo report",
        scenario=scenario,
        verdict=verdict,
        missed=missed,
        replications=int(data.get("replications", 0) or 0),
        seed=data.get("seed", "?"),
        undecided=[e.id for e, s in zip(estimates, statuses, strict=True) if s == "undecided"],
        notes_list=notes,
        rows=[_summary_row(e, s) for e, s in zip(estimates, statuses, strict=True)],
        map_svg=_map(data, estimates, topology),
        provenance=_provenance(data, topology, files, digest),
        reproduce=(
            f"twin run {scenario_path or scenario} --seed {data.get('seed', '?')} "
            f"--replications {data.get('replications', '?')}"
        ),
    )


def topology_demands(data: Mapping[str, Any], topology: Topology) -> list[tuple[str, ...]]:
    """(source, destination) of each demand, when the results record them (they name ids)."""
    out: list[tuple[str, ...]] = []
    for raw in data.get("demands", ()) or ():
        if not isinstance(raw, Mapping):
            continue
        ends = tuple(str(raw.get(k, "")) for k in ("source", "destination"))
        if all(e in topology.nodes for e in ends):
            out.append(ends)
    return out


def write_montecarlo_report(
    data: Mapping[str, Any],
    topology: Topology | None,
    out_path: str | Path,
    bases: Sequence[Path] = (Path("."),),
    results_path: str = "<results>",
) -> str:
    """Write the Monte Carlo report atomically; returns the HTML (for its hash)."""
    html = render_montecarlo_html(data, topology, bases, results_path)
    write_text_atomic(out_path, html)
    return html
