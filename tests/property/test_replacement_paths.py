"""Single-link detours from shortest-path trees give the router's search result, ties included.

The router answers a failure state of one link from the demand's replacement paths
(`twin.replacement_paths`) on large graphs and by searching otherwise. Both must return the
same Path object, byte for byte, whichever equal-cost path the search would pick. Graphs here
are made to have many ties: IGP metrics drawn from {1, 2, 3} and the hop metric give many
equal-cost paths, parallel links included; latency over random lengths gives few. The
reference is the same router with the tree answer switched off (its search), and the tie rule
itself (`twin.routing.TIE_RULE`) is spelled out independently on grids, where ties abound.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from twin import replacement_paths, routing
from twin.model import Link, Node, Topology
from twin.replacement_paths import ReplacementPaths
from twin.routing import LANDMARK_MIN_NODES, UNKNOWN, Metric, Router

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _node(nid: str, rng: random.Random, delay_ms: float | None = None) -> Node:
    delay = rng.choice([0.0, 0.05, 0.1]) if delay_ms is None else delay_ms
    lat, lon = 35.0 + rng.random() * 10.0, 40.0 + rng.random() * 30.0
    return Node(nid, nid, "AZ", "pop", lat, lon, equipment_delay_ms=delay)


def _link(lid: str, a: str, b: str, length_km: float, igp: float | None = None) -> Link:
    return Link(lid, a, b, "terrestrial", length_km, 100.0, "cut", igp_metric=igp)


def _random_topology(seed: int, nodes: int, extra: int, tied_lengths: bool) -> Topology:
    """A random tree plus extra links (parallel ones possible); lengths from a few values when
    `tied_lengths`, so equal-cost paths abound, and IGP metrics always from {1, 2, 3}."""
    rng = random.Random(seed)
    ids = [f"n{i:03d}" for i in range(nodes)]
    pairs = [(ids[i], ids[rng.randrange(i)]) for i in range(1, nodes)]
    pairs += [tuple(rng.sample(ids, 2)) for _ in range(extra)]  # type: ignore[misc]
    links = {}
    for i, (a, b) in enumerate(pairs):
        length = rng.choice([100.0, 200.0, 300.0]) if tied_lengths else 50.0 + rng.random() * 900
        links[f"l{i:03d}"] = _link(f"l{i:03d}", a, b, length, float(rng.choice([1, 2, 3])))
    node_delay = 0.0 if tied_lengths else None
    return Topology("random", {n: _node(n, rng, node_delay) for n in ids}, links)


def _assert_directed(router: Router, path: Any) -> None:
    """A path's directed-link numbers, when it carries them, name its own hops in order: the
    load book of N-1 reads a detour's links from them alone."""
    if path is None or path.directed is None:
        return
    named = [router.directed_links[i] for i in path.directed.tolist()]
    assert named == list(zip(path.nodes, path.nodes[1:], path.links, strict=False))


def _reference(topology: Topology, metric: Metric) -> Router:
    router = Router(topology, metric=metric)
    router._detour = lambda *_args: UNKNOWN  # type: ignore[method-assign]
    return router


@PROPS
@given(
    seed=st.integers(0, 10**6),
    nodes=st.integers(LANDMARK_MIN_NODES + 1, LANDMARK_MIN_NODES + 40),
    extra=st.integers(0, 60),
    tied=st.booleans(),
    metric=st.sampled_from(["latency", "igp", "hops"]),
)
# An exact tie whose two float sums differ in the last bit (4.897388045699269 against
# 4.8973880456992696): the trees took one path, the search the other.
@example(seed=73, nodes=73, extra=49, tied=True, metric="latency")
def test_single_link_failures_give_the_search_path_ties_included(
    seed: int, nodes: int, extra: int, tied: bool, metric: Metric
) -> None:
    topology = _random_topology(seed, nodes, extra, tied)
    fast, slow = Router(topology, metric=metric), _reference(topology, metric)
    rng = random.Random(seed)
    ids = sorted(topology.nodes)
    for _ in range(6):
        source, destination = rng.sample(ids, 2)
        base = slow.shortest_path(source, destination)
        assert base == _tie_rule_path(slow, source, destination, frozenset())
        others = rng.sample(sorted(topology.links), 3)
        for lid in (*(base.links if base else ()), *others):
            state = frozenset({lid})
            expected = slow.shortest_path(source, destination, state)
            found = fast.shortest_path(source, destination, state)
            assert found == expected, f"{source}->{destination} without {lid}"
            _assert_directed(fast, found)


