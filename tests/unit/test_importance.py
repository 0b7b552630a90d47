"""Importance ranking against mathematics derived here: closed forms for series and parallel
networks (never fails, repair halved, a whole failure class, the traffic-weighted total), and a
simulated extra repair unit whose paired interval covers the Markov-chain value across seeds."""

from __future__ import annotations

import math

import pytest

from twin.analysis.importance import Downtime, saved_between
from twin.model import (
    Demand,
    Failover,
    FailureClass,
    Link,
    Node,
    RepairResource,
    RepairTime,
    Scenario,
    Topology,
)
from twin.ranking import rank_importance
from twin.results.rank import RankResult
from twin.units import HOURS_PER_YEAR

MIN_PER_YEAR = HOURS_PER_YEAR * 60.0
# Per link: faults a year and fixed repair hours, all different so no two answers coincide.
RATES = (2.0, 5.0, 0.5, 9.0)
REPAIRS_H = (10.0, 30.0, 100.0, 4.0)


def _p_up(rate: float, repair_h: float) -> float:
    mtbf_h = HOURS_PER_YEAR / rate
    return mtbf_h / (mtbf_h + repair_h)


def _node(nid: str) -> Node:
    return Node(nid, nid, "XX", "pop", 0.0, 0.0)


def _class(cid: str, rate: float, repair_h: float, kind: str = "fixed") -> FailureClass:
    repair = RepairTime(kind, repair_h * (math.log(2.0) if kind == "exponential" else 1.0))  # type: ignore[arg-type]
    return FailureClass(cid, "per_link", rate, repair)


def _scenario(
    links: list[tuple[str, str, str, str]],
    classes: list[FailureClass],
    demands: list[Demand],
    resources: tuple[RepairResource, ...] = (),
    horizon_h: float = 10 * HOURS_PER_YEAR,
) -> Scenario:
    """A scenario on links (id, a, b, class) built here, stochastic failures on."""
    node_ids = sorted({x for _, a, b, _ in links for x in (a, b)})
    topology = Topology(
        "test",
        {n: _node(n) for n in node_ids},
        {lid: Link(lid, a, b, "terrestrial", 100.0, 100.0, c) for lid, a, b, c in links},
        failure_classes={c.id: c for c in classes},
    )
    return Scenario(
        "test",
        topology,
        "",
        horizon_h,
        1,
        tuple(demands),
        stochastic_failures=True,
        repair_resources=resources,
        default_failover=Failover("protection", 0.0, 0.0),
    )


def _saved(result: RankResult, element: str, measure: str, demand: str | None) -> float:
    (entry,) = [
        e
        for e in result.entries
        if e.element == element and e.measure == measure and e.demand == demand
    ]
    assert entry.saved.low == entry.saved.high == entry.saved.value  # exact: low = high
    assert entry.saved.method.startswith("exact")
    return entry.saved.value


def _series() -> Scenario:
    chain = ["a", "b", "c", "d", "z"]
    links = [(f"l{i}", chain[i], chain[i + 1], f"c{i}") for i in range(4)]
    classes = [_class(f"c{i}", RATES[i], REPAIRS_H[i]) for i in range(4)]
    return _scenario(links, classes, [Demand("d", "a", "z")])


def test_series_never_fails_and_repair_halved_match_the_closed_forms() -> None:
    result = rank_importance(_series())
    p = [_p_up(r, h) for r, h in zip(RATES, REPAIRS_H, strict=True)]
    down = 1.0 - math.prod(p)
    for i in range(4):
        others = math.prod(p[j] for j in range(4) if j != i)
        never = (down - (1.0 - others)) * MIN_PER_YEAR
        halved = (down - (1.0 - others * _p_up(RATES[i], REPAIRS_H[i] / 2))) * MIN_PER_YEAR
        assert _saved(result, f"l{i}", "never-fails", "d") == pytest.approx(never, rel=1e-9)
        assert _saved(result, f"l{i}", "repair-halved", "d") == pytest.approx(halved, rel=1e-9)
        # Each link has a class of its own: the class is the link.
        assert _saved(result, f"c{i}", "never-fails", "d") == pytest.approx(never, rel=1e-9)
    ranking = [e.element for e in result.ranked("d") if e.kind == "link"]
    assert ranking[0] == "l1"  # 5 faults a year x 30 h: the largest unavailability


def test_parallel_never_fails_and_repair_halved_match_the_closed_forms() -> None:
    links = [(f"l{i}", "a", "z", f"c{i}") for i in range(3)]
    classes = [_class(f"c{i}", RATES[i], REPAIRS_H[i]) for i in range(3)]
    result = rank_importance(_scenario(links, classes, [Demand("d", "a", "z")]))
    q = [1.0 - _p_up(r, h) for r, h in zip(RATES, REPAIRS_H, strict=True)][:3]
    down = math.prod(q)
    for i in range(3):
        others = math.prod(q[j] for j in range(3) if j != i)
        halved = (down - others * (1.0 - _p_up(RATES[i], REPAIRS_H[i] / 2))) * MIN_PER_YEAR
        assert _saved(result, f"l{i}", "never-fails", "d") == pytest.approx(
            down * MIN_PER_YEAR, rel=1e-9
        )
        assert _saved(result, f"l{i}", "repair-halved", "d") == pytest.approx(halved, rel=1e-9)


