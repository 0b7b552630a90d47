"""Analytic availability against formulas derived by hand.

Each component is built with a `per_link` failure class and a fixed repair time, so its
availability p = MTBF / (MTBF + MTTR) is known exactly; the network formulas follow from
series (product), parallel (1 - product of unavailabilities) and pivoting on one edge. Every
exact answer must match to 1e-12, and so must the factoring engine that came before the frontier
diagram (`_factoring_reference`), on random networks with failing nodes and SRLGs.
"""

from __future__ import annotations

import math

import pytest
from _factoring_reference import factoring_availability

from twin.analysis.availability import (
    BeyondAnalytic,
    ExactTooLarge,
    Settings,
    availability_of_demands,
    demand_availability,
)
from twin.analysis.availability_network import build_network
from twin.analysis.frontier import Diagram
from twin.analysis.frontier_bounds import bounded_pair
from twin.analysis.frontier_plan import build_plan
from twin.model import FailureClass, Link, Node, RepairTime, Srlg, Topology
from twin.units import HOURS_PER_YEAR

RATES = {"r1": 1.0, "r2": 2.0, "r3": 4.0, "r4": 8.0, "r5": 0.5}
MTTR_H = 500.0


def p_of(rate_per_year: float) -> float:
    mtbf = HOURS_PER_YEAR / rate_per_year
    return mtbf / (mtbf + MTTR_H)


def _topology(
    edges: list[tuple[str, str, str, str]],
    srlgs: dict[str, str | None] | None = None,
    link_srlgs: dict[str, tuple[str, ...]] | None = None,
    node_classes: dict[str, str] | None = None,
) -> Topology:
    classes = {
        name: FailureClass(name, "per_link", rate, RepairTime("fixed", MTTR_H))
        for name, rate in RATES.items()
    }
    nodes = {}
    for _, a, b, _ in edges:
        for n in (a, b):
            fc = (node_classes or {}).get(n)
            nodes[n] = Node(n, n, "KZ", "pop", 43.0, 50.0 + len(nodes), failure_class=fc)
    links = {
        lid: Link(lid, a, b, "terrestrial", 1000.0, 10.0, fc, srlgs=(link_srlgs or {}).get(lid, ()))
        for lid, a, b, fc in edges
    }
    groups = {sid: Srlg(sid, "", fc) for sid, fc in (srlgs or {}).items()}
    return Topology("t", nodes, links, groups, classes)


def test_series() -> None:
    topo = _topology([("e1", "s", "x", "r1"), ("e2", "x", "y", "r2"), ("e3", "y", "t", "r3")])
    r = demand_availability(topo, "s", "t")
    assert r.exact
    assert r.value == pytest.approx(p_of(1) * p_of(2) * p_of(4), abs=1e-12)


def test_parallel_including_parallel_links_between_the_same_nodes() -> None:
    topo = _topology([("e1", "s", "t", "r1"), ("e2", "s", "t", "r2"), ("e3", "s", "t", "r3")])
    expected = 1 - (1 - p_of(1)) * (1 - p_of(2)) * (1 - p_of(4))
    assert demand_availability(topo, "s", "t").value == pytest.approx(expected, abs=1e-12)


# Wheatstone bridge: two paths s-a-t and s-b-t, and the bridge a-b.
BRIDGE = [
    ("e1", "s", "a", "r1"),
    ("e2", "s", "b", "r2"),
    ("e3", "a", "t", "r3"),
    ("e4", "b", "t", "r4"),
    ("e5", "a", "b", "r5"),
]


def _bridge_formula() -> float:
    """Wheatstone bridge s-a (p1), s-b (p2), a-t (p3), b-t (p4), a-b (p5).

    Pivot on the bridge a-b: up, a and b merge and the network is (p1 || p2) in series with
    (p3 || p4); down, it is the parallel of the two series paths s-a-t and s-b-t.
    """
    p1, p2, p3, p4, p5 = (p_of(RATES[k]) for k in ("r1", "r2", "r3", "r4", "r5"))
    up = (1 - (1 - p1) * (1 - p2)) * (1 - (1 - p3) * (1 - p4))
    down = 1 - (1 - p1 * p3) * (1 - p2 * p4)
    return p5 * up + (1 - p5) * down


