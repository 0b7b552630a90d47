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


# Vincenty's inverse (1975) converges to 1e-12 rad (about 6 um) in a few iterations for all but
# nearly antipodal points, where it converges slowly or not at all: those go to Karney.
_A_M = float(_WGS84.a)
_F = float(_WGS84.f)
_B_M = _A_M * (1.0 - _F)
_VINCENTY_TOLERANCE_RAD = 1e-12
_VINCENTY_MAX_ITERATIONS = 30


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Shortest distance over the WGS84 ellipsoid, in km.

    Vincenty's iteration first (sub-millimetre on WGS84, and about ten times faster than
    GeographicLib's pure-Python series, which matters when 20,000 link lengths are derived
    from coordinates); Karney's exact algorithm when it does not converge (nearly antipodal
    points).
    """
    fast_m = _vincenty_m(lat1, lon1, lat2, lon2)
    if fast_m is None:
        fast_m = float(_WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"])
    return fast_m / 1000.0


def _vincenty_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float | None:
    """Vincenty's inverse geodesic distance in metres; None when it does not converge."""
    diff_lon = math.radians(math.remainder(lon2 - lon1, 360.0))
    reduced1 = math.atan((1.0 - _F) * math.tan(math.radians(lat1)))
    reduced2 = math.atan((1.0 - _F) * math.tan(math.radians(lat2)))
    sin_u1, cos_u1 = math.sin(reduced1), math.cos(reduced1)
    sin_u2, cos_u2 = math.sin(reduced2), math.cos(reduced2)
    lam = diff_lon
    for _ in range(_VINCENTY_MAX_ITERATIONS):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0.0:
            return 0.0  # the same point
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1.0 - sin_alpha * sin_alpha
        # On the equator cos2_alpha is 0 and the term's limit is 0.
        cos_2sm = cos_sigma - 2.0 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = _F / 16.0 * cos2_alpha * (4.0 + _F * (4.0 - 3.0 * cos2_alpha))
        previous = lam
        lam = diff_lon + (1.0 - c) * _F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (2.0 * cos_2sm * cos_2sm - 1.0))
        )
        if abs(lam - previous) < _VINCENTY_TOLERANCE_RAD:
            break
    else:
        return None
    if abs(lam) > math.pi:
        return None  # past the antipodal limit: the iteration's answer is not the geodesic
    u2 = cos2_alpha * (_A_M * _A_M - _B_M * _B_M) / (_B_M * _B_M)
    big_a = 1.0 + u2 / 16384.0 * (4096.0 + u2 * (-768.0 + u2 * (320.0 - 175.0 * u2)))
    big_b = u2 / 1024.0 * (256.0 + u2 * (-128.0 + u2 * (74.0 - 47.0 * u2)))
    delta_sigma = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4.0
            * (
                cos_sigma * (2.0 * cos_2sm * cos_2sm - 1.0)
                - big_b
                / 6.0
                * cos_2sm
                * (4.0 * sin_sigma * sin_sigma - 3.0)
                * (4.0 * cos_2sm * cos_2sm - 3.0)
            )
        )
    )
    return _B_M * big_a * (sigma - delta_sigma)


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