def test_a_shared_class_and_the_traffic_weighted_total() -> None:
    """Two links of one class in series (a-b-z) and a third of its own (a-z, in parallel):
    the class never failing leaves only the third's unavailability times nothing; the total
    weighs demand a-z (30 Gbit/s) and a-b (10 Gbit/s) by their traffic."""
    links = [("ab", "a", "b", "shared"), ("bz", "b", "z", "shared"), ("az", "a", "z", "own")]
    classes = [_class("shared", 3.0, 20.0), _class("own", 1.0, 50.0)]
    demands = [Demand("far", "a", "z", gbps=30.0), Demand("near", "a", "b", gbps=10.0)]
    result = rank_importance(_scenario(links, classes, demands))
    ps, po = _p_up(3.0, 20.0), _p_up(1.0, 50.0)
    far_down = (1.0 - ps * ps) * (1.0 - po)
    # a-b: directly, or around through a-z-b (both other links up).
    near_down = (1.0 - ps) * (1.0 - ps * po)
    assert _saved(result, "shared", "never-fails", "far") == pytest.approx(
        far_down * MIN_PER_YEAR, rel=1e-9
    )
    assert _saved(result, "shared", "never-fails", "near") == pytest.approx(
        near_down * MIN_PER_YEAR, rel=1e-9
    )
    total = (0.75 * far_down + 0.25 * near_down) * MIN_PER_YEAR
    assert _saved(result, "shared", "never-fails", None) == pytest.approx(total, rel=1e-9)
    weights = {d.id: d.weight for d in result.demands}
    assert weights == {"far": 0.75, "near": 0.25}


def _one_crew_unavailability(rate_per_h: float, repair_per_h: float) -> float:
    """Two identical links in parallel, exponential failures and repairs, one crew: a birth
    and death chain 0 -> 1 -> 2 links down (rates 2l, l), repairs at m from 1 and 2 (one
    at a time); the demand is down in state 2."""
    r = rate_per_h / repair_per_h
    return 2 * r * r / (1 + 2 * r + 2 * r * r)


def test_one_more_crew_simulated_with_common_random_numbers_covers_the_markov_value() -> None:
    """+1 crew on two parallel links: saved = U(one crew) - U(two crews), the second being
    two independent alternating renewal processes (q squared). The paired 95 % interval must
    cover it for most seeds (at least 16 of 20; 19 expected)."""
    rate_per_year, mttr_h = 10.0, 200.0
    links = [("l0", "a", "z", "cls"), ("l1", "a", "z", "cls")]
    crews = (RepairResource("crew", "crew", 1, ("*",)),)
    scenario = _scenario(
        links,
        [_class("cls", rate_per_year, mttr_h, "exponential")],
        [Demand("d", "a", "z")],
        crews,
        horizon_h=10 * HOURS_PER_YEAR,
    )
    lam, mu = rate_per_year / HOURS_PER_YEAR, 1.0 / mttr_h
    q = lam / (lam + mu)
    truth = (_one_crew_unavailability(lam, mu) - q * q) * MIN_PER_YEAR
    covered = 0
    for seed in range(20):
        result = rank_importance(scenario, replications=20, seed=seed)
        (entry,) = [e for e in result.entries if e.element == "crew" and e.demand == "d"]
        assert entry.measure == "plus-one-unit"
        assert entry.saved.method.startswith("simulation: 20 paired replications")
        assert entry.saved.low < entry.saved.high
        covered += entry.saved.low <= truth <= entry.saved.high
    assert covered >= 16, (covered, truth)


def test_a_saving_between_bounds_brackets_every_difference_the_bounds_allow() -> None:
    """Where the engine gives bounds, [low, high] of the saving must hold base - variant for
    any base and variant inside their bounds (and never below 0: the change cannot hurt)."""
    base = Downtime(10.0, 14.0, False)
    variant = Downtime(3.0, 5.0, False)
    saved = saved_between(base, variant)
    assert (saved.low, saved.high) == (5.0, 11.0)
    assert saved.method.startswith("bounds")
    for b in (10.0, 12.0, 14.0):
        for v in (3.0, 4.0, 5.0):
            assert saved.low <= b - v <= saved.high
    overlapping = saved_between(Downtime(4.0, 6.0, False), Downtime(3.0, 7.0, False))
    assert overlapping.low == 0.0 and overlapping.high == 3.0
    exact = saved_between(Downtime(2.0, 2.0, True), Downtime(0.5, 0.5, True))
    assert exact.low == exact.high == exact.value == 1.5
