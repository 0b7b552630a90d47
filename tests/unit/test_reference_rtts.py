"""Acceptance: the corridor's reference RTTs are physically possible and match the fact sheet.

For Frankfurt-Baku, Frankfurt-Almaty and Frankfurt-Hong Kong on topologies/silk-road-2026.yaml
(the default demands of `twin analyze`):

1. RTT > floor. The floor is the geodesic RTT at fibre speed; no fibre path can beat it.
2. RTT >= the fact sheet's fibre-only modelled RTT (§5.3) for the same route, and no more than
   that plus the equipment delay our model adds at every node (+ a small stated margin).
3. stretch = RTT / floor > 1 (and below the ~2.1x of measured Internet paths).

The §5.3 figures are external reference data typed in below with their source; everything else
(floors, equipment allowances, margins) is computed from the topology and from physics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from twin.analysis import analyze
from twin.analysis.demand_sets import default_demands
from twin.geo import geodesic_km
from twin.loading import load_topology
from twin.model import Topology
from twin.results.analysis import DemandPaths

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = ROOT / "topologies" / "silk-road-2026.yaml"

# n / c for SMF at 1550 nm (group index 1.4682, fact sheet §5.1), from the exact SI value of c.
MS_PER_KM = 1.4682 / 299_792_458 * 1e6
# The fact sheet rounds its §5.3 RTTs to 0.1 ms.
FACT_SHEET_ROUNDING_MS = 0.05
# Relative margin for length differences between our route and the §5.3 route: the sheet's
# derived lengths are great circles on a sphere (R = 6371 km) x 1.3 and ours are WGS84 geodesics
# x 1.3 (they differ by up to ~0.5 %), and its "model km" are rounded to the km.
LENGTH_MARGIN = 0.005
# "measured Internet latency ~ line-of-sight x 2.1 / c_fibre (rule of thumb)": fact sheet §5.1
# [S72]. A modelled fibre path above this would be less direct than the measured Internet.
INTERNET_STRETCH_RULE_OF_THUMB = 2.1


@dataclass(frozen=True)
class Reference:
    """A row of fact sheet §5.3 and how to find the same route in our topology."""

    demand_id: str
    row: str
    route_km: float  # §5.3 "Route km"
    rtt_ms: float  # §5.3 "Propagation RTT ms" (fibre only: no equipment, no queuing)
    include_planned: bool  # whether the row's route needs links that are only planned
    waypoints: tuple[str, ...]  # nodes the row's route passes, in order
    via_links: tuple[str, ...]  # links that make it that route (CCS, TCFO, Superhighway...)


# Fact sheet (/work/shared/silkroad-facts.md) §5.3 "Modelled fibre-propagation RTTs (no equipment,
# no queuing)", built from the §3 segment table's model km. Values typed in as published there.
REFERENCES = (
    # Row "Frankfurt–Baku via CCS (… + T6)": T1 + B1 + T5 + T6 = 4,257 km, 41.7 ms.
    Reference(
        "fra-baku", "Frankfurt-Baku via CCS", 4_257, 41.7, False,
        ("frankfurt", "balchik", "poti", "tbilisi", "baku"),
        ("ccs", "poti-tbilisi", "tbilisi-baku"),
    ),
    # Row "Frankfurt–Almaty via CCS + TCFO + Superhighway": 7,086 km, 69.4 ms. The Superhighway
    # (K1) is planned (§3.1), so the same route exists in our model only with planned links.
    Reference(
        "fra-ala", "Frankfurt-Almaty via CCS + TCFO + Superhighway", 7_086, 69.4, True,
        ("frankfurt", "balchik", "poti", "tbilisi", "baku", "sumgait", "aktau", "almaty"),
        ("ccs", "tcfo", "kz-superhighway"),
    ),
    # Row "Frankfurt–Hong Kong via corridor (… + Urumqi–Hong Kong)": 12,666 km, 124.1 ms; the
    # "…" is Frankfurt-Urumqi via corridor (… + K1 2,800 + K7), i.e. also via the Superhighway.
    Reference(
        "fra-hkg", "Frankfurt-Hong Kong via corridor", 12_666, 124.1, True,
        ("frankfurt", "balchik", "poti", "tbilisi", "baku", "sumgait", "aktau", "almaty",
         "khorgos", "urumqi", "hong-kong"),
        ("ccs", "tcfo", "kz-superhighway", "khorgos-urumqi", "urumqi-hong-kong"),
    ),
)  # fmt: skip
IDS = [r.demand_id for r in REFERENCES]


@pytest.fixture(scope="module")
def topology() -> Topology:
    return load_topology(TOPOLOGY)


def _analysed(topology: Topology, demand_id: str, include_planned: bool) -> DemandPaths:
    demands = default_demands(topology)
    result = analyze(topology, demands, include_planned=include_planned)
    found = {d.demand_id: d for d in result.demands}
    assert demand_id in found, f"{demand_id} is not among the default demands {list(found)}"
    return found[demand_id]


def _equipment_rtt_ms(topology: Topology, nodes: tuple[str, ...]) -> float:
    """What our model adds to the fibre: each node's equipment delay, once each way."""
    return 2.0 * sum(topology.nodes[n].equipment_delay_ms for n in nodes)