def test_wheatstone_bridge() -> None:
    topo = _topology(BRIDGE)
    assert demand_availability(topo, "s", "t").value == pytest.approx(_bridge_formula(), abs=1e-12)


@pytest.mark.parametrize(("n", "k"), [(4, 1), (6, 2), (7, 3)])
def test_ring_of_identical_links(n: int, k: int) -> None:
    """On a ring of n links, ends k hops apart: p^k + p^(n-k) - p^n."""
    nodes = [f"v{i}" for i in range(n)]
    edges = [(f"e{i}", nodes[i], nodes[(i + 1) % n], "r2") for i in range(n)]
    topo = _topology(edges)
    p = p_of(2)
    expected = p**k + p ** (n - k) - p**n
    assert demand_availability(topo, nodes[0], nodes[k]).value == pytest.approx(expected, abs=1e-12)


def test_shared_risk_group_in_series_with_a_parallel_pair() -> None:
    """Two parallel links that share a trench (SRLG with its own failure class): the trench is
    a series component, p_srlg x (1 - (1 - p1)(1 - p2))."""
    topo = _topology(
        [("e1", "s", "t", "r1"), ("e2", "s", "t", "r2")],
        srlgs={"trench": "r3"},
        link_srlgs={"e1": ("trench",), "e2": ("trench",)},
    )
    expected = p_of(4) * (1 - (1 - p_of(1)) * (1 - p_of(2)))
    assert demand_availability(topo, "s", "t").value == pytest.approx(expected, abs=1e-12)


def test_adding_redundancy_never_lowers_availability() -> None:
    base = [("e1", "s", "x", "r1"), ("e2", "x", "t", "r2")]
    before = demand_availability(_topology(base), "s", "t").value
    after = demand_availability(_topology([*base, ("e3", "s", "t", "r4")]), "s", "t").value
    assert after >= before
    assert 0.0 <= before <= 1.0 and 0.0 <= after <= 1.0


def test_disconnected_demand_has_zero_availability() -> None:
    topo = _topology([("e1", "s", "x", "r1"), ("e2", "y", "t", "r2")])
    r = demand_availability(topo, "s", "t")
    assert r.value == 0.0 and math.isclose(r.upper, 0.0)


def test_diagram_over_two_components_places_every_vertex() -> None:
    """A triangle beside a separate link: the diagram's vertex order must reach the second
    component even when the first one's last heap entries are stale (a found bug: the order
    stopped at the triangle). s-t is p1 parallel to the series p2 p3; u-v is p4."""
    topo = _topology(
        [
            ("e1", "s", "t", "r1"),
            ("e2", "s", "x", "r2"),
            ("e3", "x", "t", "r3"),
            ("e4", "u", "v", "r4"),
        ]
    )
    exact = Settings(method="exact")
    st, uv = availability_of_demands(topo, [("s", "t"), ("u", "v")], settings=exact)
    assert st.exact and uv.exact
    triangle = 1 - (1 - p_of(1)) * (1 - p_of(2) * p_of(4))
    assert st.value == pytest.approx(triangle, abs=1e-12)
    assert uv.value == pytest.approx(p_of(8), abs=1e-12)


def test_failing_node_in_series_and_at_a_demand_end() -> None:
    """A node with a failure class is a series element of every path through it, and takes the
    demand down when it is an end: p(e1) p(x) p(e2), and p(s) p(e1) p(x) p(e2)."""
    edges = [("e1", "s", "x", "r1"), ("e2", "x", "t", "r2")]
    through = _topology(edges, node_classes={"x": "r3"})
    expected = p_of(1) * p_of(4) * p_of(2)
    assert demand_availability(through, "s", "t").value == pytest.approx(expected, abs=1e-12)
    at_end = _topology(edges, node_classes={"x": "r3", "s": "r5"})
    expected *= p_of(0.5)
    assert demand_availability(at_end, "s", "t").value == pytest.approx(expected, abs=1e-12)


