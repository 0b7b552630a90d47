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


def _bridge() -> Topology:
    return _topology(
        [
            ("e1", "s", "a", "r1"),
            ("e2", "s", "b", "r2"),
            ("e3", "a", "t", "r3"),
            ("e4", "b", "t", "r4"),
            ("e5", "a", "b", "r5"),
        ]
    )


@pytest.mark.parametrize("budget", [1, 2, 3, 5, 8, 13, 21, 31, 32])
def test_bounds_bracket_the_bridge_wherever_they_stop(budget: int) -> None:
    """Certified at every state budget: each examined state's probability is exact, so the
    lower bound can only miss mass and the upper bound only include it. The bridge has 5
    components, 32 states: with all 32 examined the bounds meet the formula."""
    exact = _bridge_formula()
    r = demand_availability(_bridge(), "s", "t", method="bounds", max_states=budget, tolerance=0)
    assert r.lower <= exact + 1e-15 and exact <= r.upper + 1e-15
    assert r.states_examined == budget
    assert r.converged == (budget == 32)
    if budget == 32:
        assert r.upper - r.lower == pytest.approx(0.0, abs=1e-15)


def test_an_early_stop_says_so_with_the_gap() -> None:
    r = demand_availability(_bridge(), "s", "t", method="bounds", max_states=3, tolerance=1e-12)
    assert not r.converged
    assert f"tolerance not reached (gap {r.upper - r.lower:.3g} after 3 states)" in r.method
    doc = r.to_dict()
    assert doc["converged"] is False and doc["gap"] == pytest.approx(r.upper - r.lower)
    done = demand_availability(_bridge(), "s", "t", method="bounds", tolerance=1e-6)
    assert done.converged and "tolerance not reached" not in done.method
    assert done.upper - done.lower <= 1e-6


def test_states_come_most_probable_first_each_exactly_once() -> None:
    """Against brute force over all 2^6 states, p from 0.3 to 0.999: one component is more
    often down than up (p < 0.5), so its base state is down and flipping it means repairing."""
    import itertools

    from twin.analysis.availability import _states_by_probability

    p_up = [0.999, 0.9, 0.3, 0.99, 0.6, 0.95]
    got = list(_states_by_probability(p_up))
    probs = [prob for prob, _ in got]
    assert all(a >= b * (1 - 1e-12) for a, b in itertools.pairwise(probs))
    base_down = {i for i, p in enumerate(p_up) if p < 0.5}
    seen = {frozenset(base_down.symmetric_difference(flips)) for _, flips in got}
    assert len(got) == len(seen) == 2 ** len(p_up)
    for prob, flips in got:
        failed = base_down.symmetric_difference(flips)
        expected = math.prod((1 - p) if i in failed else p for i, p in enumerate(p_up))
        assert prob == pytest.approx(expected, rel=1e-12)
    assert math.fsum(probs) == pytest.approx(1.0, abs=1e-12)


def test_probability_order_beats_failure_count_when_rates_differ() -> None:
    """A reliable series link (p = 0.999999) beside a weak parallel pair: the pair failing
    together (0.1^2 = 1e-2) is far more likely than the reliable link failing (1e-6). Ordering
    by probability reaches a 1e-5 gap within the first few states; ordering by number of failed
    components would spend them on the single failures first."""

    # p = MTBF / (MTBF + MTTR) = 1 / (1 + rate * MTTR / year): the rate giving a chosen p.
    def rate_for(p: float) -> float:
        return (1 / p - 1) * HOURS_PER_YEAR / MTTR_H

    cls = {
        name: FailureClass(name, "per_link", rate_for(p), RepairTime("fixed", MTTR_H))
        for name, p in (("weak", 0.9), ("solid", 1 - 1e-6))
    }
    nodes = {n: Node(n, n, "KZ", "pop", 43.0, 50.0 + i) for i, n in enumerate(("s", "x", "t"))}
    links = {
        "solid": Link("solid", "s", "x", "terrestrial", 1000.0, 10.0, "solid"),
        "w1": Link("w1", "x", "t", "terrestrial", 1000.0, 10.0, "weak"),
        "w2": Link("w2", "x", "t", "terrestrial", 1000.0, 10.0, "weak"),
    }
    topo = Topology("t", nodes, links, {}, cls)
    exact = (1 - 1e-6) * (1 - 0.1**2)
    r = demand_availability(topo, "s", "t", method="bounds", tolerance=1e-5)
    assert r.converged and r.lower <= exact <= r.upper
    # States by probability: all up (0.81), w1 down (0.09), w2 down (0.09), both down (0.01),
    # then the solid link's failures (~1e-6): the gap is ~1e-6 after 4 states.
    assert r.states_examined == 4
