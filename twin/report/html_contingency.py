"""`twin report` for contingency results: which single failures (or pairs, or SRLGs) hurt most.

Same page style as the run report, different question: not "what happened" but "what would
happen if". The map colours each link by what its own failure does to the demands (disconnects
some, pushes some over their RTT budget, overloads a link, or nothing), so a planner sees the
single points of failure at a glance; the worst-case table ranks every failure by traffic left
without a path, then demands disconnected, then the worst link utilisation (the analysis's own
ranking).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import twin
from twin.atomic import canonical_json
from twin.errors import InputError
from twin.model import Topology
from twin.report.html import MAP_CREDIT, esc, kv_table, page_html
from twin.report.html_map import LegendRow, LinkPaint, map_legend, render_map_svg

CONTINGENCY_SCHEMA = "silkroad-twin/contingency/1"
# Impact classes, worst first: (key, colour, legend text).
IMPACT_CLASSES: tuple[tuple[str, str, str], ...] = (
    ("disconnects-many", "#67000d", "disconnects 2+ demands"),
    ("disconnects", "#c62828", "disconnects a demand"),
    ("over-rtt", "#ef6c00", "a demand over its RTT budget"),
    ("overload", "#f9a825", "a link over 100 % load"),
    ("none", "#8a96a3", "no demand affected"),
)
_CLASS_RANK = {key: len(IMPACT_CLASSES) - i for i, (key, _, _) in enumerate(IMPACT_CLASSES)}


@dataclass(frozen=True)
class Impact:
    """One failure's effect, read from the contingency document."""

    label: str
    elements: tuple[str, ...]
    disconnected: tuple[str, ...]
    over_rtt: tuple[str, ...]
    stretch: Mapping[str, float]
    max_utilisation: float
    max_utilisation_link: str
    overloaded: tuple[tuple[str, float], ...]
    unrouted_gbps: float

    @property
    def rank_key(self) -> tuple[float, int, float]:
        return (self.unrouted_gbps, len(self.disconnected), self.max_utilisation)

    @property
    def impact_class(self) -> str:
        if len(self.disconnected) >= 2:
            return "disconnects-many"
        if self.disconnected:
            return "disconnects"
        if self.over_rtt:
            return "over-rtt"
        if self.overloaded:
            return "overload"
        return "none"

    def summary(self) -> str:
        parts: list[str] = []
        if self.disconnected:
            parts.append(f"disconnects {', '.join(self.disconnected)}")
        if self.over_rtt:
            parts.append(f"over RTT budget: {', '.join(self.over_rtt)}")
        if self.overloaded:
            parts.append(f"{len(self.overloaded)} link direction(s) over 100 %")
        if self.unrouted_gbps > 0:
            parts.append(f"{self.unrouted_gbps:,.0f} Gbit/s without a path")
        return "; ".join(parts) or "no demand affected"


REROUTE_EPS = 1e-6  # a stretch above 1 + this is a longer path, not float noise


def headline_counts(impacts: Sequence[Impact]) -> list[str]:
    """Beside the disconnection count (the first pill): how many failures breach an RTT budget,
    only reroute, or overload a link, separately.

    One "N failures affect a demand" count hid that most failures only reroute (five at x1.19
    on silk-road-2026 while two disconnect): the three call for different fixes. A failure is
    counted under its worst effect only (disconnect, then RTT budget, then reroute).
    """
    over = [i for i in impacts if i.over_rtt and not i.disconnected]
    rerouted = [
        i
        for i in impacts
        if any(v > 1.0 + REROUTE_EPS for v in i.stretch.values())
        and not i.disconnected
        and not i.over_rtt
    ]
    overloads = [i for i in impacts if i.overloaded]
    worst = max((max(i.stretch.values()) for i in rerouted), default=1.0)
    texts = [
        f"{len(over)} push a demand over its RTT budget",
        f"{len(rerouted)} only reroute, within budget"
        + (f" (worst RTT ×{worst:.2f})" if rerouted else ""),
    ]
    if overloads:
        texts.append(f"{len(overloads)} overload a link")
    return texts


def _bad(path: str, message: str) -> InputError:
    return InputError.at(
        path, 1, 1, message, "rewrite it with `twin analyze TOPOLOGY --contingency n-1 --json FILE`"
    )