def test_srlg_across_two_disjoint_paths_is_correlated() -> None:
    """One trench under s-a (path 1) and b-t (path 2): the paths are link-disjoint but not
    independent. Up, the trench leaves two independent paths; down, neither survives:
    p_g (1 - (1 - p1 p3)(1 - p2 p4)). Treating the links as independent would give more."""
    topo = _topology(
        BRIDGE[:4],
        srlgs={"trench": "r5"},
        link_srlgs={"e1": ("trench",), "e4": ("trench",)},
    )
    p1, p2, p3, p4, pg = (p_of(RATES[k]) for k in ("r1", "r2", "r3", "r4", "r5"))
    expected = pg * (1 - (1 - p1 * p3) * (1 - p2 * p4))
    assert demand_availability(topo, "s", "t").value == pytest.approx(expected, abs=1e-12)


def test_bridge_with_an_srlg_on_the_bridge_and_one_side() -> None:
    """Condition on the group by hand: up, the plain bridge; down, e1 and e5 are gone and what
    is left is the path s-b-t (p2 p4)."""
    topo = _topology(
        BRIDGE,
        srlgs={"g": "r3"},
        link_srlgs={"e1": ("g",), "e5": ("g",)},
    )
    pg, p2, p4 = p_of(4), p_of(2), p_of(8)
    expected = pg * _bridge_formula() + (1 - pg) * p2 * p4
    assert demand_availability(topo, "s", "t").value == pytest.approx(expected, abs=1e-12)


def test_unavailability_keeps_its_relative_precision_at_many_nines() -> None:
    """Three parallel links each down 1e-4 of the time: U = 1e-12. 1 - availability would
    carry an absolute error of ~1e-16 (1e-4 relative); the diagram sums failure states."""

    def rate_for(p: float) -> float:
        return (1 / p - 1) * HOURS_PER_YEAR / MTTR_H

    cls = {"c": FailureClass("c", "per_link", rate_for(1 - 1e-4), RepairTime("fixed", MTTR_H))}
    nodes = {n: Node(n, n, "KZ", "pop", 43.0, 50.0 + i) for i, n in enumerate(("s", "t"))}
    links = {f"e{i}": Link(f"e{i}", "s", "t", "terrestrial", 1000.0, 10.0, "c") for i in range(3)}
    r = demand_availability(Topology("t", nodes, links, {}, cls), "s", "t")
    q = 1 - cls["c"].availability(1000.0)
    assert r.exact and r.down_lower == r.down_upper
    assert r.unavailability == pytest.approx(q**3, rel=1e-12)


def _random_network(seed: int) -> tuple[Topology, list[str]]:
    """6-9 nodes, a spanning tree plus extra links (parallel ones too), a few failing nodes
    and two SRLGs (one with a failure class, one without)."""
    import random

    rng = random.Random(f"availability/{seed}")
    n = rng.randint(6, 9)
    names = [f"v{i}" for i in range(n)]
    edges = [
        (f"t{i}", names[i], names[rng.randrange(i)], rng.choice(list(RATES))) for i in range(1, n)
    ]
    for j in range(rng.randint(2, 6)):
        a, b = rng.sample(names, 2)
        edges.append((f"x{j}", a, b, rng.choice(list(RATES))))
    ids = [e[0] for e in edges]
    link_srlgs: dict[str, tuple[str, ...]] = {}
    for lid in rng.sample(ids, 3):
        link_srlgs[lid] = ("g1",)
    for lid in rng.sample(ids, 2):
        link_srlgs[lid] = (*link_srlgs.get(lid, ()), "g2")
    failing = {v: rng.choice(list(RATES)) for v in rng.sample(names, 2)}
    topo = _topology(edges, {"g1": "r3", "g2": None}, link_srlgs, failing)
    return topo, names


