"""Analytic availability against formulas derived by hand.

Each component is built with a `per_link` failure class and a fixed repair time, so its
availability p = MTBF / (MTBF + MTTR) is known exactly; the network formulas follow from
series (product), parallel (1 - product of unavailabilities) and pivoting on one edge.
"""

from __future__ import annotations

import math

import pytest

from twin.analysis.availability import demand_availability
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
) -> Topology:
    classes = {
        name: FailureClass(name, "per_link", rate, RepairTime("fixed", MTTR_H))
        for name, rate in RATES.items()
    }
    nodes = {}
    for _, a, b, _ in edges:
        for n in (a, b):
            nodes[n] = Node(n, n, "KZ", "pop", 43.0, 50.0 + len(nodes))
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
    topo = _topology(
        [
            ("e1", "s", "a", "r1"),
            ("e2", "s", "b", "r2"),
            ("e3", "a", "t", "r3"),
            ("e4", "b", "t", "r4"),
            ("e5", "a", "b", "r5"),
        ]
    )
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


def test_bounds_bracket_the_exact_value_and_tighten() -> None:
    topo = _topology(
        [
            ("e1", "s", "a", "r1"),
            ("e2", "s", "b", "r2"),
            ("e3", "a", "t", "r3"),
            ("e4", "b", "t", "r4"),
            ("e5", "a", "b", "r5"),
        ]
    )
    exact = _bridge_formula()
    loose = demand_availability(topo, "s", "t", method="bounds", max_states=6)
    assert not loose.exact
    assert loose.lower <= exact <= loose.upper
    tight = demand_availability(topo, "s", "t", method="bounds", tolerance=1e-12)
    assert not tight.exact
    assert tight.lower <= exact <= tight.upper
    assert tight.upper - tight.lower < loose.upper - loose.lower
    assert tight.upper - tight.lower <= 1e-12


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
