"""The physics under every latency: fibre delay per km, WGS84 geodesics, RTT and path latency.

Expected values are derived here from first principles (the SI speed of light, the WGS84
ellipsoid's defining constants, a haversine written out in the test) or taken from published
geodesy constants, never copied from an earlier run of the code under test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twin.errors import InputError
from twin.geo import (
    FIBRE_DELAY_MS_PER_KM,
    FIBRE_GROUP_INDEX,
    GEODESIC_TOLERANCE_FRACTION,
    GEODESIC_TOLERANCE_KM,
    fibre_delay_ms,
    floor_rtt_ms,
    geodesic_km,
    geodesic_upper_bound_km,
    shortest_credible_length_km,
)
from twin.loading import load_topology
from twin.model import FailureClass, Link, Node, RepairTime, Topology
from twin.routing import Path as RoutePath
from twin.routing import Router
from twin.units import format_duration_h, hours_to_ms, ms_to_hours, parse_duration_h

# The speed of light in vacuum is exact by the SI definition of the metre (1983): 299,792,458 m/s.
C_M_PER_S = 299_792_458
# Group index of standard SMF (Corning SMF-28 Ultra) at 1550 nm: fact sheet §5.1 [S70].
GROUP_INDEX_1550 = 1.4682
# WGS84 defining constants (NIMA TR8350.2): semi-major axis and flattening.
WGS84_A_KM = 6378.137
WGS84_F = 1 / 298.257223563
# Published WGS84 quarter meridian (equator to pole along a meridian): 10,001,965.729 m.
QUARTER_MERIDIAN_KM = 10_001.965729


def _one_way_ms_per_km_from_c(group_index: float) -> float:
    """n / c, converted: seconds per metre -> milliseconds per kilometre (x 1000 x 1000)."""
    return group_index / C_M_PER_S * 1000.0 * 1000.0


# --- the fibre delay constant ---


def test_group_index_is_the_published_1550nm_value() -> None:
    """Fails if someone swaps the 1550 nm index for the 1310 nm one (1.4676) or a ULL fibre's."""
    assert FIBRE_GROUP_INDEX == GROUP_INDEX_1550


def test_fibre_delay_per_km_is_group_index_over_c() -> None:
    """The one-way delay per km is n/c. Fails if the constant is rounded, mistyped, uses the
    vacuum speed of light alone, or mixes up us and ms (a factor of 1000)."""
    expected = _one_way_ms_per_km_from_c(GROUP_INDEX_1550)
    delay = FIBRE_DELAY_MS_PER_KM
    assert delay == pytest.approx(expected, rel=1e-12)
    # ... which is the fact sheet's 4.897 us/km (§5.1), to the sheet's four significant figures.
    assert round(FIBRE_DELAY_MS_PER_KM * 1000.0, 3) == 4.897
    # Equivalently light in this fibre covers c/n ~ 204,190 km/s, inside the §5.1 range.
    assert 204_000 < 1.0 / FIBRE_DELAY_MS_PER_KM * 1000.0 < 205_000


@pytest.mark.parametrize("length_km", [0.0, 1.0, 380.0, 12_666.0])
def test_fibre_delay_is_linear_in_length(length_km: float) -> None:
    """fibre_delay_ms and Link.delay_ms are length x n/c (no offset, no per-link overhead)."""
    expected = length_km * _one_way_ms_per_km_from_c(GROUP_INDEX_1550)
    assert fibre_delay_ms(length_km) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    link = Link("l", "a", "b", "terrestrial", length_km, 10.0, "t")
    assert link.delay_ms == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_one_thousand_km_is_about_ten_ms_of_rtt() -> None:
    """The rule of thumb of fact sheet §5.1 ([S71]): ~10 ms RTT per 1,000 km of route."""
    rtt = 2.0 * fibre_delay_ms(1000.0)
    assert 9.7 < rtt < 10.0


# --- geodesic distance ---