@PROPS
@given(seed=st.integers(0, 10**6), extra=st.integers(0, 30), tied=st.booleans())
def test_detours_on_small_graphs_match_dijkstra(seed: int, extra: int, tied: bool) -> None:
    """Below the landmark threshold the router searches with plain Dijkstra; the trees must
    agree with it too (the class is used directly here, as the router does not on so few
    nodes)."""
    topology = _random_topology(seed, 12, extra, tied)
    router = Router(topology)
    trees = ReplacementPaths(router._steps, router.path_over)
    rng = random.Random(seed)
    ids = sorted(topology.nodes)
    for _ in range(8):
        source, destination = rng.sample(ids, 2)
        base = router.shortest_path(source, destination)
        for lid in sorted(topology.links):
            answer = trees.detour(source, destination, lid)
            if answer is UNKNOWN:
                continue
            assert answer == router.shortest_path(source, destination, frozenset({lid}))
            _assert_directed(router, answer)
            if base is None:
                assert answer is None


def _ring(nodes: int, equal: bool) -> Topology:
    rng = random.Random(7)
    ids = [f"r{i:03d}" for i in range(nodes)]
    links = {
        f"k{i:03d}": _link(f"k{i:03d}", ids[i], ids[(i + 1) % nodes], 100.0 if equal else 100.0 + i)
        for i in range(nodes)
    }
    return Topology("ring", {n: _node(n, rng, 0.0) for n in ids}, links)


