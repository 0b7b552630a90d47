"""Country outlines and a map projection, so reports draw the network on real geography offline.

The outlines are Natural Earth 1:110m admin-0 countries (public domain) as packaged in the
`world-atlas` npm package (TopoJSON, ISC); see `twin/data/SOURCES.md`. They ship with the twin so
a report never fetches tiles or fonts: it must open on an air-gapped laptop in a NOC.

TopoJSON stores each shared border once as a quantised, delta-encoded arc; this module decodes
the arcs into plain (lon, lat) rings once per process. The projection is an equirectangular one
whose horizontal scale is the cosine of the view's middle latitude (an "equidistant cylindrical"
with a standard parallel): along the corridor (35-55 N) it keeps shapes recognisable, needs no
trigonometry per point and is exactly invertible, which keeps tests simple.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from twin.errors import TwinError

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs, closed (first == last)
COUNTRIES_RESOURCE = "countries-110m.json"


class BasemapError(TwinError):
    """The shipped outline file is missing or not the TopoJSON this module understands."""


@dataclass(frozen=True)
class Country:
    """One country's outline: `id` is the ISO 3166 numeric code as a string ('' when none)."""

    id: str
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: outer ring, then holes

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(lon_min, lat_min, lon_max, lat_max) over every ring."""
        lons = [p[0] for poly in self.polygons for ring in poly for p in ring]
        lats = [p[1] for poly in self.polygons for ring in poly for p in ring]
        return (min(lons), min(lats), max(lons), max(lats))


def _decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) points of every arc, undoing quantisation and delta encoding."""
    transform = topo.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        points: list[tuple[float, float]] = []
        if transform:
            sx, sy = transform["scale"]
            tx, ty = transform["translate"]
            x = y = 0
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _ring(arc_indices: Sequence[int], arcs: Sequence[Sequence[tuple[float, float]]]) -> Ring:
    """Join arcs into one ring; a negative index ~i means arc i walked backwards."""
    points: list[tuple[float, float]] = []
    for index in arc_indices:
        arc = list(arcs[~index])[::-1] if index < 0 else list(arcs[index])
        # Consecutive arcs share their joining point: keep it once.
        points.extend(arc[1:] if points else arc)
    if points and points[0] != points[-1]:
        points.append(points[0])
    return tuple(points)


def decode_countries(topo: dict[str, Any], object_name: str = "countries") -> list[Country]:
    """Every country of a TopoJSON topology as polygons of (lon, lat) rings, sorted by name."""
    try:
        arcs = _decode_arcs(topo)
        geometries = topo["objects"][object_name]["geometries"]
    except (KeyError, TypeError, ValueError) as exc:
        raise BasemapError(f"not a TopoJSON topology with object {object_name!r}: {exc}") from exc
    countries: list[Country] = []
    for geometry in geometries:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygon_arcs = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygon_arcs = geometry["arcs"]
        else:
            continue
        polygons = tuple(tuple(_ring(ring, arcs) for ring in polygon) for polygon in polygon_arcs)
        name = str(geometry.get("properties", {}).get("name", ""))
        countries.append(Country(str(geometry.get("id", "")), name, polygons))
    countries.sort(key=lambda c: (c.name, c.id))
    return countries


