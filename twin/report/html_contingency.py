"""`twin report` for contingency results: which single failures (or pairs, or SRLGs) hurt most.

Same page style as the run report, different question: not "what happened" but "what would
happen if". The map colours each link by what its own failure does to the demands (disconnects
some, pushes some over their RTT budget, overloads a link, or nothing), so a planner sees the
single points of failure at a glance. The failures are read back into the one
`ContingencyResult` and ranked by its `worst()` (`FailureImpact.impact_key`): the page, the
`twin contingency` table and its JSON name the same worst failures in the same order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from markupsafe import Markup

from twin.atomic import canonical_json
from twin.model import Topology
from twin.report.html_env import render, twin_version
from twin.report.html_map import LegendRow, LinkPaint, map_legend, render_map_svg
from twin.results.contingency import ContingencyResult, FailureImpact
from twin.results.rtt import demand_rtts_text

# Impact classes, worst first: (key, colour, legend text).
IMPACT_CLASSES: tuple[tuple[str, str, str], ...] = (
    ("disconnects-many", "#67000d", "disconnects 2+ demands"),
    ("disconnects", "#c62828", "disconnects a demand"),
    ("over-rtt", "#ef6c00", "a demand over its RTT budget"),
    ("overload", "#f9a825", "a link over 100 % load"),
    ("none", "#8a96a3", "no demand affected"),
)
_CLASS_RANK = {key: len(IMPACT_CLASSES) - i for i, (key, _, _) in enumerate(IMPACT_CLASSES)}


def impact_class(impact: FailureImpact) -> str:
    """The colour class of a failure: its worst effect on the demands."""
    if len(impact.disconnected) >= 2:
        return "disconnects-many"
    if impact.disconnected:
        return "disconnects"
    if impact.over_rtt:
        return "over-rtt"
    if impact.overloaded:
        return "overload"
    return "none"


def impact_summary(impact: FailureImpact) -> str:
    """One line on what a failure does, for tooltips and the `twin report` table."""
    parts: list[str] = []
    if impact.disconnected:
        parts.append(f"disconnects {', '.join(impact.disconnected)}")
    if impact.over_rtt:
        parts.append(f"over RTT budget: {demand_rtts_text(impact.over_rtt, impact.over_rtt_ms)}")
    if impact.overloaded:
        parts.append(f"{len(impact.overloaded)} link direction(s) over 100 %")
    if impact.unrouted_gbps > 0:
        parts.append(f"{impact.unrouted_gbps:,.0f} Gbit/s without a path")
    return "; ".join(parts) or "no demand affected"


REROUTE_EPS = 1e-6  # a stretch above 1 + this is a longer path, not float noise


def headline_counts(impacts: Sequence[FailureImpact]) -> list[str]:
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


def ranked(result: ContingencyResult) -> list[FailureImpact]:
    """Every failure, worst first, by the analysis's own ranking (`ContingencyResult.worst`)."""
    return result.worst(len(result.failures))


def link_paint(impacts: Sequence[FailureImpact], topology: Topology) -> dict[str, LinkPaint]:
    """Each link coloured by the worst failure it takes part in (alone, in a pair, in an SRLG):
    worst by impact class, then by the analysis's ranking."""
    worst: dict[str, FailureImpact] = {}
    for impact in impacts:
        key = (_CLASS_RANK[impact_class(impact)], impact.impact_key)
        for element in impact.elements:
            current = worst.get(element)
            if element in topology.links and (
                current is None or key > (_CLASS_RANK[impact_class(current)], current.impact_key)
            ):
                worst[element] = impact
    colours = {key: colour for key, colour, _ in IMPACT_CLASSES}
    paint: dict[str, LinkPaint] = {}
    for link_id, impact in worst.items():
        cls = impact_class(impact)
        rank = float(_CLASS_RANK[cls] - 1)
        paint[link_id] = LinkPaint(
            colours[cls],
            f"worst failure {impact.label}: {impact_summary(impact)}",
            rank,
            marked=cls in ("disconnects", "disconnects-many"),
        )
    return paint


def _legend() -> Markup:
    return map_legend(
        "If this link fails…", [LegendRow(colour, text) for _, colour, text in IMPACT_CLASSES]
    )


def render_contingency_html(result: ContingencyResult, topology: Topology) -> str:
    """The contingency report as one self-contained HTML string (deterministic)."""
    impacts = list(result.failures)
    digest = hashlib.sha256(canonical_json(result.to_dict()).encode("utf-8")).hexdigest()
    cutting = [i for i in impacts if i.disconnected]
    headline = (
        f"{len(cutting)} of {len(impacts)} failures disconnect a demand"
        if cutting
        else f"no single {result.mode} failure disconnects a demand"
    )
    provenance = [
        ("topology", result.topology or topology.name),
        ("mode", result.mode),
        ("routing / metric", f"{result.routing} / {result.metric}"),
        ("demands", str(result.demands)),
        ("failures evaluated", str(len(impacts))),
        ("twin version", twin_version()),
        ("results SHA-256", digest),
    ]
    return render(
        "contingency.html.j2",
        title=f"{topology.name}: {result.mode} contingency report",
        name=topology.name,
        result=result,
        headline=headline,
        cutting=bool(cutting),
        counts=headline_counts(impacts),
        ranked=[
            (
                f,
                impact_class(f),
                max(f.stretch.values(), default=1.0),
                demand_rtts_text(f.over_rtt, f.over_rtt_ms),
            )
            for f in ranked(result)
        ],
        map_svg=render_map_svg(
            topology, {}, paint=link_paint(impacts, topology), legend_svg=_legend()
        ),
        provenance=provenance,
    )