def test_a_ring_detours_the_long_way_round_without_searching(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a ring with distinct lengths every detour is unique: the trees answer it, and it is
    the other arc of the ring, whatever the search would have cost."""
    nodes = LANDMARK_MIN_NODES + 6
    topology = _ring(nodes, equal=False)
    router = Router(topology)
    calls = []
    search = routing.Router._bound_to
    monkeypatch.setattr(
        routing.Router, "_bound_to", lambda self, *a: calls.append(a) or search(self, *a)
    )
    path = router.shortest_path("r000", "r001", frozenset({"k000"}))
    assert calls == [], "the detour was searched, not read from the trees"
    assert path is not None
    assert path.nodes == ("r000", *(f"r{i:03d}" for i in range(nodes - 1, 0, -1)))
    assert path.links == tuple(f"k{i:03d}" for i in range(nodes - 1, 0, -1))


def test_one_detour_around_a_stretch_serves_every_link_of_it() -> None:
    """On a ring with distinct lengths, losing any link between r000 and r010 sends the demand
    the other way round: one crossing arc covers the whole stretch, so the trees make that
    detour once and hand the same Path out for every link of it, the search's each time."""
    nodes = LANDMARK_MIN_NODES + 6
    topology = _ring(nodes, equal=False)
    router = Router(topology)
    trees = ReplacementPaths(router._steps, router.path_over)
    reference = _reference(topology, "latency")
    base = trees.detour("r000", "r010", None)
    assert base is not UNKNOWN and base.links == tuple(f"k{i:03d}" for i in range(10))
    detours = [trees.detour("r000", "r010", lid) for lid in base.links]
    for lid, detour in zip(base.links, detours, strict=True):
        assert detour == reference.shortest_path("r000", "r010", frozenset({lid}))
    assert all(d is detours[0] for d in detours)
    assert detours[0].nodes == ("r000", *(f"r{i:03d}" for i in range(nodes - 1, 9, -1)))


def test_an_exact_tie_on_the_base_path_is_broken_by_the_tie_rule() -> None:
    """On a ring of equal links, the two arcs between opposite nodes cost exactly the same: the
    tie rule enters r035 from its lower-id neighbour (r034), and the trees answer that, and the
    detour around a failure on it, without searching, as the search does."""
    topology = _ring(LANDMARK_MIN_NODES + 6, equal=True)
    router = Router(topology)
    trees = ReplacementPaths(router._steps, router.path_over)
    reference = _reference(topology, "latency")
    base = trees.detour("r000", "r035", None)
    assert base is not UNKNOWN and base.nodes == tuple(f"r{i:03d}" for i in range(36))
    assert base == reference.shortest_path("r000", "r035")
    detour = trees.detour("r000", "r035", "k010")
    assert detour is not UNKNOWN and detour.nodes[:2] == ("r000", "r069")
    assert detour == reference.shortest_path("r000", "r035", frozenset({"k010"}))


def _grid(side: int, hops_apart: float) -> Topology:
    """A square grid of equal links: between two corners every monotone staircase ties."""
    rng = random.Random(side)
    ids = {(r, c): f"g{r:02d}{c:02d}" for r in range(side) for c in range(side)}
    links = {}
    for (r, c), a in ids.items():
        for b in (ids.get((r + 1, c)), ids.get((r, c + 1))):
            if b is not None:
                links[f"e{a}{b}"] = _link(f"e{a}{b}", a, b, hops_apart)
    return Topology("grid", {n: _node(n, rng, 0.0) for n in ids.values()}, links)


def _tie_rule_path(router: Router, source: str, destination: str, state: frozenset[str]) -> Any:
    """The tie rule spelled out independently of the router's search: float distances by
    Bellman-Ford (the least fixed point of d(v) = min fl(d(u) + step)), then the walk back
    from the destination over the lowest (predecessor, link) among exactly tight links."""
    steps = {
        u: [(v, key, cost) for v, key, cost in hops if v not in state and key not in state]
        for u, hops in router._steps.items()
        if u not in state
    }
    dist = {source: 0.0}
    changed = True
    while changed:
        changed = False
        for u in sorted(dist):
            for v, _key, cost in steps[u]:
                if dist[u] + cost < dist.get(v, float("inf")):
                    dist[v] = dist[u] + cost
                    changed = True
    if destination not in dist:
        return None
    nodes, links = [destination], []
    while nodes[-1] != source:
        v = nodes[-1]
        u, key = min(
            (u, key)
            for u in dist
            for w, key, cost in steps[u]
            if w == v and dist[u] + cost == dist[v] and dist[u] < dist[v]
        )
        nodes.append(u)
        links.append(key)
    return router.path_over(nodes[::-1], links[::-1])


@pytest.mark.parametrize("side", [6, LANDMARK_MIN_NODES // 6 + 4])  # plain Dijkstra, then A*
@pytest.mark.parametrize("metric", ["latency", "hops"])
@pytest.mark.parametrize("window", [256, 1])  # 1: every failed link takes the full scan
def test_search_and_trees_follow_the_tie_rule_on_a_grid_of_ties(
    side: int, metric: Metric, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a grid of equal links nearly every path has exact rivals: the search (Dijkstra on
    small graphs, A* on large ones), the trees and an independent spelling of the rule give
    the same path, with nothing, one link or two links down."""
    monkeypatch.setattr(replacement_paths, "_COVER_WINDOW", window)
    topology = _grid(side, 100.0)
    router, reference = Router(topology, metric=metric), _reference(topology, metric)
    trees = ReplacementPaths(router._steps, router.path_over)
    rng = random.Random(side)
    ids, answered = sorted(topology.nodes), 0
    for _ in range(4):
        source, destination = rng.sample(ids, 2)
        base = _tie_rule_path(router, source, destination, frozenset())
        assert reference.shortest_path(source, destination) == base
        assert trees.detour(source, destination, None) == base
        for lid in (*base.links, *rng.sample(sorted(topology.links), 2)):
            state = frozenset({lid})
            expected = _tie_rule_path(router, source, destination, state)
            assert reference.shortest_path(source, destination, state) == expected
            assert router.shortest_path(source, destination, state) == expected
            answer = trees.detour(source, destination, lid)
            answered += answer is not UNKNOWN
            assert answer is UNKNOWN or answer == expected
            two = frozenset({lid, rng.choice(sorted(topology.links))})
            assert router.shortest_path(source, destination, two) == _tie_rule_path(
                router, source, destination, two
            )
    assert answered > 0, "the trees left every tied detour to the search"


def test_a_bridge_failure_leaves_no_path() -> None:
    topology = _ring(LANDMARK_MIN_NODES + 6, equal=False)
    links = dict(topology.links)
    links["spur"] = _link("spur", "r000", "x", 10.0)
    nodes = dict(topology.nodes)
    nodes["x"] = _node("x", random.Random(1), 0.0)
    topology = Topology("ring+spur", nodes, links)
    router = Router(topology)
    trees = ReplacementPaths(router._steps, router.path_over)
    assert trees.detour("x", "r005", "spur") is None
    assert router.shortest_path("x", "r005", frozenset({"spur"})) is None


def test_a_rival_on_the_destination_side_is_settled_by_the_tie_rule() -> None:
    """A ring of distinct lengths, and the destination t two equal hops beyond r001 by two
    branches (b1, b2): every path into t ties at t, so the destination's tree has a rival at
    r001. With k000 down the detour goes the long way round and reaches r001 from the other
    side; the trees settle its last hops forward by the tie rule (t entered from b1, the lower
    id) and answer without searching, as the search and the rule spelled out do."""
    ring = _ring(LANDMARK_MIN_NODES + 6, equal=False)
    rng = random.Random(3)
    nodes = dict(ring.nodes) | {n: _node(n, rng, 0.0) for n in ("b1", "b2", "t")}
    links = dict(ring.links)
    for branch in ("b1", "b2"):
        links[f"in-{branch}"] = _link(f"in-{branch}", "r001", branch, 50.0)
        links[f"out-{branch}"] = _link(f"out-{branch}", branch, "t", 50.0)
    topology = Topology("ring+diamond", nodes, links)
    router = Router(topology)
    trees = ReplacementPaths(router._steps, router.path_over)
    state = frozenset({"k000"})
    detour = trees.detour("r000", "t", "k000")
    expected = _tie_rule_path(router, "r000", "t", state)
    assert detour is not UNKNOWN, "the rival at r001 was left to the search"
    assert detour == expected == _reference(topology, "latency").shortest_path("r000", "t", state)
    assert detour.nodes[-4:] == ("r002", "r001", "b1", "t")
    assert detour.nodes[:2] == ("r000", "r069")
