"""Geodesy and the speed of light in fibre: the physical floor every latency is checked against.

Distances are WGS84 geodesics (GeographicLib, Karney 2013), accurate to nanometres, rather than a
spherical haversine, whose error of up to 0.5 % would blur the "faster than light" check on short
submarine spans.
"""

from __future__ import annotations

import math
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
# hand-placed nodes are good to about +-10 km (fact sheet §2), so a length may fall a little short;
# but never by more than a tenth of the geodesic, or a 0.5 km link between nodes 9 km apart
# (light 18 times faster than in fibre) would pass.
GEODESIC_TOLERANCE_KM = 10.0
GEODESIC_TOLERANCE_FRACTION = 0.1

_WGS84 = Geodesic.WGS84
# Mean earth radius (IUGG R1). Great-circle distances on this sphere differ from WGS84 geodesics
# by at most 0.56 % (the ellipsoid's radii of curvature lie between 6,335 and 6,400 km), so
# 1 % above the sphere is a safe upper bound on the geodesic.
_MEAN_RADIUS_KM = 6371.0088
_SPHERE_UPPER_FACTOR = 1.01


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Shortest distance over the WGS84 ellipsoid, in km."""
    result = _WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)
    return float(result["s12"]) / 1000.0


def destination(
    lat: float, lon: float, azimuth_deg: float, distance_km: float
) -> tuple[float, float]:
    """(lat, lon) reached from (lat, lon) along the WGS84 geodesic of `azimuth_deg` (clockwise
    from north) after `distance_km`: the direct geodesic problem (Karney 2013)."""
    result = _WGS84.Direct(
        lat, lon, azimuth_deg, distance_km * 1000.0, Geodesic.LATITUDE | Geodesic.LONGITUDE
    )
    return float(result["lat2"]), float(result["lon2"])


def geodesic_upper_bound_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """A cheap upper bound on `geodesic_km`: the haversine distance plus 1 %.

    Checking that a stated length is not shorter than the geodesic only needs the exact value
    when the length is within 1 % of it; the bound settles the other links of a large
    backbone in a fraction of the time of GeographicLib's series.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2.0
    half_dlambda = math.radians(lon2 - lon1) / 2.0
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    central = 2.0 * math.asin(min(1.0, math.sqrt(h)))
    return central * _MEAN_RADIUS_KM * _SPHERE_UPPER_FACTOR


def shortest_credible_length_km(geodesic_km: float) -> float:
    """The shortest fibre length a link over `geodesic_km` may state: the geodesic less the
    coordinates' uncertainty (10 km, at most a tenth of the geodesic). It grows with the
    geodesic, so a bound on the geodesic from above gives one on this too."""
    return geodesic_km - min(GEODESIC_TOLERANCE_KM, GEODESIC_TOLERANCE_FRACTION * geodesic_km)


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
