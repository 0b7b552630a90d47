"""Where to draw a submarine cable whose geodesic would cross a continent.

The model knows a cable's landing points and length, not its route. Drawn as a geodesic,
Marseille-Hong Kong (AAE-1) would cross Kazakhstan, and a map of a Red Sea crisis would show
the Red Sea cables over Iraq. For drawing only, such a cable is routed along a small graph of
sea-lane waypoints (Gibraltar, Sicily channel, Suez, Bab-el-Mandeb, Arabian Sea, Dondra Head,
Malacca, South China Sea, the Turkish straits and the Black Sea). Routing uses geodesic lengths,
and land is tested against the shipped Natural Earth outlines, so the result is deterministic.
Link lengths and latencies are never taken from this drawing.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from functools import lru_cache

from twin.geo import geodesic_km, intermediate_points
from twin.report.basemap import Country, load_countries

# (id, lon, lat): points at sea on the usual cable corridors.
WAYPOINTS: tuple[tuple[str, float, float], ...] = (
    ("gibraltar", -5.6, 35.95),
    ("alboran", -2.0, 36.2),
    ("lion-gulf", 5.0, 42.0),
    ("sardinia-s", 8.5, 38.2),
    ("sicily-channel", 12.0, 37.0),
    ("ionian", 19.0, 36.0),
    ("crete-s", 25.0, 34.2),
    ("levant", 30.0, 33.0),
    ("port-said-off", 32.3, 31.6),
    ("suez-gulf", 32.9, 28.8),
    ("red-sea-n", 35.2, 26.0),
    ("red-sea-c", 38.5, 20.0),
    ("red-sea-s", 41.8, 14.8),
    ("bab-el-mandeb", 43.4, 12.6),
    ("aden", 47.0, 12.6),
    ("guardafui", 53.0, 12.8),
    ("arabian-sea", 62.0, 16.0),
    ("oman-gulf", 58.8, 24.6),
    ("karachi-off", 66.4, 24.3),
    ("mumbai-off", 71.0, 18.8),
    ("lakshadweep", 73.5, 9.0),
    ("dondra", 80.6, 5.0),
    ("andaman", 93.0, 6.0),
    ("malacca-n", 97.5, 5.6),
    ("malacca-s", 101.5, 2.3),
    ("singapore-off", 104.4, 1.2),
    ("scs-s", 107.5, 5.5),
    ("scs-c", 112.5, 13.5),
    ("hong-kong-off", 114.6, 21.6),
    ("aegean", 25.0, 38.5),
    ("dardanelles", 26.3, 40.15),
    ("marmara", 28.0, 40.7),
    ("bosphorus", 29.1, 41.25),
    ("black-sea-w", 30.8, 42.6),
    ("black-sea-c", 34.5, 43.0),
    ("black-sea-e", 39.0, 42.3),
)
LANES: tuple[tuple[str, str], ...] = (
    ("gibraltar", "alboran"),
    ("alboran", "sardinia-s"),
    ("alboran", "lion-gulf"),
    ("lion-gulf", "sardinia-s"),
    ("sardinia-s", "sicily-channel"),
    ("sicily-channel", "ionian"),
    ("ionian", "crete-s"),
    ("ionian", "aegean"),
    ("crete-s", "aegean"),
    ("crete-s", "levant"),
    ("levant", "port-said-off"),
    ("port-said-off", "suez-gulf"),
    ("suez-gulf", "red-sea-n"),
    ("red-sea-n", "red-sea-c"),
    ("red-sea-c", "red-sea-s"),
    ("red-sea-s", "bab-el-mandeb"),
    ("bab-el-mandeb", "aden"),
    ("aden", "guardafui"),
    ("guardafui", "arabian-sea"),
    ("guardafui", "lakshadweep"),
    ("arabian-sea", "oman-gulf"),
    ("arabian-sea", "karachi-off"),
    ("arabian-sea", "mumbai-off"),
    ("arabian-sea", "lakshadweep"),
    ("oman-gulf", "karachi-off"),
    ("karachi-off", "mumbai-off"),
    ("mumbai-off", "lakshadweep"),
    ("lakshadweep", "dondra"),
    ("dondra", "andaman"),
    ("andaman", "malacca-n"),
    ("malacca-n", "malacca-s"),
    ("malacca-s", "singapore-off"),
    ("singapore-off", "scs-s"),
    ("scs-s", "scs-c"),
    ("scs-c", "hong-kong-off"),
    ("aegean", "dardanelles"),
    ("dardanelles", "marmara"),
    ("marmara", "bosphorus"),
    ("bosphorus", "black-sea-w"),
    ("black-sea-w", "black-sea-c"),
    ("black-sea-c", "black-sea-e"),
)
# A geodesic with more than this share of its interior over land is redrawn along the lanes.
LAND_SHARE_LIMIT = 0.15
# Landing stations attach to waypoints at most this far away by a sea-going geodesic.
ATTACH_KM = 1600.0
_SAMPLES = 40


def _in_ring(lon: float, lat: float, ring: Sequence[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def _in_country(lon: float, lat: float, country: Country) -> bool:
    for polygon in country.polygons:
        inside = bool(polygon) and _in_ring(lon, lat, polygon[0])
        if inside and not any(_in_ring(lon, lat, hole) for hole in polygon[1:]):
            return True
    return False


@lru_cache(maxsize=1)
def _boxes() -> tuple[tuple[tuple[float, float, float, float], Country], ...]:
    return tuple((c.bbox, c) for c in load_countries())


def on_land(lon: float, lat: float) -> bool:
    """Whether a point lies inside a Natural Earth 110m country (coarse: ~10 km coastlines)."""
    for (x0, y0, x1, y1), country in _boxes():
        if x0 <= lon <= x1 and y0 <= lat <= y1 and _in_country(lon, lat, country):
            return True
    return False


@lru_cache(maxsize=4096)
def land_share(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Share of a geodesic's interior sample points that fall on land (ends excluded)."""
    points = intermediate_points(lat1, lon1, lat2, lon2, _SAMPLES)[1:-1]
    if not points:
        return 0.0
    return sum(1 for lat, lon in points if on_land(lon, lat)) / len(points)


