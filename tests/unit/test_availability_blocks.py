"""The exact decomposition of a demand into parts in series (`availability_blocks`), against
closed forms derived here and against the whole-network diagram."""

from __future__ import annotations

import sys

import pytest
from test_availability_formulas import RATES, _topology, p_of

from twin.analysis.availability import Settings, availability_of_demands
from twin.analysis.availability_blocks import decompose, reduce_series_parallel
from twin.analysis.availability_network import build_network
from twin.analysis.frontier_plan import PlanEdge

BOUNDS = Settings(method="bounds")


def _chain_edges() -> list[tuple[str, str, str, str]]:
    """s -e1- a =e2,e3= b -e4- c, then the triangle c-t, c-d-t; plus a tree hanging at b and a
    triangle hanging at a, on no s-t path."""
    return [
        ("e1", "s", "a", "r1"),
        ("e2", "a", "b", "r2"),
        ("e3", "a", "b", "r3"),
        ("e4", "b", "c", "r4"),
        ("e5", "c", "t", "r1"),
        ("e6", "c", "d", "r2"),
        ("e7", "d", "t", "r5"),
        ("h1", "b", "z", "r1"),
        ("h2", "a", "y1", "r1"),
        ("h3", "y1", "y2", "r1"),
        ("h4", "y2", "a", "r1"),
    ]


def test_a_chain_of_blocks_is_the_product_of_its_blocks() -> None:
    """Cut vertex a fails (r5), inner vertex d fails (r3), the end t fails (r4):
    A = pa pt p1 (1 - (1 - p2)(1 - p3)) p4 (1 - (1 - p1)(1 - p2 pd p5))."""
    topo = _topology(_chain_edges(), node_classes={"a": "r5", "d": "r3", "t": "r4"})
    p = {k: p_of(rate) for k, rate in RATES.items()}
    pa, pd, pt = p["r5"], p["r3"], p["r4"]
    triangle = 1 - (1 - p["r1"]) * (1 - p["r2"] * pd * p["r5"])
    expected = pa * pt * p["r1"] * (1 - (1 - p["r2"]) * (1 - p["r3"])) * p["r4"] * triangle
    chain = decompose(build_network(topo, False, {"s", "t"}), "s", "t")
    assert [(g.entry, g.exit) for g in chain.groups] == [
        ("s", "a"),
        ("a", "b"),
        ("b", "c"),
        ("c", "t"),
    ]
    assert chain.factor == pytest.approx(pa * pt, rel=1e-15)
    for settings in (BOUNDS, Settings(method="exact")):
        r = availability_of_demands(topo, [("s", "t")], settings=settings)[0]
        assert r.exact
        assert r.unavailability == pytest.approx(1 - expected, rel=1e-12)


def test_an_srlg_spanning_two_blocks_joins_them() -> None:
    """Trench g under e1 (first block) and e4 (third): one event, not two. By hand:
    A = pg p1 (1 - (1 - p2)(1 - p3)) p4; independent blocks would count pg twice."""
    edges = _chain_edges()[:4]
    topo = _topology(edges, {"g": "r5"}, {"e1": ("g",), "e4": ("g",)})
    p = {k: p_of(rate) for k, rate in RATES.items()}
    expected = p["r5"] * p["r1"] * (1 - (1 - p["r2"]) * (1 - p["r3"])) * p["r4"]
    chain = decompose(build_network(topo, False, {"s", "c"}), "s", "c")
    assert [(g.entry, g.exit) for g in chain.groups] == [("s", "c")]
    bounds = availability_of_demands(topo, [("s", "c")], settings=BOUNDS)[0]
    exact = availability_of_demands(topo, [("s", "c")], settings=Settings(method="exact"))[0]
    assert bounds.exact and exact.exact
    assert bounds.unavailability == pytest.approx(1 - expected, rel=1e-12)
    assert bounds.unavailability == pytest.approx(exact.unavailability, rel=1e-12)


def test_an_srlg_inside_one_block_keeps_the_blocks_apart() -> None:
    """Trench g under both links of the parallel pair: pg (1 - (1 - p2)(1 - p3)) for that
    block, the others independent."""
    topo = _topology(_chain_edges()[:4], {"g": "r5"}, {"e2": ("g",), "e3": ("g",)})
    p = {k: p_of(rate) for k, rate in RATES.items()}
    pair = p["r5"] * (1 - (1 - p["r2"]) * (1 - p["r3"]))
    expected = p["r1"] * pair * p["r4"]
    chain = decompose(build_network(topo, False, {"s", "c"}), "s", "c")
    assert len(chain.groups) == 3
    r = availability_of_demands(topo, [("s", "c")], settings=BOUNDS)[0]
    assert r.unavailability == pytest.approx(1 - expected, rel=1e-12)


def test_series_and_parallel_reductions_leave_one_link() -> None:
    """A ladder-free series-parallel graph between s and t reduces to one link whose
    availability is the closed form; a component on one link only is folded into it."""
    p1, p2, p3, pc = 0.9, 0.8, 0.7, 0.95
    edges = [
        PlanEdge("s", "x", p1),
        PlanEdge("x", "t", p2),
        PlanEdge("s", "t", p3, (0,)),
    ]
    reduced = reduce_series_parallel(edges, {"s", "t"}, [pc])
    assert len(reduced) == 1 and reduced[0].components == ()
    assert reduced[0].p_up == pytest.approx(1 - (1 - p1 * p2) * (1 - p3 * pc), rel=1e-15)


def test_parallel_links_merge_only_under_the_same_components() -> None:
    """Component 1 guards the second link only, so it is folded into it and the two links
    then share component 0: pc0 (1 - (1 - p1)(1 - p2 pc1)). With a third link sharing each
    component, the two s-t links have different guards and stay apart."""
    edges = [PlanEdge("s", "t", 0.9, (0,)), PlanEdge("s", "t", 0.8, (0, 1))]
    reduced = reduce_series_parallel(edges, {"s", "t"}, [0.99, 0.98])
    assert len(reduced) == 1
    assert reduced[0].p_up == pytest.approx(0.99 * (1 - 0.1 * (1 - 0.8 * 0.98)), rel=1e-15)
    edges = [PlanEdge("s", "t", 0.9, (0,)), PlanEdge("s", "t", 0.8, (1,))]
    edges.append(PlanEdge("s", "x", 0.7, (0, 1)))
    assert len(reduce_series_parallel(edges, {"s", "t", "x"}, [0.99, 0.98])) == 3


def test_a_long_chain_of_blocks_needs_no_recursion_in_proportion_to_its_length() -> None:
    """3,000 parallel pairs in series, under a recursion limit far below that: the product
    (1 - (1 - p)^2)^n exactly, from bounds."""
    n = 3000
    edges = []
    for i in range(n):
        edges.append((f"a{i}", f"v{i}", f"v{i + 1}", "r1"))
        edges.append((f"b{i}", f"v{i}", f"v{i + 1}", "r2"))
    topo = _topology(edges)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        r = availability_of_demands(topo, [("v0", f"v{n}")], settings=BOUNDS)[0]
    finally:
        sys.setrecursionlimit(limit)
    expected = (1 - (1 - p_of(1)) * (1 - p_of(2))) ** n
    assert r.exact
    assert r.value == pytest.approx(expected, rel=1e-12)
