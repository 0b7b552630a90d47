"""The network map of a report: country outlines, links along their geodesics, what failed.

Links are coloured by downtime over the run (or by peak utilisation; the page can switch, both
colourings are in the SVG as data attributes so the switch needs a few lines of script and the
map still reads correctly with scripts off). Submarine links are dashed over a light-blue casing,
terrestrial ones solid: the two fail and get repaired in very different ways.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup

from twin.model import Link, Node, Topology
from twin.report.basemap import (
    Projection,
    countries_in_view,
    country_svg_path,
    fit_projection,
)
from twin.report.html_env import draw, n
from twin.report.map_layout import LabelRequest, PlacedLabel, offset_parallel, place_labels
from twin.report.sealanes import drawn_points
from twin.units import format_duration_h

NO_DATA = "#8a96a3"
# Sequential palette (ColorBrewer YlOrRd, 5 classes): light for little downtime, dark for much.
DOWNTIME_STOPS: tuple[str, ...] = ("#fecc5c", "#fd8d3c", "#f03b20", "#bd0026", "#67000d")
UTIL_STOPS: tuple[str, ...] = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")


@dataclass(frozen=True)
class LinkPaint:
    """An explicit colouring of one link (contingency maps colour by impact, not downtime)."""

    colour: str
    note: str = ""
    rank: float = 0.0  # higher is drawn later (on top) and heavier when positive
    marked: bool = False
    dash: str | None = None  # a stroke-dasharray replacing the link's own (e.g. a removed link)


@dataclass(frozen=True)
class LegendRow:
    """One row of a `map_legend`: a swatch in `colour` and what it means.

    `swatch` is "bar" (a short thick bar, for a colour scale), "line" or "dashed" (a link as the
    map draws it), or "none" (a note without a swatch).
    """

    colour: str
    text: str
    swatch: str = "bar"
    dash: str = "6 4"


@dataclass(frozen=True)
class LinkMetrics:
    downtime_h: float = 0.0
    failures: int = 0
    utilisation: float | None = None


def downtime_colour(downtime_h: float, max_downtime_h: float) -> str:
    """Log scale from 1 h to the run's worst link: a 2-hour and a 60-day outage look different."""
    if downtime_h <= 0:
        return NO_DATA
    top = max(max_downtime_h, 2.0)
    frac = math.log1p(downtime_h) / math.log1p(top)
    index = min(len(DOWNTIME_STOPS) - 1, int(frac * len(DOWNTIME_STOPS)))
    return DOWNTIME_STOPS[index]


def utilisation_colour(utilisation: float | None) -> str:
    if utilisation is None:
        return NO_DATA
    for limit, colour in zip((0.3, 0.5, 0.7, 0.9), UTIL_STOPS, strict=False):
        if utilisation < limit:
            return colour
    return UTIL_STOPS[-1]


def view_points(
    topology: Topology, links: Sequence[Link], nodes: Sequence[Node]
) -> list[tuple[float, float]]:
    """(lon, lat) the map must show: every node and every point of each link's geodesic.

    Long links bow away from their ends (Moscow-Manzhouli runs far north of both), so fitting
    the view to the nodes alone would cut them off at the edge.
    """
    points = [(nd.lon, nd.lat) for nd in nodes]
    for link in links:
        points.extend((lon, lat) for lat, lon in link_points(link, topology))
    return points


def link_points(link: Link, topology: Topology) -> list[tuple[float, float]]:
    """(lat, lon) points a link is drawn through: its geodesic, or a sea lane for a submarine
    cable whose geodesic would cross land (see `twin.report.sealanes`)."""
    a, b = topology.nodes[link.a], topology.nodes[link.b]
    return drawn_points(a.lat, a.lon, b.lat, b.lon, link.kind == "submarine")


def drawn_links(
    links: Sequence[Link], topology: Topology, projection: Projection
) -> dict[str, list[tuple[float, float]]]:
    """Projected (x, y) polylines of the links, cables sharing a sea lane spread apart."""
    return offset_parallel(
        {
            link.id: [projection(lon, lat) for lat, lon in link_points(link, topology)]
            for link in links
        }
    )