def read_impacts(data: Mapping[str, Any], path: str = "<results>") -> list[Impact]:
    """Every failure of a contingency document; InputError when the document is not one."""
    if data.get("schema") != CONTINGENCY_SCHEMA:
        raise _bad(path, f"not a contingency results file (schema {data.get('schema')!r})")
    failures = data.get("failures")
    if not isinstance(failures, (list, tuple)):
        raise _bad(path, "contingency results have no 'failures' list")
    impacts: list[Impact] = []
    try:
        for raw in failures:
            impacts.append(
                Impact(
                    label=str(raw["label"]),
                    elements=tuple(str(e) for e in raw["elements"]),
                    disconnected=tuple(str(d) for d in raw["disconnected"]),
                    over_rtt=tuple(str(d) for d in raw["over_rtt"]),
                    stretch={str(k): float(v) for k, v in dict(raw["stretch"]).items()},
                    max_utilisation=float(raw["max_utilisation"]),
                    max_utilisation_link=str(raw["max_utilisation_link"]),
                    overloaded=tuple((str(a), float(b)) for a, b in raw["overloaded"]),
                    unrouted_gbps=float(raw["unrouted_gbps"]),
                )
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(path, f"malformed failure entry: {type(exc).__name__}: {exc}") from exc
    return impacts


def link_paint(impacts: Sequence[Impact], topology: Topology) -> dict[str, LinkPaint]:
    """Each link coloured by the worst failure it takes part in (alone, in a pair, in an SRLG)."""
    worst: dict[str, Impact] = {}
    for impact in impacts:
        for element in impact.elements:
            if element not in topology.links:
                continue
            current = worst.get(element)
            key = (_CLASS_RANK[impact.impact_class], impact.rank_key)
            if current is None or key > (_CLASS_RANK[current.impact_class], current.rank_key):
                worst[element] = impact
    colours = {key: colour for key, colour, _ in IMPACT_CLASSES}
    paint: dict[str, LinkPaint] = {}
    for link_id, impact in worst.items():
        cls = impact.impact_class
        rank = float(_CLASS_RANK[cls] - 1)
        paint[link_id] = LinkPaint(
            colours[cls],
            f"worst failure {impact.label}: {impact.summary()}",
            rank,
            marked=cls in ("disconnects", "disconnects-many"),
        )
    return paint


def _legend() -> str:
    return map_legend(
        "If this link fails…", [LegendRow(colour, text) for _, colour, text in IMPACT_CLASSES]
    )


def _worst_table(impacts: Sequence[Impact], limit: int) -> str:
    ranked = sorted(impacts, key=lambda i: (i.rank_key, i.label), reverse=True)[:limit]
    rows = []
    for impact in ranked:
        cls = impact.impact_class
        stretch = max(impact.stretch.values(), default=1.0)
        rows.append(
            f'<tr class="impact-{cls}"><td>{esc(impact.label)}</td>'
            f"<td>{esc(', '.join(impact.disconnected) or '–')}</td>"
            f"<td>{esc(', '.join(impact.over_rtt) or '–')}</td>"
            f'<td class="num">×{stretch:.2f}</td>'
            f'<td class="num">{impact.max_utilisation * 100:.0f} %</td>'
            f"<td>{esc(impact.max_utilisation_link)}</td>"
            f'<td class="num">{impact.unrouted_gbps:,.0f}</td></tr>'
        )
    return (
        '<table id="worst" class="table"><thead><tr><th>failure</th><th>disconnected</th>'
        "<th>over RTT budget</th><th>worst RTT stretch</th><th>max util.</th><th>on link</th>"
        "<th>unrouted Gbit/s</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _base_unroutable_pill(data: Mapping[str, Any]) -> str:
    """Demands without a path before any failure: stated once, never part of a failure."""
    unroutable = data.get("base_unroutable")
    if not isinstance(unroutable, (list, tuple)) or not unroutable:
        return ""
    try:
        gbps = float(data.get("base_unroutable_gbps", 0.0))
    except (TypeError, ValueError):
        gbps = math.nan
    text = f"{len(unroutable)} demands unroutable in the base state ({gbps:,.0f} Gbit/s)"
    return f'<span class="pill bad">{esc(text)}</span>'


def render_contingency_html(
    data: Mapping[str, Any], topology: Topology, results_path: str = "<results>"
) -> str:
    """The contingency report as one self-contained HTML string (deterministic)."""
    impacts = read_impacts(data, results_path)
    digest = hashlib.sha256(canonical_json(dict(data)).encode("utf-8")).hexdigest()
    mode = str(data.get("mode", "?"))
    cutting = [i for i in impacts if i.disconnected]
    headline = (
        f"{len(cutting)} of {len(impacts)} failures disconnect a demand"
        if cutting
        else f"no single {mode} failure disconnects a demand"
    )
    map_svg = render_map_svg(
        topology, {}, paint=link_paint(impacts, topology), legend_svg=_legend()
    )
    everything = _worst_table(impacts, len(impacts)).replace('id="worst"', 'id="all-failures"', 1)
    provenance = [
        ("topology", str(data.get("topology", topology.name))),
        ("mode", mode),
        ("routing / metric", f"{data.get('routing', '?')} / {data.get('metric', '?')}"),
        ("demands", str(data.get("demands", "?"))),
        ("failures evaluated", str(len(impacts))),
        ("twin version", twin.__version__),
        ("results SHA-256", digest),
    ]
    title = f"{topology.name}: {mode} contingency report"
    body = [
        f'<header><h1>{esc(topology.name)} <span class="muted">{esc(mode)} contingency '
        "report</span></h1>",
        f'<div class="headline" id="headline"><span class="pill '
        f'{"bad" if cutting else "good"}">{esc(headline)}</span>'
        + "".join(f'<span class="pill">{esc(text)}</span>' for text in headline_counts(impacts))
        + _base_unroutable_pill(data)
        + '<span class="pill">base max utilisation '
        f"{float(data.get('base_max_utilisation', 0.0)) * 100:.0f} %</span></div></header>",
        '<h2 id="worst-h">Worst failures</h2>',
        _worst_table(impacts, 20),
        '<h2 id="where">Where a failure hurts</h2>',
        f'<div class="mapbox">{map_svg}</div>',
        '<h2 id="all-h">Every failure</h2>',
        f"<details><summary>{len(impacts)} failures, worst first</summary>{everything}</details>",
        '<h2 id="provenance-h">Provenance</h2>',
        kv_table(provenance),
        MAP_CREDIT,
    ]
    return page_html(title, body)