def test_quarter_meridian_matches_the_published_wgs84_value() -> None:
    """Equator to pole along a meridian on WGS84 is 10,001.966 km. A spherical formula with
    R = 6371 km gives 10,007.5 km (5.6 km off), so this fails for a haversine in disguise."""
    assert geodesic_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(QUARTER_MERIDIAN_KM, abs=0.001)
    assert geodesic_km(0.0, 123.0, -90.0, 0.0) == pytest.approx(QUARTER_MERIDIAN_KM, abs=0.001)


def test_one_degree_of_equator_is_the_semi_major_axis_times_one_radian_degree() -> None:
    """Along the equator (a geodesic for short arcs) the distance is a x delta-lambda:
    6378.137 x pi/180 = 111.319 km per degree."""
    expected = WGS84_A_KM * math.pi / 180.0
    assert expected == pytest.approx(111.319, abs=0.001)
    assert geodesic_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(expected, rel=1e-9)
    assert geodesic_km(0.0, 10.0, 0.0, 40.0) == pytest.approx(30 * expected, rel=1e-9)


def test_one_degree_of_meridian_grows_towards_the_pole() -> None:
    """On an oblate ellipsoid a degree of latitude is longer at the pole than at the equator:
    M = a(1 - e^2) / (1 - e^2 sin^2 phi)^1.5 (meridian radius of curvature)."""
    e2 = WGS84_F * (2 - WGS84_F)

    def meridian_degree_km(phi_deg: float) -> float:
        s = math.sin(math.radians(phi_deg))
        return WGS84_A_KM * (1 - e2) / (1 - e2 * s * s) ** 1.5 * math.pi / 180.0

    near_equator = geodesic_km(-0.005, 0.0, 0.005, 0.0) * 100.0
    near_pole = geodesic_km(89.985, 0.0, 89.995, 0.0) * 100.0
    assert near_equator == pytest.approx(meridian_degree_km(0.0), rel=1e-6)
    assert near_pole == pytest.approx(meridian_degree_km(89.99), rel=1e-6)
    assert near_pole - near_equator > 1.1  # 110.574 vs 111.694 km


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great circle on a sphere of R = 6371.0 km: the fact sheet's GC convention (its header)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.mark.parametrize(
    ("a", "b", "gc_km"),
    [
        # Coordinates: fact sheet §2 (N1, N20, N35, N43); GC km: §5.2 table ("GC km" column).
        ((50.1136, 8.6797), (22.3050, 114.1850), 9_160),  # Frankfurt - Hong Kong
        ((50.1136, 8.6797), (43.2500, 76.9000), 5_076),  # Frankfurt - Almaty
        ((41.0406, 28.9861), (50.1136, 8.6797), 1_866),  # Istanbul - Frankfurt
    ],
)
def test_geodesic_is_within_half_a_percent_of_the_fact_sheet_great_circle(
    a: tuple[float, float], b: tuple[float, float], gc_km: float
) -> None:
    """A sphere and the ellipsoid differ by at most ~0.5 %; the fact sheet's GC column is a
    haversine rounded to the km. Fails if the geodesic is in miles or nautical miles, uses
    degrees as radians, or is off by more than the sphere/ellipsoid difference."""
    wgs84 = geodesic_km(*a, *b)
    assert _haversine_km(*a, *b) == pytest.approx(gc_km, abs=1.0)
    assert wgs84 == pytest.approx(gc_km, rel=0.005)


def test_geodesic_is_symmetric_zero_on_a_point_and_bounded_by_half_a_meridian() -> None:
    assert geodesic_km(40.3667, 49.8352, 43.65, 51.2) == pytest.approx(
        geodesic_km(43.65, 51.2, 40.3667, 49.8352), rel=1e-12
    )
    assert geodesic_km(43.65, 51.2, 43.65, 51.2) == 0.0
    # No two points are further apart than pole to pole along a meridian.
    assert geodesic_km(10.0, 20.0, -10.0, -160.0) <= 2 * QUARTER_MERIDIAN_KM + 1e-6


