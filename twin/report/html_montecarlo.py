"""`twin report` for Monte Carlo results: each demand's availability with its 95 % interval.

One replication tells a story (the run report); many replications give an estimate. The
question here is statistical: is the SLA met with confidence, missed with confidence, or is the
target inside the interval (run more replications)? The verdict says which, so nobody reads a
lucky mean as a guarantee.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import twin
from twin.atomic import canonical_json
from twin.errors import InputError
from twin.report.html import esc, kv_table, page_html
from twin.report.run_view import format_percent
from twin.report.svg import availability_bar

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
class DemandEstimate:
    id: str
    sla_target: float | None
    sla_availability: Estimate
    availability: Estimate
    downtime_min_per_year: Estimate
    traffic_lost_gbit: Estimate

    def status(self) -> str:
        """held / missed when the whole 95 % interval is on one side of the target."""
        if self.sla_target is None:
            return "no-sla"
        if self.sla_availability.low >= self.sla_target:
            return "held"
        if self.sla_availability.high < self.sla_target:
            return "missed"
        return "undecided"

    def sentence(self) -> str:
        est = self.sla_availability
        text = (
            f"SLA availability {format_percent(est.mean)} "
            f"(95 % interval {format_percent(est.low)} – {format_percent(est.high)}, "
            f"{est.n} replications)"
        )
        if self.sla_target is not None:
            text += f" vs target {self.sla_target * 100:g} %"
        if self.status() == "undecided":
            text += "; the target lies inside the interval: run more replications"
        return text


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
            )
        )
    return out


def render_montecarlo_html(data: Mapping[str, Any], results_path: str = "<results>") -> str:
    """The Monte Carlo report as one self-contained HTML string (deterministic)."""
    estimates = read_estimates(data, results_path)
    digest = hashlib.sha256(canonical_json(dict(data)).encode("utf-8")).hexdigest()
    scenario = str(data.get("scenario", ""))
    statuses = [e.status() for e in estimates]
    missed = [e.id for e, s in zip(estimates, statuses, strict=True) if s == "missed"]
    undecided = [e.id for e, s in zip(estimates, statuses, strict=True) if s == "undecided"]
    pills = [
        f'<span class="pill {"bad" if missed else "good"}">'
        + (
            f"{len(missed)} of {len(estimates)} demands miss their SLA: {', '.join(missed)}"
            if missed
            else "no demand misses its SLA with 95 % confidence"
        )
        + "</span>",
        f'<span class="pill">{int(data.get("replications", 0) or 0)} replications</span>',
        f'<span class="pill">seed {esc(data.get("seed", "?"))}</span>',
    ]
    if undecided:
        pills.append(f'<span class="pill">undecided: {esc(", ".join(undecided))}</span>')
    rows = []
    for est, status in zip(estimates, statuses, strict=True):
        css = {"held": "held", "missed": "missed"}.get(status, "no-sla")
        dt = est.downtime_min_per_year
        interval = (est.sla_availability.low, est.sla_availability.high)
        bar = availability_bar(
            est.sla_availability.mean, est.sla_target, f"avail-{est.id}", interval
        )
        rows.append(
            f'<tr class="status-{css}" data-demand="{esc(est.id)}"><td>{esc(est.id)}</td>'
            f'<td><span class="badge {css}">{esc(STATUS_LABEL[status])}</span></td>'
            f"<td>{bar}</td>"
            f'<td class="num">{dt.mean:,.0f} [{dt.low:,.0f}, {dt.high:,.0f}]</td>'
            f'<td class="why">{esc(est.sentence())}</td></tr>'
        )
    notes = [str(n) for n in data.get("notes", ()) or ()]
    if data.get("partial"):
        notes.insert(0, f"Partial result: {data.get('reason', 'interrupted')}")
    notes_html = (
        '<div class="notes"><ul>' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></div>"
        if notes
        else ""
    )
    prov = [
        ("scenario", scenario),
        ("seed", str(data.get("seed", "?"))),
        ("replications", str(data.get("replications", "?"))),
        ("precision target", str(data.get("precision_target"))),
        ("twin version", twin.__version__),
        ("results SHA-256", digest),
    ]
    title = f"{scenario}: Monte Carlo report"
    body = [
        f'<header><h1>{esc(scenario)} <span class="muted">Monte Carlo report</span></h1>',
        f'<div class="headline" id="headline">{"".join(pills)}</div>{notes_html}</header>',
        '<h2 id="verdicts">SLA availability per demand, with 95 % intervals</h2>',
        '<p class="muted">Bars on a scale of nines; the black line across the bar end is the '
        "95 % interval, the dashed line the SLA target. A verdict is given only when the whole "
        "interval lies on one side of the target.</p>",
        '<table id="summary" class="table"><thead><tr><th>demand</th><th>verdict</th>'
        "<th>SLA availability</th><th>downtime min/year [95 %]</th><th>why</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>",
        '<h2 id="provenance-h">Provenance</h2>',
        kv_table(prov),
    ]
    return page_html(title, body)