def _neighbours() -> dict[str, list[tuple[str, float]]]:
    where = {wid: (lat, lon) for wid, lon, lat in WAYPOINTS}
    graph: dict[str, list[tuple[str, float]]] = {wid: [] for wid in where}
    for a, b in LANES:
        km = geodesic_km(*where[a], *where[b])
        graph[a].append((b, km))
        graph[b].append((a, km))
    return graph


@lru_cache(maxsize=1024)
def sea_route(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> tuple[tuple[float, float], ...]:
    """(lat, lon) corner points from one landing to the other: the two ends, plus waypoints if
    the direct geodesic crosses land and a sea-lane route exists (else just the two ends)."""
    ends = ((lat1, lon1), (lat2, lon2))
    if land_share(lat1, lon1, lat2, lon2) <= LAND_SHARE_LIMIT:
        return ends
    where = {wid: (lat, lon) for wid, lon, lat in WAYPOINTS}
    graph = _neighbours()
    graph["@a"], graph["@b"] = [], []
    for name, (lat, lon) in (("@a", ends[0]), ("@b", ends[1])):
        for wid, (wlat, wlon) in where.items():
            km = geodesic_km(lat, lon, wlat, wlon)
            if km <= ATTACH_KM and land_share(lat, lon, wlat, wlon) <= LAND_SHARE_LIMIT:
                graph[name].append((wid, km))
                graph[wid].append((name, km))
    where["@a"], where["@b"] = ends
    best: dict[str, float] = {"@a": 0.0}
    previous: dict[str, str] = {}
    queue: list[tuple[float, str]] = [(0.0, "@a")]
    while queue:
        cost, here = heapq.heappop(queue)
        if here == "@b":
            break
        if cost > best.get(here, float("inf")):
            continue
        for there, km in sorted(graph[here]):
            if cost + km < best.get(there, float("inf")):
                best[there] = cost + km
                previous[there] = here
                heapq.heappush(queue, (cost + km, there))
    if "@b" not in previous:
        return ends
    chain = ["@b"]
    while chain[-1] != "@a":
        chain.append(previous[chain[-1]])
    return tuple(where[p] for p in reversed(chain))


def drawn_points(
    lat1: float, lon1: float, lat2: float, lon2: float, submarine: bool, per_km: float = 1 / 50
) -> list[tuple[float, float]]:
    """(lat, lon) points to draw a link through: its geodesic, or its sea-lane route if a
    submarine geodesic would cross land. About one point per 50 km on each leg."""
    corners = sea_route(lat1, lon1, lat2, lon2) if submarine else ((lat1, lon1), (lat2, lon2))
    points: list[tuple[float, float]] = []
    for (la, lo), (lb, lob) in itertools.pairwise(corners):
        count = max(2, min(64, int(geodesic_km(la, lo, lb, lob) * per_km)))
        leg = list(intermediate_points(la, lo, lb, lob, count))
        points.extend(leg[1:] if points else leg)
    return points
