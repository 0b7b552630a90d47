"""Geodesy and the speed of light in fibre: the physical floor every latency is checked against.

Distances are WGS84 geodesics (GeographicLib, Karney 2013), accurate to nanometres, rather than a
spherical haversine, whose error of up to 0.5 % would blur the "faster than light" check on short
submarine spans.
"""

from __future__ import annotations

from collections.abc import Sequence

from geographiclib.geodesic import Geodesic

SPEED_OF_LIGHT_KM_PER_S = 299_792.458
# Group index of standard single-mode fibre (Corning SMF-28 Ultra) at 1550 nm,
# fact sheet §5.1 [S70].
FIBRE_GROUP_INDEX = 1.4682
# One-way propagation delay: n / c = 4.897 us per km (fact sheet §5.1).
FIBRE_DELAY_MS_PER_KM = FIBRE_GROUP_INDEX / SPEED_OF_LIGHT_KM_PER_S * 1000.0
# Default ratio of fibre route length to the geodesic for terrestrial links whose length is not
# published (Bozkurt et al. median conduit/great-circle ratio, fact sheet §3 [S72]).
DEFAULT_ROUTE_FACTOR = 1.3
# Tolerance when checking that a stated length is not shorter than the geodesic: coordinates of
# hand-placed nodes are good to about +-10 km (fact sheet §2), so a length may fall a little short.
GEODESIC_TOLERANCE_KM = 10.0

_WGS84 = Geodesic.WGS84


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Shortest distance over the WGS84 ellipsoid, in km."""
    result = _WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)
    return float(result["s12"]) / 1000.0


def fibre_delay_ms(length_km: float) -> float:
    """One-way propagation delay over `length_km` of fibre."""
    return length_km * FIBRE_DELAY_MS_PER_KM


def floor_rtt_ms(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The physical floor: round trip at fibre speed along the geodesic between two points."""
    return 2.0 * fibre_delay_ms(geodesic_km(lat1, lon1, lat2, lon2))


def intermediate_points(
    lat1: float, lon1: float, lat2: float, lon2: float, count: int
) -> Sequence[tuple[float, float]]:
    """Points along the geodesic (for drawing links on a map along their geography)."""
    line = _WGS84.InverseLine(lat1, lon1, lat2, lon2)
    points: list[tuple[float, float]] = []
    for i in range(count + 1):
        pos = line.Position(line.s13 * i / count, Geodesic.LATITUDE | Geodesic.LONGITUDE)
        points.append((float(pos["lat2"]), float(pos["lon2"])))
    return points