def _path_d(coords: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{n(x)} {n(y)}" for x, y in coords)


# Where the legend box sits (bottom-left): labels keep out of it. The tallest legend (the
# Monte Carlo one, 8 rows) is 162 px high plus its 10 px margin.
LEGEND_CLEARANCE = (8.0, 176.0, 262.0)  # left, height above the bottom edge, width


def _draw(macro: str, **geometry: Any) -> Markup:
    """One piece of `templates/map.svg.j2` drawn from the geometry computed here."""
    return draw("map.svg.j2", macro, geometry)


def _legend(height: float, max_downtime_h: float) -> Markup:
    """The run map's legend: downtime and utilisation scales (the page's toggle switches)."""
    top = max(max_downtime_h, 2.0)
    downtime = []
    for i, colour in enumerate(DOWNTIME_STOPS):
        hours = math.expm1(math.log1p(top) * i / len(DOWNTIME_STOPS))
        downtime.append((10 + i * 46, colour, "> 0" if i == 0 else f"≥{format_duration_h(hours)}"))
    util_labels = ("<30 %", "<50 %", "<70 %", "<90 %", "≥90 %")
    util = [
        (10 + i * 46, colour, label)
        for i, (colour, label) in enumerate(zip(UTIL_STOPS, util_labels, strict=True))
    ]
    return _draw("run_legend", y=height - 118.0, downtime=downtime, util=util, no_data=NO_DATA)


def map_legend(
    title: str, rows: Sequence[LegendRow], width: float = 250.0, map_height: float = 560.0
) -> Markup:
    """A boxed legend for `render_map_svg(..., legend_svg=...)`, in the map's bottom-left corner."""
    height = 34 + 16 * len(rows)
    return _draw(
        "legend",
        title=title,
        rows=[(24 + 16 * i, row) for i, row in enumerate(rows)],
        width=width,
        height=height,
        y=map_height - height - 10,
    )


def _link_view(
    link: Link,
    coords: Sequence[tuple[float, float]],
    metrics: LinkMetrics,
    max_downtime_h: float,
    painted: LinkPaint | None,
) -> dict[str, Any]:
    """How one link is drawn: colours under both colourings, width, dash, tooltip, marker."""
    name = link.name or link.a + "–" + link.b
    planned = link.status == "planned"
    c_down = downtime_colour(metrics.downtime_h, max_downtime_h)
    c_util = utilisation_colour(metrics.utilisation)
    tip = (
        f"{link.id} ({name}): {link.kind}, {link.length_km:,.0f} km, {link.status}; "
        f"{metrics.failures} failure(s), down {format_duration_h(metrics.downtime_h)}"
    )
    if metrics.utilisation is not None:
        tip += f", peak utilisation {metrics.utilisation * 100:.0f} %"
    # A link that went down is drawn heavier: it is what the reader came to see.
    heavy = metrics.downtime_h > 0
    marked = metrics.failures > 0 or metrics.downtime_h > 0
    if painted is not None:
        c_down = c_util = painted.colour
        tip = f"{link.id} ({name}): {link.kind}, {link.length_km:,.0f} km; {painted.note}"
        heavy, marked = painted.rank > 0, painted.marked
    dash = "2 4" if planned else ("7 4" if link.kind == "submarine" else None)
    if painted is not None and painted.dash is not None:
        dash = painted.dash
    return {
        "id": link.id,
        "d": _path_d(coords),
        "css": f"link {link.kind}" + (" planned" if planned else ""),
        "casing": link.kind == "submarine",
        "c_down": c_down,
        "c_util": c_util,
        "width": 1.4 if planned else (4.2 if heavy else 2.6),
        "dash": dash,
        "tip": tip,
        "marker": coords[len(coords) // 2] if marked else None,
    }


def _node_view(node: Node, projection: Projection, highlighted: bool, failed: bool) -> Any:
    x, y = projection(node.lon, node.lat)
    return SimpleNamespace(
        id=node.id,
        x=x,
        y=y,
        r=4.2 if highlighted else 2.8,
        fill="#1f2933" if highlighted else "#ffffff",
        stroke="#c62828" if failed else "#1f2933",
        stroke_width=2.5 if failed else 1.2,
        title=f"{node.name} ({node.id}, {node.country}, {node.role})",
    )


def render_map_svg(
    topology: Topology,
    metrics: Mapping[str, LinkMetrics],
    highlight_nodes: Sequence[str] = (),
    failed_nodes: Sequence[str] = (),
    width: float = 1100.0,
    height: float = 560.0,
    element_id: str = "map",
    paint: Mapping[str, LinkPaint] | None = None,
    legend_svg: Markup | None = None,
) -> Markup:
    """The map as one inline SVG: countries, links coloured by downtime, failures, labels.

    With `paint`, links take those colours and notes instead (and `legend_svg` replaces the
    downtime legend): the contingency report colours each link by what its failure does.
    """
    shown_links = [lk for lk in topology.links.values() if lk.status != "retired"]
    used = {lk.a for lk in shown_links} | {lk.b for lk in shown_links}
    nodes = [topology.nodes[nid] for nid in sorted(used or topology.nodes)]
    projection = fit_projection(view_points(topology, shown_links, nodes), width, height, 0.06)
    max_downtime = max((m.downtime_h for m in metrics.values()), default=0.0)
    polylines = drawn_links(shown_links, topology, projection)

    # Worst links drawn last, so a failed cable is not hidden under an intact one sharing its lane.
    def order(lk: Link) -> tuple[float, bool, str]:
        if paint is not None:
            return (paint[lk.id].rank if lk.id in paint else 0.0, lk.kind == "submarine", lk.id)
        return (metrics.get(lk.id, LinkMetrics()).downtime_h, lk.kind == "submarine", lk.id)

    links = [
        _link_view(
            lk,
            polylines[lk.id],
            metrics.get(lk.id, LinkMetrics()),
            max_downtime,
            paint.get(lk.id) if paint is not None else None,
        )
        for lk in sorted(shown_links, key=order)
    ]
    highlighted, failed = set(highlight_nodes), set(failed_nodes)
    return _draw(
        "network_map",
        element_id=element_id,
        name=topology.name,
        width=width,
        height=height,
        countries=[
            (c.name, country_svg_path(c, projection)) for c in countries_in_view(projection)
        ],
        links=links,
        markers=[(*lk["marker"], lk["tip"]) for lk in links if lk["marker"] is not None],
        nodes=[_node_view(nd, projection, nd.id in highlighted, nd.id in failed) for nd in nodes],
        labels=_labels(nodes, projection, highlighted, failed, (width, height)),
        legend=legend_svg if legend_svg is not None else _legend(height, max_downtime),
    )


def _labels(
    nodes: Sequence[Node],
    projection: Projection,
    highlighted: set[str],
    failed: set[str],
    bounds: tuple[float, float],
) -> list[tuple[PlacedLabel, str, bool]]:
    """Node names, most important first, each where it covers no other label or node.

    Demand endpoints are always labelled; a minor node whose name fits nowhere goes unlabelled
    (its circle's hover title still names it) rather than being printed over its neighbours.
    """

    def rank(node: Node) -> tuple[int, str]:
        if node.id in highlighted:
            return (0, node.id)
        if node.id in failed:
            return (1, node.id)
        return (2 if node.role in ("landing", "ixp") else 3, node.id)

    requests = []
    for node in sorted(nodes, key=rank):
        x, y = projection(node.lon, node.lat)
        bold = node.id in highlighted
        requests.append(
            LabelRequest(
                node.id,
                x,
                y,
                node.name,
                10.5,
                radius_px=4.2 if bold else 2.8,
                bold=bold,
                keep=bold,
            )
        )
    left, above, legend_w = LEGEND_CLEARANCE
    legend = (left, bounds[1] - above, legend_w, above)
    names = {node.id: node.name for node in nodes}
    return [
        (label, names[label.key], label.key in highlighted)
        for label in place_labels(requests, bounds, [legend])
    ]