_LAT = st.floats(-90.0, 90.0, allow_nan=False)
_LON = st.floats(-180.0, 180.0, allow_nan=False)


@given(_LAT, _LON, _LAT, _LON)
def test_the_cheap_upper_bound_is_never_below_the_geodesic_and_at_most_2_percent_above(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    """The loader skips the exact geodesic when a stated length clears this bound, so a bound
    below the geodesic would let a faster-than-light length through. The sphere differs from
    the ellipsoid by under 0.6 %; the bound adds 1 %, so it stays within [1, 1.02] of it."""
    exact = geodesic_km(lat1, lon1, lat2, lon2)
    bound = geodesic_upper_bound_km(lat1, lon1, lat2, lon2)
    assert bound >= exact - 1e-9
    assert bound <= 1.02 * exact + 1e-6


@pytest.mark.parametrize("short_by_km", [GEODESIC_TOLERANCE_KM - 1, GEODESIC_TOLERANCE_KM + 1])
def test_a_length_just_inside_or_outside_the_tolerance_is_judged_on_the_exact_geodesic(
    tmp_path: Path, short_by_km: float
) -> None:
    """Lengths within 1 % of the geodesic go to the exact WGS84 value: on a 170 km span, 9 km
    short passes (coordinates are good to about 10 km), 11 km short is faster than light."""
    geodesic = geodesic_km(40.0, 49.0, 40.0, 51.0)
    assert geodesic * GEODESIC_TOLERANCE_FRACTION > GEODESIC_TOLERANCE_KM + 1  # 10 km applies
    text = TINY_YAML.replace("lat: 40.0, lon: 50.0", "lat: 40.0, lon: 51.0")
    text = text.replace("length_km: 100,", f"length_km: {geodesic - short_by_km:.3f},")
    (tmp_path / "tiny.yaml").write_text(text)
    if short_by_km < GEODESIC_TOLERANCE_KM:
        assert load_topology(tmp_path / "tiny.yaml").links["ab"].length_km < geodesic
    else:
        with pytest.raises(InputError, match="shorter than the geodesic"):
            load_topology(tmp_path / "tiny.yaml")


def test_on_a_short_span_the_tolerance_shrinks_to_a_tenth_of_the_geodesic(
    tmp_path: Path,
) -> None:
    """Nodes 8.9 km apart: 10 km of coordinate slack would admit a 0.5 km link, light 18 times
    faster than in fibre; a tenth of the geodesic (0.89 km) refuses it, and 8.1 km passes."""
    lon_b = 49.0 + 8.9 / geodesic_km(40.0, 49.0, 40.0, 50.0)  # ~8.9 km east along 40 N
    geodesic = geodesic_km(40.0, 49.0, 40.0, lon_b)
    assert shortest_credible_length_km(geodesic) == pytest.approx(0.9 * geodesic, rel=1e-12)
    base = TINY_YAML.replace("lat: 40.0, lon: 50.0", f"lat: 40.0, lon: {lon_b:.6f}")
    (tmp_path / "short.yaml").write_text(base.replace("length_km: 100,", "length_km: 0.5,"))
    with pytest.raises(InputError, match="shorter than the geodesic"):
        load_topology(tmp_path / "short.yaml")
    ok = base.replace("length_km: 100,", f"length_km: {0.91 * geodesic:.3f},")
    (tmp_path / "ok.yaml").write_text(ok)
    assert load_topology(tmp_path / "ok.yaml").links["ab"].length_km < geodesic


def test_a_link_between_nodes_at_the_same_place_needs_a_stated_length(tmp_path: Path) -> None:
    """geodesic x route_factor is 0 km there: a zero-length link is refused, not derived."""
    text = TINY_YAML.replace("lat: 40.0, lon: 52.0", "lat: 40.0, lon: 50.0")
    (tmp_path / "same.yaml").write_text(text)
    with pytest.raises(InputError, match="same coordinates"):
        load_topology(tmp_path / "same.yaml")


# --- RTT and path latency ---


def test_floor_rtt_is_twice_the_geodesic_at_fibre_speed() -> None:
    """Nothing is faster than light in fibre along the geodesic, there and back."""
    k = _one_way_ms_per_km_from_c(GROUP_INDEX_1550)
    assert floor_rtt_ms(0.0, 0.0, 90.0, 0.0) == pytest.approx(
        2.0 * QUARTER_MERIDIAN_KM * k, rel=1e-9
    )
    assert floor_rtt_ms(0.0, 0.0, 90.0, 0.0) == pytest.approx(97.96, abs=0.01)


def test_path_rtt_is_twice_its_one_way_delay() -> None:
    path = RoutePath(("a", "b"), ("ab",), 100.0, 1.2345)
    assert path.rtt_ms == 2 * 1.2345
    assert path.hops == 1


_FC = FailureClass("t", "per_1000km", 1.0, RepairTime("fixed", 12.0))


def _line_topology() -> Topology:
    """a --100 km-- b --250 km-- c, equipment delays 0.1 / 0.2 / 0.3 ms (one way, per node)."""
    nodes = {
        "a": Node("a", "A", "AZ", "pop", 40.0, 49.0, equipment_delay_ms=0.1),
        "b": Node("b", "B", "AZ", "pop", 40.0, 50.0, equipment_delay_ms=0.2),
        "c": Node("c", "C", "KZ", "pop", 40.0, 52.0, equipment_delay_ms=0.3),
    }
    links = {
        "ab": Link("ab", "a", "b", "terrestrial", 100.0, 10.0, "t"),
        "bc": Link("bc", "b", "c", "submarine", 250.0, 10.0, "t"),
    }
    return Topology("line", nodes, links, failure_classes={"t": _FC})


def test_path_latency_is_fibre_length_times_delay_plus_every_nodes_equipment() -> None:
    """One way = (100 + 250 km) x n/c + (0.1 + 0.2 + 0.3 ms): both ends and the transit node
    each add their equipment delay once. Fails if an end node is skipped or counted twice."""
    k = _one_way_ms_per_km_from_c(GROUP_INDEX_1550)
    path = Router(_line_topology()).shortest_path("a", "c")
    assert path is not None
    assert path.nodes == ("a", "b", "c") and path.links == ("ab", "bc")
    assert path.length_km == 350.0
    assert path.one_way_ms == pytest.approx(350.0 * k + 0.6, rel=1e-12)
    assert path.rtt_ms == pytest.approx(2 * (350.0 * k + 0.6), rel=1e-12)
    # The reverse direction is the same path backwards, with the same latency.
    back = Router(_line_topology()).shortest_path("c", "a")
    assert back is not None and back.nodes == ("c", "b", "a")
    assert back.one_way_ms == pytest.approx(path.one_way_ms, rel=1e-12)


def test_a_path_to_itself_costs_only_the_node() -> None:
    path = Router(_line_topology()).shortest_path("b", "b")
    assert path is not None
    assert (path.links, path.length_km, path.one_way_ms) == ((), 0.0, 0.2)


# The same line as a file; b-c has no length_km, so the loader derives geodesic x 1.5.
TINY_YAML = """\
name: tiny
route_factor: 1.5
failure_classes:
  - {id: t, basis: per_1000km, rate: 1.0, repair: {kind: fixed, median: 12h}}
nodes:
  - {id: a, name: A, country: AZ, role: pop, lat: 40.0, lon: 49.0, equipment_delay_ms: 0.1}
  - {id: b, name: B, country: AZ, role: pop, lat: 40.0, lon: 50.0, equipment_delay_ms: 0.2}
  - {id: c, name: C, country: KZ, role: pop, lat: 40.0, lon: 52.0, equipment_delay_ms: 0.3}
links:
  - {id: ab, a: a, b: b, kind: terrestrial, length_km: 100, capacity_gbps: 10, failure_class: t}
  - {id: bc, a: b, b: c, kind: terrestrial, capacity_gbps: 10, failure_class: t}
"""


def test_yaml_fixture_gives_the_same_latency_and_derives_unstated_lengths(tmp_path: Path) -> None:
    """Through the loader: stated lengths are used as written; a link without length_km gets
    geodesic x route_factor; equipment delays come from the nodes."""
    (tmp_path / "tiny.yaml").write_text(TINY_YAML)
    topo = load_topology(tmp_path / "tiny.yaml")
    k = _one_way_ms_per_km_from_c(GROUP_INDEX_1550)
    bc_km = geodesic_km(40.0, 50.0, 40.0, 52.0) * 1.5
    assert topo.links["ab"].length_km == 100.0 and not topo.links["ab"].length_derived
    assert topo.links["bc"].length_km == pytest.approx(bc_km, rel=1e-12)
    assert topo.links["bc"].length_derived
    path = Router(topo).shortest_path("a", "c")
    assert path is not None
    assert path.one_way_ms == pytest.approx((100.0 + bc_km) * k + 0.6, rel=1e-12)


# --- unit conversions used by latency figures ---


def test_millisecond_conversions_round_trip() -> None:
    """Durations like '50ms' become hours inside the twin and back to ms at the edges."""
    assert parse_duration_h("50ms") == pytest.approx(50 / 3_600_000, rel=1e-12)
    assert hours_to_ms(parse_duration_h("50ms")) == pytest.approx(50.0, rel=1e-12)
    assert ms_to_hours(hours_to_ms(2.5)) == pytest.approx(2.5, rel=1e-12)
    assert hours_to_ms(1.0) == 3_600_000.0


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (72.0, "3.0 d"),
        (1.5, "1.5 h"),
        (2.0 / 60.0, "2.0 min"),
        (44.85 / 3600.0, "44.9 s"),  # a decade of failover interruptions, not "44850 ms"
        (0.2 / 3600.0, "200 ms"),  # one interruption
    ],
)
def test_durations_are_shown_in_the_largest_readable_unit(hours: float, text: str) -> None:
    assert format_duration_h(hours) == text


