"""`twin.analysis.analyze` on small hand-built topologies whose answers can be counted by hand.

Every topology is written as YAML into tmp_path and loaded through the real loader. Nodes sit
about a kilometre apart near (0, 0), so the stated link lengths (not geography) decide latency
and the loader's faster-than-light check never interferes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from twin.analysis import PathAnalysis, analyze
from twin.geo import FIBRE_DELAY_MS_PER_KM, floor_rtt_ms
from twin.loading import load_topology
from twin.model import Demand, Topology
from twin.results.analysis import ANALYSIS_SCHEMA, DemandPaths, PathInfo

LinkSpec = tuple[str, str, str, float, Sequence[str]]  # (id, a, b, length_km, srlgs)


def _write_topology(
    tmp_path: Path,
    nodes: Sequence[str],
    links: Sequence[LinkSpec],
    *,
    delays: dict[str, float] | None = None,
    planned: Sequence[str] = (),
) -> Topology:
    delays = delays or {}
    srlgs = sorted({g for *_, groups in links for g in groups})
    lines = [
        "name: hand-built",
        "failure_classes:",
        "  - {id: t, basis: per_1000km, rate: 1.0, repair: {kind: fixed, median: 12h}}",
    ]
    if srlgs:
        lines.append("srlgs:")
        lines += [f"  - {{id: {g}}}" for g in srlgs]
    lines.append("nodes:")
    for i, node in enumerate(nodes):
        lines.append(
            f"  - {{id: {node}, name: {node.upper()}, country: AZ, role: pop, "
            f"lat: 0.0, lon: {0.01 * i:.2f}, equipment_delay_ms: {delays.get(node, 0.0)}}}"
        )
    lines.append("links:")
    for lid, a, b, km, groups in links:
        status = ", status: planned" if lid in planned else ""
        lines.append(
            f"  - {{id: {lid}, a: {a}, b: {b}, kind: terrestrial, length_km: {km}, "
            f"capacity_gbps: 100, failure_class: t, srlgs: [{', '.join(groups)}]{status}}}"
        )
    path = tmp_path / "topology.yaml"
    path.write_text("\n".join(lines) + "\n")
    return load_topology(path)


def _one(topology: Topology, source: str, destination: str, **kwargs: bool) -> DemandPaths:
    result = analyze(topology, [Demand("d", source, destination)], **kwargs)
    assert isinstance(result, PathAnalysis)
    (paths,) = result.demands
    return paths


def _assert_link_disjoint(paths: Sequence[PathInfo]) -> None:
    used = Counter(lid for p in paths for lid in p.links)
    assert all(n == 1 for n in used.values()), f"links shared between paths: {used}"


# --- lowest-latency path ---

TRIANGLE: list[LinkSpec] = [  # s-m-t over 100 + 100 km, or s-t direct over 250 km
    ("sm", "s", "m", 100, []),
    ("mt", "m", "t", 100, []),
    ("st", "s", "t", 250, []),
]


def test_lowest_latency_path_wins_over_fewer_hops(tmp_path: Path) -> None:
    """s-m-t is 100 + 100 km, the direct s-t link 250 km: the two-hop path is faster."""
    topo = _write_topology(tmp_path, ["s", "m", "t"], TRIANGLE)
    d = _one(topo, "s", "t")
    assert d.best is not None
    assert d.best.nodes == ("s", "m", "t") and d.best.links == ("sm", "mt")
    assert d.best.length_km == 200
    assert d.best.rtt_ms == pytest.approx(2 * 200 * FIBRE_DELAY_MS_PER_KM, rel=1e-12)
    assert d.stretch == pytest.approx(d.best.rtt_ms / d.floor_rtt_ms, rel=1e-12)


def test_equipment_delay_of_a_transit_node_can_tip_the_choice(tmp_path: Path) -> None:
    """Same graph, but m adds 1 ms one way (= ~204 km of fibre): 200 km + 1 ms > 250 km, so the
    direct link wins. Fails if routing ignores node equipment delay."""
    topo = _write_topology(tmp_path, ["s", "m", "t"], TRIANGLE, delays={"m": 1.0})
    d = _one(topo, "s", "t")
    assert d.best is not None and d.best.links == ("st",)
    assert d.best.rtt_ms == pytest.approx(2 * 250 * FIBRE_DELAY_MS_PER_KM, rel=1e-12)


def test_floor_is_the_geodesic_rtt_between_the_ends(tmp_path: Path) -> None:
    topo = _write_topology(tmp_path, ["s", "t"], [("st", "s", "t", 50, [])])
    d = _one(topo, "s", "t")
    s, t = topo.nodes["s"], topo.nodes["t"]
    assert d.floor_rtt_ms == pytest.approx(floor_rtt_ms(s.lat, s.lon, t.lat, t.lon), rel=1e-12)
    assert d.best is not None and d.best.rtt_ms > d.floor_rtt_ms
    assert d.stretch is not None and d.stretch > 1


# --- disjoint paths ---


RING = [  # s - a - t - b - s, four links; a-s and t-b share a duct in the SRLG tests
    ("sa", "s", "a", 100, []),
    ("at", "a", "t", 100, []),
    ("tb", "t", "b", 150, []),
    ("bs", "b", "s", 150, []),
]


def test_a_ring_has_two_link_disjoint_paths_shortest_first(tmp_path: Path) -> None:
    """Opposite corners of a ring: exactly two link-disjoint paths, the short side first."""
    topo = _write_topology(tmp_path, ["s", "a", "t", "b"], RING)
    d = _one(topo, "s", "t")
    assert [p.links for p in d.link_disjoint] == [("sa", "at"), ("bs", "tb")]
    assert d.link_disjoint[0].rtt_ms < d.link_disjoint[1].rtt_ms
    _assert_link_disjoint(d.link_disjoint)
    # No shared risk groups: the two sides are also SRLG-disjoint, and nothing is a SPOF.
    assert len(d.srlg_disjoint) == 2
    assert (d.spof_links, d.spof_nodes, d.spof_srlgs) == ((), (), ())


def test_a_shared_duct_across_the_ring_leaves_one_srlg_disjoint_path(tmp_path: Path) -> None:
    """sa and tb share SRLG 'duct': both sides of the ring carry that risk, so only one
    SRLG-disjoint path exists, while the two sides stay link-disjoint. The duct is a SPOF."""
    ring = [(lid, a, b, km, ["duct"] if lid in ("sa", "tb") else []) for lid, a, b, km, _ in RING]
    topo = _write_topology(tmp_path, ["s", "a", "t", "b"], ring)
    d = _one(topo, "s", "t")
    assert len(d.link_disjoint) == 2
    assert len(d.srlg_disjoint) == 1 and d.srlg_disjoint[0].links == ("sa", "at")
    assert d.spof_srlgs == ("duct",)
    assert (d.spof_links, d.spof_nodes) == ((), ())


LADDER_NODES = ["s", "a1", "a2", "b1", "b2", "c1", "c2", "t"]
LADDER = [  # three rails s-x1-x2-t, joined by rungs a1-b1 and b2-c2
    ("s-a1", "s", "a1", 10, []), ("a1-a2", "a1", "a2", 100, []), ("a2-t", "a2", "t", 10, []),
    ("s-b1", "s", "b1", 10, []), ("b1-b2", "b1", "b2", 120, []), ("b2-t", "b2", "t", 10, []),
    ("s-c1", "s", "c1", 10, []), ("c1-c2", "c1", "c2", 140, []), ("c2-t", "c2", "t", 10, []),
    ("a1-b1", "a1", "b1", 5, []), ("b2-c2", "b2", "c2", 5, []),
]  # fmt: skip


def test_a_three_rail_ladder_has_three_link_disjoint_paths(tmp_path: Path) -> None:
    """s and t each have degree 3 and the rails are disjoint: max-flow = 3 (Menger). The rungs
    add no fourth path. The minimum-total-delay set is the three rails themselves."""
    topo = _write_topology(tmp_path, LADDER_NODES, LADDER)
    d = _one(topo, "s", "t")
    assert len(d.link_disjoint) == 3
    _assert_link_disjoint(d.link_disjoint)
    assert [p.length_km for p in d.link_disjoint] == [120, 140, 160]
    assert [p.rtt_ms for p in d.link_disjoint] == sorted(p.rtt_ms for p in d.link_disjoint)
    assert len(d.srlg_disjoint) == 3


def test_srlgs_on_the_ladder_cut_the_srlg_disjoint_count(tmp_path: Path) -> None:
    """Rails a and b leave s through one trench ('trench-s'); rail c shares 'trench-t' with
    rail b at t. Every pair of rails then shares a risk except (a, c): 2 SRLG-disjoint paths,
    still 3 link-disjoint ones, and no single SRLG disconnects s from t."""
    groups = {
        "s-a1": ["trench-s"],
        "s-b1": ["trench-s"],
        "b2-t": ["trench-t"],
        "c2-t": ["trench-t"],
    }
    ladder = [(lid, a, b, km, groups.get(lid, [])) for lid, a, b, km, _ in LADDER]
    topo = _write_topology(tmp_path, LADDER_NODES, ladder)
    d = _one(topo, "s", "t")
    assert len(d.link_disjoint) == 3
    assert len(d.srlg_disjoint) == 2
    assert [p.links for p in d.srlg_disjoint] == [
        ("s-a1", "a1-a2", "a2-t"),
        ("s-c1", "c1-c2", "c2-t"),
    ]
    risks = [{g for lid in p.links for g in topo.links[lid].srlgs} for p in d.srlg_disjoint]
    assert not risks[0] & risks[1]
    assert d.spof_srlgs == ()


PARALLEL: list[LinkSpec] = [  # two parallel s-t fibres and a detour through m
    ("st1", "s", "t", 100, []),
    ("st2", "s", "t", 150, []),
    ("sm", "s", "m", 100, []),
    ("mt", "m", "t", 100, []),
]


def test_parallel_links_give_distinct_link_disjoint_paths(tmp_path: Path) -> None:
    """Two parallel s-t links (100 and 150 km) plus s-m-t: 3 link-disjoint paths, and each
    parallel link must appear in exactly one of them (the docstring: 'parallel links
    included'). Fails if the flow is turned back into paths by node sequence alone, which
    maps both parallel flows onto the cheaper link (reported st1 twice, st2 never)."""
    topo = _write_topology(tmp_path, ["s", "m", "t"], PARALLEL)
    d = _one(topo, "s", "t")
    assert len(d.link_disjoint) == 3
    assert [p.links for p in d.link_disjoint] == [("st1",), ("st2",), ("sm", "mt")]
    _assert_link_disjoint(d.link_disjoint)


def test_parallel_links_count_towards_the_link_disjoint_total(tmp_path: Path) -> None:
    """The count (max-flow) is right even where the path listing above is not."""
    topo = _write_topology(tmp_path, ["s", "m", "t"], PARALLEL)
    d = _one(topo, "s", "t")
    assert len(d.link_disjoint) == 3
    assert [p.links for p in d.srlg_disjoint] == [("st1",), ("st2",), ("sm", "mt")]


# --- single points of failure ---


SPOF_NODES = ["s", "a", "b", "c", "t", "x"]
SPOF_LINKS = [
    ("s-a", "s", "a", 100, ["tail"]),  # bridge: s's only link
    ("a-b", "a", "b", 100, ["duct"]),  # a-b-t and a-c-t are two link-disjoint branches,
    ("b-t", "b", "t", 100, []),
    ("a-c", "a", "c", 120, ["duct"]),  # ... but both leave a through the same duct
    ("c-t", "c", "t", 120, []),
    ("b-x", "b", "x", 10, ["stub"]),  # a dead end: its SRLG cannot matter
]


def test_bridges_articulation_points_and_srlgs_that_disconnect_a_demand(tmp_path: Path) -> None:
    """s -(s-a)- a, then two branches a-b-t / a-c-t whose first links share SRLG 'duct':

    - link s-a is a bridge; the branch links are not (the other branch survives);
    - node a is an articulation point between s and t; b and c are not;
    - SRLG 'tail' (on the bridge) and 'duct' (on both branches) disconnect; 'stub' does not.
    """
    topo = _write_topology(tmp_path, SPOF_NODES, SPOF_LINKS)
    d = _one(topo, "s", "t")
    assert d.best is not None and d.best.links == ("s-a", "a-b", "b-t")
    assert d.spof_links == ("s-a",)
    assert d.spof_nodes == ("a",)
    assert d.spof_srlgs == ("duct", "tail")


def test_spofs_are_empty_between_two_nodes_of_a_cycle(tmp_path: Path) -> None:
    """b and c lie on the cycle a-b-t-c-a, so two link-disjoint paths join them (b-a-c and
    b-t-c). 'duct' covers only a-b and a-c, leaving b-t-c: nothing disconnects b from c."""
    topo = _write_topology(tmp_path, SPOF_NODES, SPOF_LINKS)
    d = _one(topo, "b", "c")
    assert (d.spof_links, d.spof_nodes, d.spof_srlgs) == ((), (), ())
    assert len(d.link_disjoint) == 2


def test_end_nodes_are_not_reported_as_spofs(tmp_path: Path) -> None:
    """A demand always dies with its own ends; SPOF nodes are transit nodes only."""
    chain: list[LinkSpec] = [("sm", "s", "m", 10, []), ("mt", "m", "t", 10, [])]
    topo = _write_topology(tmp_path, ["s", "m", "t"], chain)
    d = _one(topo, "s", "t")
    assert d.spof_nodes == ("m",)
    assert d.spof_links == ("mt", "sm")
    assert len(d.link_disjoint) == 1 and len(d.srlg_disjoint) == 1


# --- demands without a path ---


def test_a_demand_with_no_path_reports_no_best_path_but_keeps_its_floor(tmp_path: Path) -> None:
    """t is isolated: no path, no stretch, no disjoint paths, no SPOFs; the floor is still the
    geodesic RTT (it does not depend on links)."""
    topo = _write_topology(tmp_path, ["s", "m", "t"], [("sm", "s", "m", 10, [])])
    d = _one(topo, "s", "t")
    assert d.best is None and d.stretch is None
    assert d.link_disjoint == () and d.srlg_disjoint == ()
    assert (d.spof_links, d.spof_nodes, d.spof_srlgs) == ((), (), ())
    assert d.floor_rtt_ms > 0


def test_a_planned_link_only_counts_when_planned_links_are_included(tmp_path: Path) -> None:
    topo = _write_topology(tmp_path, ["s", "t"], [("st", "s", "t", 10, [])], planned=["st"])
    assert _one(topo, "s", "t").best is None
    with_planned = _one(topo, "s", "t", include_planned=True)
    assert with_planned.best is not None and with_planned.best.links == ("st",)
    assert with_planned.spof_links == ("st",)


def test_result_document_carries_the_schema_and_every_demand(tmp_path: Path) -> None:
    topo = _write_topology(tmp_path, SPOF_NODES, SPOF_LINKS)
    demands = [Demand("st", "s", "t"), Demand("bc", "b", "c")]
    doc = analyze(topo, demands).to_dict()
    assert doc["schema"] == ANALYSIS_SCHEMA
    assert [d["demand_id"] for d in doc["demands"]] == ["st", "bc"]
    assert doc["demands"][0]["spof_nodes"] == ("a",)
