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

from twin.model import Link, Node, Topology
from twin.report.basemap import (
    Projection,
    countries_in_view,
    country_svg_path,
    fit_projection,
)
from twin.report.map_layout import LabelRequest, offset_parallel, place_labels
from twin.report.sealanes import drawn_points
from twin.report.svg import FONT, esc, n
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


def _legend(width: float, height: float, max_downtime_h: float) -> str:
    x, y = 12.0, height - 118.0
    out = [
        f'<g id="map-legend" transform="translate({n(x)},{n(y)})">'
        '<rect width="250" height="108" rx="4" fill="#ffffff" fill-opacity="0.9" stroke="#c5ccd3"/>'
    ]
    out.append('<g class="legend-downtime">')
    out.append('<text x="10" y="16" font-weight="600">Link downtime over the run</text>')
    top = max(max_downtime_h, 2.0)
    for i, colour in enumerate(DOWNTIME_STOPS):
        hours = math.expm1(math.log1p(top) * i / len(DOWNTIME_STOPS))
        out.append(f'<rect x="{10 + i * 46}" y="22" width="44" height="8" fill="{colour}"/>')
        label = "> 0" if i == 0 else f"≥{format_duration_h(hours)}"
        out.append(f'<text x="{10 + i * 46}" y="41" font-size="9">{esc(label)}</text>')
    out.append("</g>")
    out.append('<g class="legend-util" style="display:none">')
    out.append('<text x="10" y="16" font-weight="600">Peak link utilisation</text>')
    for i, (colour, label) in enumerate(
        zip(UTIL_STOPS, ("<30 %", "<50 %", "<70 %", "<90 %", "≥90 %"), strict=True)
    ):
        out.append(f'<rect x="{10 + i * 46}" y="22" width="44" height="8" fill="{colour}"/>')
        out.append(f'<text x="{10 + i * 46}" y="41" font-size="9">{label}</text>')
    out.append("</g>")
    out.append(
        f'<line x1="10" y1="56" x2="40" y2="56" stroke="{NO_DATA}" stroke-width="2.5"/>'
        '<text x="46" y="60">terrestrial (grey: never down)</text>'
        '<line x1="10" y1="74" x2="40" y2="74" stroke="#9ecae1" stroke-width="6"/>'
        f'<line x1="10" y1="74" x2="40" y2="74" stroke="{NO_DATA}" stroke-width="2.5" '
        'stroke-dasharray="5 3"/><text x="46" y="78">submarine</text>'
        '<text x="10" y="97" fill="#c62828" font-weight="700" font-size="13">✕</text>'
        '<text x="26" y="96">failed during the run (hover for details)</text>'
    )
    out.append("</g>")
    return "".join(out)