# --- the fast path (Vincenty's iteration) against GeographicLib's exact inverse ---------------

_LAT = st.floats(-90.0, 90.0, allow_nan=False)
_LON = st.floats(-180.0, 180.0, allow_nan=False)
_NEAR = st.floats(-0.5, 0.5, allow_nan=False)


def _karney_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from geographiclib.geodesic import Geodesic

    return float(Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"]) / 1e3


def _agrees_with_karney(lat1: float, lon1: float, lat2: float, lon2: float) -> None:
    lat2 = max(-90.0, min(90.0, lat2))
    assert geodesic_km(lat1, lon1, lat2, lon2) == pytest.approx(
        _karney_km(lat1, lon1, lat2, lon2), abs=1e-3
    )


@given(_LAT, _LON, _LAT, _LON)
def test_geodesic_agrees_with_karney_on_random_pairs(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    _agrees_with_karney(lat1, lon1, lat2, lon2)


@given(_LAT, _LON, _NEAR, _NEAR)
def test_geodesic_agrees_with_karney_near_the_antipode_and_on_short_spans(
    lat: float, lon: float, dlat: float, dlon: float
) -> None:
    # Near the antipode Vincenty's iteration converges slowly or not at all: still exact.
    _agrees_with_karney(lat, lon, -lat + dlat, lon + 180.0 + dlon)
    # Spans of up to about a kilometre, where a relative error would show most.
    _agrees_with_karney(lat, lon, lat + dlat / 100.0, lon + dlon / 100.0)


def test_antipodal_points_on_the_equator_are_half_a_meridian_apart() -> None:
    # Between (0, 0) and (0, 180) the shortest path runs over a pole: half the WGS84 meridian,
    # 20,003.931 458 6 km (Karney 2013, table of WGS84 constants). Vincenty does not converge
    # here; the exact algorithm must answer.
    assert geodesic_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(20_003.9314586, abs=1e-6)
