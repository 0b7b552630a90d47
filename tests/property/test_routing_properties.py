"""Routing and analytic availability on random small networks and random failure states.

Graphs are built in code as Topology objects: a random spanning tree (so the graph starts
connected) plus random extra links, parallel ones included. Every link is at least as long as the
geodesic between its ends (as the loader enforces for files), node equipment delays are >= 0.

Properties:
- Router.shortest_path never uses a failed link or node, and is a real, cheapest path (checked
  against brute force over all simple paths);
- a path's RTT is >= the geodesic floor between its ends;
- analytic availability is within [0, 1] (lower <= upper);
- a demand solved as independent parts in series (blocks, node failures of the ends and cut
  vertices factored out, SRLGs joining blocks, series-parallel reductions) equals the
  whole-network diagram;
- adding a parallel link (more redundancy) never lowers a demand's analytic availability;
- failing more elements never shortens the shortest path.

Small graphs (up to 7 nodes) are checked against brute force over every simple path; graphs
above `LANDMARK_MIN_NODES`, where the router switches from Dijkstra to A* with landmark bounds,
against NetworkX's Dijkstra.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin import routing
from twin.analysis.availability import Settings, availability_of_demands, demand_availability
from twin.geo import floor_rtt_ms, geodesic_km
from twin.model import FailureClass, Link, Node, RepairTime, Srlg, Topology
from twin.routing import LANDMARK_MIN_NODES, Path, Router

PROPS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
_TOL = 1e-9


@dataclass(frozen=True)
class Case:
    topology: Topology
    source: str
    destination: str


def _failure_class(fid: str, rate: float, mttr_h: float, basis: str = "per_1000km") -> FailureClass:
    return FailureClass(fid, basis, rate, RepairTime("fixed", mttr_h))  # type: ignore[arg-type]


@st.composite
def networks(
    draw: st.DrawFn, min_nodes: int = 2, max_nodes: int = 7, max_extra: int = 6, max_cuts: int = 0
) -> Case:
    """A random tree over the nodes plus extra links; `max_cuts` tree links may be left out,
    so the graph may start in several components."""
    n = draw(st.integers(min_nodes, max_nodes))
    ids = [f"n{i}" for i in range(n)]
    nodes = {
        nid: Node(
            nid,
            nid,
            "AZ",
            "pop",
            draw(st.floats(35.0, 50.0)),
            draw(st.floats(40.0, 80.0)),
            equipment_delay_ms=draw(st.sampled_from([0.0, 0.05, 0.1, 0.5])),
            failure_class=draw(st.sampled_from([None, None, "site"])),
        )
        for nid in ids
    }
    pairs = [(ids[i], ids[draw(st.integers(0, i - 1))]) for i in range(1, n)]
    cuts = draw(st.sets(st.integers(0, n - 2), max_size=max_cuts))
    pairs = [pair for i, pair in enumerate(pairs) if i not in cuts]
    pairs += draw(
        st.lists(
            st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1]),
            max_size=max_extra,
        )
    )
    srlg_ids = ("duct", "landing")
    links: dict[str, Link] = {}
    for i, (a, b) in enumerate(pairs):
        na, nb = nodes[a], nodes[b]
        geodesic = geodesic_km(na.lat, na.lon, nb.lat, nb.lon)
        factor = draw(st.floats(1.0, 2.0))
        links[f"l{i}"] = Link(
            f"l{i}",
            a,
            b,
            "terrestrial",
            max(geodesic * factor, 1.0),
            100.0,
            draw(st.sampled_from(["cut", "cut-remote"])),
            srlgs=tuple(draw(st.sets(st.sampled_from(srlg_ids), max_size=1))),
        )
    classes = {
        "cut": _failure_class("cut", draw(st.floats(0.1, 5.0)), draw(st.floats(1.0, 500.0))),
        "cut-remote": _failure_class("cut-remote", 2.0, 72.0),
        "site": _failure_class("site", 0.5, 24.0, "per_link"),
    }
    srlgs = {
        sid: Srlg(sid, failure_class=draw(st.sampled_from([None, "site"]))) for sid in srlg_ids
    }
    topology = Topology("random", nodes, links, srlgs, classes)
    source, destination = draw(
        st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
    )
    return Case(topology, source, destination)


def _failure_state(draw: st.DrawFn, case: Case, max_size: int = 3) -> frozenset[str]:
    """A few failed links and nodes (ends included: then the demand is simply cut off)."""
    elements = sorted(case.topology.links) + sorted(case.topology.nodes)
    return frozenset(draw(st.sets(st.sampled_from(elements), max_size=max_size)))


def _brute_force_one_way_ms(case: Case, state: frozenset[str]) -> float | None:
    """Cheapest one-way latency over every simple path that avoids `state` (the oracle)."""
    topo = case.topology
    if case.source in state or case.destination in state:
        return None
    graph = nx.MultiGraph()
    graph.add_nodes_from(n for n in topo.nodes if n not in state)
    for lid, link in topo.links.items():
        if lid not in state and link.a not in state and link.b not in state:
            graph.add_edge(link.a, link.b, key=lid, delay=link.delay_ms)
    best: float | None = None
    for nodes in nx.all_simple_paths(graph, case.source, case.destination):
        fibre = sum(
            min(d["delay"] for d in graph[u][v].values()) for u, v in itertools.pairwise(nodes)
        )
        total = fibre + sum(topo.nodes[n].equipment_delay_ms for n in nodes)
        best = total if best is None else min(best, total)
    return best


def _check_path_shape(path: Path, case: Case) -> None:
    topo = case.topology
    assert path.nodes[0] == case.source and path.nodes[-1] == case.destination
    assert len(path.nodes) == len(path.links) + 1
    assert len(set(path.nodes)) == len(path.nodes), "a shortest path never revisits a node"
    for (u, v), lid in zip(itertools.pairwise(path.nodes), path.links, strict=True):
        assert {topo.links[lid].a, topo.links[lid].b} == {u, v}


@st.composite
def network_and_state(draw: st.DrawFn) -> tuple[Case, frozenset[str]]:
    case = draw(networks())
    return case, _failure_state(draw, case)


@PROPS
@given(network_and_state())
def test_shortest_path_avoids_failed_elements_and_is_cheapest(
    data: tuple[Case, frozenset[str]],
) -> None:
    case, state = data
    path = Router(case.topology).shortest_path(case.source, case.destination, state)
    oracle = _brute_force_one_way_ms(case, state)
    if path is None:
        assert oracle is None, "a path exists but the router found none"
        return
    assert not state & set(path.links), f"path uses failed links {state & set(path.links)}"
    assert not state & set(path.nodes), f"path visits failed nodes {state & set(path.nodes)}"
    _check_path_shape(path, case)
    assert oracle is not None
    assert abs(path.one_way_ms - oracle) <= _TOL * max(1.0, oracle)


def _networkx_one_way_ms(case: Case, state: frozenset[str]) -> float | None:
    """The oracle for large graphs: NetworkX Dijkstra on the directed graph in which entering a
    node costs its equipment delay, over the cheapest live link between each pair."""
    topo = case.topology
    if case.source in state or case.destination in state:
        return None
    graph = nx.DiGraph()
    graph.add_nodes_from(n for n in topo.nodes if n not in state)
    for lid, link in topo.links.items():
        if lid in state or link.a in state or link.b in state:
            continue
        for u, v in ((link.a, link.b), (link.b, link.a)):
            cost = link.delay_ms + topo.nodes[v].equipment_delay_ms
            if not graph.has_edge(u, v) or graph[u][v]["weight"] > cost:
                graph.add_edge(u, v, weight=cost)
    try:
        length = nx.dijkstra_path_length(graph, case.source, case.destination)
    except nx.NetworkXNoPath:
        return None
    return float(length) + topo.nodes[case.source].equipment_delay_ms


@st.composite
def large_network_and_state(draw: st.DrawFn) -> tuple[Case, frozenset[str]]:
    case = draw(
        networks(
            min_nodes=LANDMARK_MIN_NODES + 1,
            max_nodes=LANDMARK_MIN_NODES + 30,
            max_extra=60,
            max_cuts=2,
        )
    )
    return case, _failure_state(draw, case, max_size=12)


@settings(PROPS, max_examples=25)
@given(large_network_and_state())
def test_on_large_graphs_the_landmark_search_is_still_exact_and_avoids_failures(
    data: tuple[Case, frozenset[str]],
) -> None:
    case, state = data
    path = Router(case.topology).shortest_path(case.source, case.destination, state)
    oracle = _networkx_one_way_ms(case, state)
    if path is None:
        assert oracle is None, "a path exists but the router found none"
        return
    assert not state & (set(path.links) | set(path.nodes))
    _check_path_shape(path, case)
    assert oracle is not None
    assert abs(path.one_way_ms - oracle) <= _TOL * max(1.0, oracle)


@settings(PROPS, max_examples=15)
@given(large_network_and_state(), st.integers(0, 40))
def test_remembered_landmark_bounds_never_change_a_path(
    data: tuple[Case, frozenset[str]], memo_cap: int
) -> None:
    """One router answers the same pair in many failure states, as N-1 and the simulator ask,
    with its bound memo capped small enough to be forgotten mid-way: every answer must equal a
    fresh router's (same path, same cost). Fails if a remembered bound leaks between pairs or
    survives being forgotten half-counted."""
    case, state = data
    shared = Router(case.topology)
    states = [frozenset(), state, frozenset(sorted(state)[: len(state) // 2]), state]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(routing, "BOUND_MEMO_MAX_VALUES", memo_cap)
        for failed in states:
            for source, destination in (
                (case.source, case.destination),
                (case.destination, case.source),
            ):
                got = shared.shortest_path(source, destination, failed)
                fresh = Router(case.topology).shortest_path(source, destination, failed)
                assert got == fresh


@PROPS
@given(network_and_state())
def test_a_path_is_never_faster_than_light_in_fibre_along_the_geodesic(
    data: tuple[Case, frozenset[str]],
) -> None:
    case, state = data
    path = Router(case.topology).shortest_path(case.source, case.destination, state)
    if path is None:
        return
    a, b = case.topology.nodes[case.source], case.topology.nodes[case.destination]
    floor = floor_rtt_ms(a.lat, a.lon, b.lat, b.lon)
    assert path.rtt_ms >= floor * (1 - _TOL)
    assert path.rtt_ms == 2 * path.one_way_ms


@st.composite
def nested_states(draw: st.DrawFn) -> tuple[Case, frozenset[str], frozenset[str]]:
    case = draw(networks())
    smaller = _failure_state(draw, case, max_size=2)
    extra = _failure_state(draw, case, max_size=2)
    return case, smaller, smaller | extra


@PROPS
@given(nested_states())
def test_failing_more_elements_never_shortens_the_shortest_path(
    data: tuple[Case, frozenset[str], frozenset[str]],
) -> None:
    case, smaller, larger = data
    router = Router(case.topology)
    before = router.shortest_path(case.source, case.destination, smaller)
    after = router.shortest_path(case.source, case.destination, larger)
    if before is None:
        assert after is None, "failing more elements reconnected the demand"
        return
    if after is not None:
        assert after.one_way_ms >= before.one_way_ms * (1 - _TOL)
    if not larger & (set(before.links) | set(before.nodes)):
        # The extra failures miss the old path, so it is still there and still the cheapest.
        assert after is not None
        assert abs(after.one_way_ms - before.one_way_ms) <= _TOL * max(1.0, before.one_way_ms)


@PROPS
@given(networks())
def test_analytic_availability_is_a_probability(case: Case) -> None:
    result = demand_availability(case.topology, case.source, case.destination)
    assert 0.0 <= result.lower <= result.upper <= 1.0
    assert 0.0 <= result.value <= 1.0
    assert result.unavailability_min_per_year >= -1e-6


@given(networks(max_nodes=9, max_extra=7, max_cuts=1))
@PROPS
def test_demand_in_parts_equals_the_whole_network_diagram(case: Case) -> None:
    pair = [(case.source, case.destination)]
    whole = availability_of_demands(case.topology, pair, settings=Settings(method="exact"))[0]
    parts = availability_of_demands(case.topology, pair, settings=Settings(method="bounds"))[0]
    assert whole.exact and parts.exact
    assert parts.down_lower == pytest.approx(whole.down_lower, rel=1e-9, abs=1e-15)


@st.composite
def network_and_parallel_link(draw: st.DrawFn) -> tuple[Case, Link]:
    case = draw(networks())
    base = draw(st.sampled_from(sorted(case.topology.links)))
    original = case.topology.links[base]
    # A new, independent fibre between the same two nodes (no shared risk group: an SRLG's own
    # failure model depends on its members' lengths, so joining one is not pure redundancy).
    extra = replace(
        original,
        id="parallel",
        length_km=original.length_km * draw(st.floats(1.0, 3.0)),
        failure_class=draw(st.sampled_from(["cut", "cut-remote"])),
        srlgs=(),
    )
    return case, extra


@PROPS
@given(network_and_parallel_link())
def test_a_parallel_link_never_lowers_availability(data: tuple[Case, Link]) -> None:
    case, extra = data
    topo = case.topology
    more = replace(topo, links={**topo.links, extra.id: extra})
    before = demand_availability(topo, case.source, case.destination)
    after = demand_availability(more, case.source, case.destination)
    assert before.exact and after.exact  # graphs this small are solved exactly
    assert after.value >= before.value - 1e-12