@lru_cache(maxsize=1)
def load_countries() -> tuple[Country, ...]:
    """The shipped Natural Earth 110m countries, decoded once per process."""
    try:
        text = resources.files("twin").joinpath("data", COUNTRIES_RESOURCE).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise BasemapError(
            f"country outlines {COUNTRIES_RESOURCE} are missing from the twin package "
            "(reinstall silkroad-twin)"
        ) from exc
    return tuple(decode_countries(json.loads(text)))


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection with standard parallel `lat0_deg`, fitted to a pixel box.

    x grows east, y grows south (SVG and image convention). `scale` is pixels per degree of
    latitude; a degree of longitude is `scale * cos(lat0)` pixels.
    """

    lon_min: float
    lat_max: float
    lat0_deg: float
    scale: float
    offset_x: float
    offset_y: float
    width: float
    height: float

    @property
    def kx(self) -> float:
        return self.scale * math.cos(math.radians(self.lat0_deg))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.offset_x + (lon - self.lon_min) * self.kx,
            self.offset_y + (self.lat_max - lat) * self.scale,
        )

    def invert(self, x: float, y: float) -> tuple[float, float]:
        """(lon, lat) of a pixel: used by tests and tooltips, exact inverse of `__call__`."""
        return (
            self.lon_min + (x - self.offset_x) / self.kx,
            self.lat_max - (y - self.offset_y) / self.scale,
        )

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(lon_min, lat_min, lon_max, lat_max) visible in the whole pixel box."""
        lon_a, lat_a = self.invert(0.0, self.height)
        lon_b, lat_b = self.invert(self.width, 0.0)
        return (lon_a, lat_a, lon_b, lat_b)


def fit_projection(
    points: Iterable[tuple[float, float]],
    width: float,
    height: float,
    margin_frac: float = 0.08,
    min_span_deg: float = 4.0,
) -> Projection:
    """A projection showing every (lon, lat) in `points` inside `width` x `height` pixels.

    The box is widened by `margin_frac` on each side (labels and country context need room) and
    to at least `min_span_deg`, then centred so the unused dimension is split evenly.
    """
    pts = list(points)
    if not pts:
        pts = [(0.0, 0.0)]
    lon_lo = min(p[0] for p in pts)
    lon_hi = max(p[0] for p in pts)
    lat_lo = min(p[1] for p in pts)
    lat_hi = max(p[1] for p in pts)
    lon_pad = max((lon_hi - lon_lo) * margin_frac, (min_span_deg - (lon_hi - lon_lo)) / 2, 0.5)
    lat_pad = max((lat_hi - lat_lo) * margin_frac, (min_span_deg - (lat_hi - lat_lo)) / 2, 0.5)
    lon_lo, lon_hi = lon_lo - lon_pad, lon_hi + lon_pad
    lat_lo = max(-85.0, lat_lo - lat_pad)
    lat_hi = min(85.0, lat_hi + lat_pad)
    lat0 = (lat_lo + lat_hi) / 2.0
    cos0 = math.cos(math.radians(lat0))
    span_x_deg = (lon_hi - lon_lo) * cos0
    span_y_deg = lat_hi - lat_lo
    scale = min(width / span_x_deg, height / span_y_deg)
    offset_x = (width - span_x_deg * scale) / 2.0
    offset_y = (height - span_y_deg * scale) / 2.0
    return Projection(lon_lo, lat_hi, lat0, scale, offset_x, offset_y, width, height)


def _bbox_overlaps(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def countries_in_view(projection: Projection, slack_deg: float = 5.0) -> list[Country]:
    """Countries whose bounding box touches the view (the rest would only bloat the SVG)."""
    lon_a, lat_a, lon_b, lat_b = projection.bounds
    view = (lon_a - slack_deg, lat_a - slack_deg, lon_b + slack_deg, lat_b + slack_deg)
    return [c for c in load_countries() if _bbox_overlaps(c.bbox, view)]


def ring_to_svg_path(ring: Ring, projection: Projection, precision: int = 1) -> str:
    """An SVG path (`M x y L ... Z`) of one ring, rounded so the output is compact and stable."""
    if len(ring) < 2:
        return ""
    parts: list[str] = []
    last: tuple[float, float] | None = None
    for lon, lat in ring:
        x, y = projection(lon, lat)
        point = (round(x, precision), round(y, precision))
        if point == last:
            continue  # drop points that collapse at this zoom: smaller files, same picture
        parts.append(f"{'M' if last is None else 'L'}{point[0]:g} {point[1]:g}")
        last = point
    return " ".join(parts) + " Z"


def country_svg_path(country: Country, projection: Projection, precision: int = 1) -> str:
    """One `d` attribute holding every ring of a country (holes render with evenodd)."""
    return " ".join(
        ring_to_svg_path(ring, projection, precision)
        for polygon in country.polygons
        for ring in polygon
    )