def _independent_floor_ms(topology: Topology, a: str, b: str) -> float:
    na, nb = topology.nodes[a], topology.nodes[b]
    return 2.0 * geodesic_km(na.lat, na.lon, nb.lat, nb.lon) * MS_PER_KM


def _is_subsequence(wanted: tuple[str, ...], seq: tuple[str, ...]) -> bool:
    it = iter(seq)
    return all(node in it for node in wanted)


@pytest.mark.parametrize("ref", REFERENCES, ids=IDS)
def test_analysed_rtt_is_above_the_physical_floor(topology: Topology, ref: Reference) -> None:
    """As `twin analyze` reports it (planned links out of service).

    Fails if: the analysis's floor is not the geodesic RTT at n/c (wrong constant, haversine,
    one-way instead of round trip); a path comes out faster than light in fibre (a link shorter
    than the geodesic between its ends, a unit slip in delay); the stretch is not RTT / floor,
    is <= 1, or exceeds the measured-Internet rule of thumb (a wildly indirect route).
    """
    d = _analysed(topology, ref.demand_id, include_planned=False)
    assert d.best is not None, f"{ref.demand_id}: no path in {TOPOLOGY.name}"
    floor = _independent_floor_ms(topology, d.source, d.destination)
    assert d.floor_rtt_ms == pytest.approx(floor, rel=1e-9)
    assert d.best.rtt_ms > floor
    # The fibre alone (without equipment) must also clear the floor.
    assert d.best.length_km * 2.0 * MS_PER_KM > floor
    assert d.stretch == pytest.approx(d.best.rtt_ms / floor, rel=1e-9)
    assert 1.0 < d.stretch < INTERNET_STRETCH_RULE_OF_THUMB


@pytest.mark.parametrize("ref", REFERENCES, ids=IDS)
def test_rtt_matches_the_fact_sheet_model_for_the_same_route(
    topology: Topology, ref: Reference
) -> None:
    """Our model = fibre (length x n/c, as the fact sheet) + equipment delay at every node, so
    on the same route its RTT is at least the §5.3 fibre-only figure and exceeds it by about the
    equipment allowance (2 x sum of equipment delays over the path's nodes, computed from the
    topology) plus a margin for rounding and sphere-vs-ellipsoid lengths.

    Fails if: the analysed route is not the §5.3 route (then the comparison is meaningless:
    check the waypoints); the RTT is below the fibre-only figure (a link shorter than the
    sheet's §3 model km, or equipment delay subtracted); or it exceeds the bound (a link longer
    than §3 says, equipment counted twice, a detour through extra nodes).
    """
    d = _analysed(topology, ref.demand_id, include_planned=ref.include_planned)
    assert d.best is not None
    assert _is_subsequence(ref.waypoints, d.best.nodes), (
        f"{ref.demand_id} no longer follows the §5.3 route '{ref.row}': {d.best.nodes}"
    )
    assert set(ref.via_links) <= set(d.best.links), d.best.links

    equipment = _equipment_rtt_ms(topology, d.best.nodes)
    assert equipment > 0  # the topology states equipment delays (0.05-0.1 ms per node)
    margin = FACT_SHEET_ROUNDING_MS + LENGTH_MARGIN * ref.rtt_ms
    fibre_only = d.best.rtt_ms - equipment

    assert d.best.rtt_ms >= ref.rtt_ms
    assert d.best.rtt_ms <= ref.rtt_ms + equipment + margin
    assert fibre_only == pytest.approx(ref.rtt_ms, abs=margin)
    # The same consistency in km: our route length against the §5.3 "Route km".
    assert d.best.length_km == pytest.approx(ref.route_km, rel=LENGTH_MARGIN)
    # And the fact sheet's own arithmetic: RTT = 2 x route km x 4.897 us/km.
    assert ref.route_km * 2.0 * MS_PER_KM == pytest.approx(ref.rtt_ms, abs=FACT_SHEET_ROUNDING_MS)


@pytest.mark.parametrize(
    "ref", [r for r in REFERENCES if r.include_planned], ids=lambda r: r.demand_id
)
def test_todays_route_is_no_faster_than_the_planned_superhighway(
    topology: Topology, ref: Reference
) -> None:
    """Without the planned Superhighway the demand takes the existing Kazakh route. Removing
    links can only lengthen a shortest path, so today's RTT is >= the RTT with planned links
    and hence >= the §5.3 figure too.

    Fails if the default analysis somehow beats the planned route (routing not returning the
    shortest path in one of the two cases) or the planned link is missing from the file.
    """
    today = _analysed(topology, ref.demand_id, include_planned=False)
    planned = _analysed(topology, ref.demand_id, include_planned=True)
    assert today.best is not None and planned.best is not None
    assert "kz-superhighway" not in today.best.links
    assert today.best.rtt_ms >= planned.best.rtt_ms >= ref.rtt_ms
    assert today.floor_rtt_ms == planned.floor_rtt_ms  # geography does not depend on links


def test_the_reference_pairs_are_default_demands(topology: Topology) -> None:
    ids = {d.id: (d.source, d.destination) for d in default_demands(topology)}
    assert ids["fra-baku"] == ("frankfurt", "baku")
    assert ids["fra-ala"] == ("frankfurt", "almaty")
    assert ids["fra-hkg"] == ("frankfurt", "hong-kong")
    assert math.isclose(MS_PER_KM * 1000, 4.897, abs_tol=5e-4)  # fact sheet §5.1
