"""Planar (x/y) topologies placed on the globe at a stated scale.

Some published networks (SNDlib's ta1, ta2, atlanta, ...) give node positions on a drawing, not
longitude and latitude. The twin measures latency from geography, so such a source is imported
only when the user states what one coordinate unit is in km (`--planar-scale-km`):

- link lengths are the planar distance x the scale x the route factor (never shorter than the
  geodesic between the placed ends), and are estimates, as the file says;
- nodes are placed around 0°N 0°E by the inverse of an azimuthal equidistant projection
  (distance and bearing from the drawing's centre kept exactly), so maps and the physical-floor
  check have positions; they are not geographic, and the file's description says so. Within
  the allowed radius (5,000 km) the projection stretches distances across the map by at most
  11 % (scale factor (r/R)/sin(r/R) at r = 5,000 km), which the lengths absorb.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from twin.errors import InputError, option
from twin.geo import destination

MIN_PLANAR_SCALE_KM, MAX_PLANAR_SCALE_KM = 1e-6, 1e4
# Half a continent: beyond this the drawing cannot be laid on the globe without distortion
# far larger than any length estimate's.
MAX_PLANAR_RADIUS_KM = 5_000.0
PLANAR_CENTRE = (0.0, 0.0)  # (lat, lon) the drawing is centred on


def check_planar_scale(scale_km: float) -> None:
    """Refuse a scale that is not a physical km-per-unit figure, before any work is done."""
    if not (math.isfinite(scale_km) and MIN_PLANAR_SCALE_KM <= scale_km <= MAX_PLANAR_SCALE_KM):
        raise InputError.for_parameter(
            "planar_scale_km",
            f"planar scale {scale_km:g} km per coordinate unit is out of range",
            f"give the km one coordinate unit stands for, from {MIN_PLANAR_SCALE_KM:g} to "
            f"{MAX_PLANAR_SCALE_KM:g}",
        )


def planar_distance_km(
    xy: Mapping[str, tuple[float, float]], a: str, b: str, scale_km: float
) -> float:
    """Straight-line distance between two nodes of the drawing, in km at `scale_km`."""
    (xa, ya), (xb, yb) = xy[a], xy[b]
    return math.hypot(xb - xa, yb - ya) * scale_km


def place_on_globe(
    xy: Mapping[str, tuple[float, float]], scale_km: float, source: str
) -> dict[str, tuple[float, float]]:
    """(lat, lon) per node: the drawing centred on `PLANAR_CENTRE`, +y pointing north."""
    xs = [x for x, _ in xy.values()]
    ys = [y for _, y in xy.values()]
    cx, cy = (min(xs) + max(xs)) / 2.0, (min(ys) + max(ys)) / 2.0
    radius_km = max(math.hypot(x - cx, y - cy) for x, y in xy.values()) * scale_km
    if radius_km > MAX_PLANAR_RADIUS_KM:
        largest = MAX_PLANAR_RADIUS_KM / (radius_km / scale_km)
        raise InputError.about(
            source,
            f"at {scale_km:g} km per unit the drawing reaches {radius_km:,.0f} km from its "
            f"centre, more than the {MAX_PLANAR_RADIUS_KM:,.0f} km a planar map can be laid "
            "on the globe without distorting its lengths",
            f"give {option('planar_scale_km')} of at most {largest:.6g}",
        )
    placed: dict[str, tuple[float, float]] = {}
    for node_id, (x, y) in xy.items():
        dx_km, dy_km = (x - cx) * scale_km, (y - cy) * scale_km
        azimuth = math.degrees(math.atan2(dx_km, dy_km))
        placed[node_id] = destination(*PLANAR_CENTRE, azimuth, math.hypot(dx_km, dy_km))
    return placed