@pytest.mark.parametrize("seed", range(12))
def test_every_pair_matches_the_factoring_engine(seed: int) -> None:
    """All pairs at once from the shared diagram against the previous engine, pair by pair."""
    topo, names = _random_network(seed)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    results = availability_of_demands(topo, pairs, settings=Settings(method="exact"))
    for (s, t), r in zip(pairs, results, strict=True):
        assert r.exact and (r.source, r.destination) == (s, t)
        assert r.value == pytest.approx(factoring_availability(topo, s, t), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_truncated_search_brackets_the_exact_value_at_every_cap(seed: int) -> None:
    """Dropped states are unknown mass, never guessed: connected mass <= A <= 1 - disconnected
    whatever the cap, and with room for every state nothing is dropped."""
    topo, names = _random_network(seed)
    s, t = names[0], names[-1]
    exact = factoring_availability(topo, s, t)
    network = build_network(topo, False, {s, t})
    plan = build_plan(network.vertices, network.edges, network.component_p_up)
    for cap in (1, 2, 3, 5, 8, 13, 10_000):
        out = bounded_pair(Diagram(plan, remember=False), (s, t), max_states=cap)
        assert out.connected <= exact + 1e-15 and exact <= 1 - out.disconnected + 1e-15
        assert out.connected + out.disconnected + out.dropped == pytest.approx(1.0, abs=1e-12)
    assert out.dropped == 0.0 and out.connected == pytest.approx(exact, abs=1e-12)


def _grid(rows: int, cols: int, rate: str = "r1") -> Topology:
    def v(r: int, c: int) -> str:
        return f"g{r}-{c}"

    edges = []
    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols:
                edges.append((f"h{r}-{c}", v(r, c), v(r, c + 1), rate))
            if r + 1 < rows:
                edges.append((f"v{r}-{c}", v(r, c), v(r + 1, c), rate))
    return _topology(edges)


def test_bounds_on_a_grid_bracket_exact_and_report_their_relative_width() -> None:
    """A 6 x 6 grid (60 links, frontier 7): bounds with a tight relative-width target against
    the exact value of the same corners (the exact cap at 0 so no part is solved exactly)."""
    topo = _grid(6, 6)
    ends = ("g0-0", "g5-5")
    exact = availability_of_demands(topo, [ends], settings=Settings(method="exact"))[0]
    settings = Settings(method="bounds", relative_width=0.01, tolerance=0.0, max_exact_states=0)
    bounds = availability_of_demands(topo, [ends], settings=settings)[0]
    assert exact.exact and not bounds.exact
    assert bounds.lower <= exact.value + 1e-15 and exact.value <= bounds.upper + 1e-15
    assert bounds.converged and bounds.relative_width <= 0.01
    assert bounds.to_dict()["relative_width"] == pytest.approx(bounds.relative_width)


def test_exact_refuses_a_network_too_wide_for_its_state_cap() -> None:
    topo = _grid(8, 8)
    settings = Settings(method="exact", max_exact_states=1000)
    with pytest.raises(ExactTooLarge, match="frontier width"):
        availability_of_demands(topo, [("g0-0", "g7-7")], settings=settings)


def test_a_network_beyond_every_method_points_to_simulation() -> None:
    """No time for even the smallest bounded search: refused at once, not run out of memory."""
    topo = _grid(30, 30)
    settings = Settings(method="auto", time_budget_s=0.001, max_exact_states=1000)
    with pytest.raises(BeyondAnalytic, match="Monte Carlo over a scenario \\(replications N\\)"):
        availability_of_demands(topo, [("g0-0", "g29-29")], settings=settings)


def test_a_long_ladder_needs_no_recursion_in_proportion_to_its_length() -> None:
    """2 x 1500 ladder under a recursion limit far below its length. Bounds derived by hand: at
    least one of two link-disjoint paths (the top rail: n links; the bottom: n + 2) is up, and
    at most: one of the two links at s is up."""
    import sys

    n = 1500
    edges = []
    for i in range(n + 1):
        edges.append((f"r{i}", f"u{i}", f"w{i}", "r1"))
        if i < n:
            edges.append((f"a{i}", f"u{i}", f"u{i + 1}", "r1"))
            edges.append((f"b{i}", f"w{i}", f"w{i + 1}", "r1"))
    topo = _topology(edges)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        r = demand_availability(topo, "u0", f"u{n}")
    finally:
        sys.setrecursionlimit(limit)
    p = p_of(1)
    assert r.exact
    assert 1 - (1 - p**n) * (1 - p ** (n + 2)) <= r.value <= 1 - (1 - p) ** 2