def map_legend(
    title: str, rows: Sequence[LegendRow], width: float = 250.0, map_height: float = 560.0
) -> str:
    """A boxed legend for `render_map_svg(..., legend_svg=...)`, in the map's bottom-left corner."""
    out: list[str] = []
    for i, row in enumerate(rows):
        y = 24 + 16 * i
        if row.swatch == "bar":
            out.append(f'<rect x="10" y="{y}" width="30" height="5" fill="{row.colour}"/>')
        elif row.swatch in ("line", "dashed"):
            dash = f' stroke-dasharray="{row.dash}"' if row.swatch == "dashed" else ""
            out.append(
                f'<line x1="10" y1="{y + 3}" x2="40" y2="{y + 3}" stroke="{row.colour}" '
                f'stroke-width="3.5"{dash}/>'
            )
        x = 10 if row.swatch == "none" else 46
        fill = f' fill="{row.colour}"' if row.swatch == "none" and row.colour else ""
        out.append(f'<text x="{x}" y="{y + 6}"{fill}>{esc(row.text)}</text>')
    height = 34 + 16 * len(rows)
    return (
        f'<g id="map-legend" transform="translate(12,{n(map_height - height - 10)})">'
        f'<rect width="{n(width)}" height="{height}" rx="4" fill="#fff" fill-opacity="0.9" '
        f'stroke="#c5ccd3"/><text x="10" y="16" font-weight="600">{esc(title)}</text>'
        f"{''.join(out)}</g>"
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
    legend_svg: str | None = None,
) -> str:
    """The map as one inline SVG: countries, links coloured by downtime, failures, labels.

    With `paint`, links take those colours and notes instead (and `legend_svg` replaces the
    downtime legend): the contingency report colours each link by what its failure does.
    """
    shown_links = [lk for lk in topology.links.values() if lk.status != "retired"]
    used = {lk.a for lk in shown_links} | {lk.b for lk in shown_links}
    nodes = [topology.nodes[nid] for nid in sorted(used or topology.nodes)]
    projection = fit_projection(view_points(topology, shown_links, nodes), width, height, 0.06)
    max_downtime = max((m.downtime_h for m in metrics.values()), default=0.0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(element_id)}" class="map" '
        f'viewBox="0 0 {n(width)} {n(height)}" width="100%" role="img" '
        f'aria-label="network map of {esc(topology.name)}" {FONT} font-size="11">',
        f'<clipPath id="{element_id}-clip"><rect width="{n(width)}" height="{n(height)}"/>'
        "</clipPath>",
        f'<rect width="{n(width)}" height="{n(height)}" fill="#dcebf5"/>',
        f'<g id="{element_id}-countries" clip-path="url(#{element_id}-clip)" fill="#f4f1ea" '
        'stroke="#b9b2a3" stroke-width="0.6" fill-rule="evenodd">',
    ]
    for country in countries_in_view(projection):
        out.append(
            f'<path class="country" d="{country_svg_path(country, projection)}">'
            f"<title>{esc(country.name)}</title></path>"
        )
    out.append("</g>")
    out.append(f'<g id="{element_id}-links" fill="none" stroke-linecap="round">')
    markers: list[str] = []
    polylines = drawn_links(shown_links, topology, projection)

    # Worst links drawn last, so a failed cable is not hidden under an intact one sharing its lane.
    def order(lk: Link) -> tuple[float, bool, str]:
        if paint is not None:
            return (paint[lk.id].rank if lk.id in paint else 0.0, lk.kind == "submarine", lk.id)
        return (metrics.get(lk.id, LinkMetrics()).downtime_h, lk.kind == "submarine", lk.id)

    for link in sorted(shown_links, key=order):
        m = metrics.get(link.id, LinkMetrics())
        coords = polylines[link.id]
        d = _path_d(coords)
        c_down = downtime_colour(m.downtime_h, max_downtime)
        c_util = utilisation_colour(m.utilisation)
        planned = link.status == "planned"
        tip = (
            f"{link.id} ({link.name or link.a + '–' + link.b}): {link.kind}, "
            f"{link.length_km:,.0f} km, {link.status}; {m.failures} failure(s), down "
            f"{format_duration_h(m.downtime_h)}"
            + (
                f", peak utilisation {m.utilisation * 100:.0f} %"
                if m.utilisation is not None
                else ""
            )
        )
        # A link that went down is drawn heavier: it is what the reader came to see.
        heavy = m.downtime_h > 0
        marked = m.failures > 0 or m.downtime_h > 0
        painted = paint.get(link.id) if paint is not None else None
        if painted is not None:
            c_down = c_util = painted.colour
            tip = f"{link.id} ({link.name or link.a + '–' + link.b}): {link.kind}, "
            tip += f"{link.length_km:,.0f} km; {painted.note}"
            heavy, marked = painted.rank > 0, painted.marked
        width_px = 1.4 if planned else (4.2 if heavy else 2.6)
        dash = ' stroke-dasharray="2 4"' if planned else ""
        if link.kind == "submarine":
            out.append(f'<path d="{d}" stroke="#9ecae1" stroke-width="6" stroke-opacity="0.7"/>')
            dash = ' stroke-dasharray="7 4"' if not planned else dash
        if painted is not None and painted.dash is not None:
            dash = f' stroke-dasharray="{esc(painted.dash)}"'
        out.append(
            f'<path class="link {link.kind}{" planned" if planned else ""}" '
            f'data-link="{esc(link.id)}" d="{d}" stroke="{c_down}" data-c-downtime="{c_down}" '
            f'data-c-util="{c_util}" stroke-width="{width_px}"{dash}><title>{esc(tip)}</title>'
            "</path>"
        )
        if marked:
            x, y = coords[len(coords) // 2]
            markers.append(
                f'<text class="failed-link" x="{n(x)}" y="{n(y + 5)}" text-anchor="middle" '
                f'font-size="15" font-weight="700" fill="#c62828" stroke="#fff" '
                f'stroke-width="3" paint-order="stroke"><title>{esc(tip)}</title>✕</text>'
            )
    out.append("</g>")
    out.append(f'<g id="{element_id}-nodes">')
    highlighted = set(highlight_nodes)
    failed = set(failed_nodes)
    for node in nodes:
        x, y = projection(node.lon, node.lat)
        radius = 4.2 if node.id in highlighted else 2.8
        stroke = "#c62828" if node.id in failed else "#1f2933"
        out.append(
            f'<circle class="node" data-node="{esc(node.id)}" cx="{n(x)}" cy="{n(y)}" '
            f'r="{radius}" fill="{"#1f2933" if node.id in highlighted else "#ffffff"}" '
            f'stroke="{stroke}" stroke-width="{2.5 if node.id in failed else 1.2}">'
            f"<title>{esc(node.name)} ({esc(node.id)}, {esc(node.country)}, {node.role})</title>"
            "</circle>"
        )
    out.append("</g>")
    out.append("".join(markers))
    out.append(_labels(nodes, projection, highlighted, failed, element_id, (width, height)))
    out.append(legend_svg if legend_svg is not None else _legend(width, height, max_downtime))
    out.append("</svg>")
    return "".join(out)


def _labels(
    nodes: Sequence[Node],
    projection: Projection,
    highlighted: set[str],
    failed: set[str],
    element_id: str,
    bounds: tuple[float, float],
) -> str:
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
    out = [f'<g id="{element_id}-labels" font-size="10.5" fill="#1f2933">']
    names = {node.id: node.name for node in nodes}
    for label in place_labels(requests, bounds, [legend]):
        weight = ' font-weight="700"' if label.key in highlighted else ""
        out.append(
            f'<text class="label" data-node="{esc(label.key)}" x="{n(label.x)}" '
            f'y="{n(label.y)}" text-anchor="{label.anchor}" stroke="#fff" stroke-width="2.5" '
            f'paint-order="stroke"{weight}>{esc(names[label.key])}</text>'
        )
    out.append("</g>")
    return "".join(out)
