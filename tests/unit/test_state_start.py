"""Simulation from a state against mathematics: residual-life curves and exact schedules.

One link `ab` is the only way from a to b; it has been down `e` hours at as_of. The demand is
restored exactly when the link is, so P(restored by t) is the conditional survival of the
repair time: P(R <= e + t | R > e) = 1 - S(e + t) / S(e). Each case derives S itself.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from statistics import NormalDist

import pytest

from twin.loading.state import state_document
from twin.model import (
    Demand,
    DownElement,
    Failover,
    FailureClass,
    Link,
    Node,
    RepairResource,
    RepairTime,
    ResourceState,
    Scenario,
    State,
    Topology,
)
from twin.montecarlo import run_replications
from twin.outlook import restored_at_h, wilson
from twin.sim import simulate
from twin.sim.snapshot import state_at
from twin.units import HOURS_PER_YEAR


def _scenario(
    repair: RepairTime, state: State, horizon_h: float = 2000.0, **kw: object
) -> Scenario:
    nodes = {
        "a": Node("a", "A", "KZ", "pop", 43.0, 50.0),
        "b": Node("b", "B", "KZ", "pop", 43.0, 51.0),
    }
    links = {"ab": Link("ab", "a", "b", "terrestrial", 100.0, 100.0, "c")}
    fc = FailureClass("c", "per_link", 0.0, repair)
    topology = Topology("one", nodes, links, {}, {"c": fc})
    base = Scenario(
        name="t",
        topology=topology,
        topology_path="t.yaml",
        horizon_h=horizon_h,
        seed=5,
        demands=(Demand("a-b", "a", "b"),),
        default_failover=Failover("igp", 150.0, 1000.0),
        state=state,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def _down(since_h: float, **kw: object) -> State:
    return State("2027-01-10T00:00:00Z", (DownElement("link", "ab", since_h, **kw),))  # type: ignore[arg-type]


def _restored(scenario: Scenario, replication: int) -> float:
    result = simulate(scenario, replication=replication, timeline=False)
    return restored_at_h(result.demand("a-b"))


def test_fixed_repair_comes_back_exactly_r_minus_e_after_as_of() -> None:
    """R = 100 h, down since e = 30 h: restored at 70 h in every replication, so P(restored
    by t) is 0 before 70 h and 1 from 70 h on."""
    scenario = _scenario(RepairTime("fixed", 100.0), _down(-30.0, cause="c"))
    times = {_restored(scenario, i) for i in range(5)}
    assert times == {70.0}
    result = run_replications(scenario, replications=10)
    curve = result.demand("a-b").outlook.restoration  # type: ignore[union-attr]
    assert all(p.p == 0.0 for p in curve if p.t_h < 70.0)
    assert all(p.p == 1.0 for p in curve if p.t_h >= 70.0)


def test_known_eta_is_honoured_and_the_fault_keeps_its_start() -> None:
    scenario = _scenario(RepairTime("fixed", 100.0), _down(-5.0, eta_h=12.5))
    result = simulate(scenario)
    (record,) = result.element_outages
    assert (record.failed_at_h, record.restored_at_h, record.cause_kind) == (-5.0, 12.5, "state")
    assert restored_at_h(result.demand("a-b")) == 12.5
    # Found down, not failing now: no failover is counted at as_of.
    assert result.demand("a-b").failovers == 0


@pytest.mark.parametrize("replication", [0, 1, 2])
def test_a_restored_element_lives_on_from_its_own_streams(replication: int) -> None:
    """ab found down with ETA 12.5 h, failing at random (rate r per hour, fixed 10 h repair):
    back at 12.5 h, then up for the exponential times of its own `failure` stream (as a run
    without the state draws them), down 10 h each time, until the horizon. Its faults are
    exactly that schedule, worked out here from the stream."""
    per_year = HOURS_PER_YEAR / 400.0
    fc = FailureClass("c", "per_link", per_year, RepairTime("fixed", 10.0))
    scenario = _scenario(RepairTime("fixed", 10.0), _down(-5.0, eta_h=12.5))
    topology = replace(scenario.topology, failure_classes={"c": fc})
    scenario = replace(scenario, topology=topology, stochastic_failures=True)
    up = random.Random(f"{scenario.seed}/{replication}/link:ab/failure")
    rate_per_h = fc.failures_per_year(100.0) / HOURS_PER_YEAR
    expected = [(-5.0, 12.5)]
    t_h = 12.5
    while True:
        t_h += up.expovariate(rate_per_h)
        if t_h >= scenario.horizon_h:
            break
        back_h = t_h + 10.0
        expected.append((t_h, back_h if back_h < scenario.horizon_h else None))
        t_h = back_h
    result = simulate(scenario, replication=replication, timeline=False)
    got = [(r.failed_at_h, r.restored_at_h) for r in result.element_outages]
    assert got == expected
    assert len(expected) > 2  # the life went on after its restoration


def _covers(p_model: float, restored: list[float], t_h: float) -> bool:
    """The Wilson 95 % interval of the simulated fraction covers the model's probability."""
    p = wilson(sum(1 for r in restored if r <= t_h), len(restored))
    return p.low <= p_model <= p.high


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lognormal_residual_curve_is_the_conditional_survival(seed: int) -> None:
    """Median 30 d, p90 75 d, down 20 d already: P(restored by t) = 1 - S(e + t) / S(e) with
    S(x) = 1 - Phi((ln x - ln median) / sigma); the simulated curve's interval covers it at
    every checked t, for every seed."""
    median_h, p90_h, elapsed_h = 720.0, 1800.0, 480.0
    sigma = math.log(p90_h / median_h) / NormalDist().inv_cdf(0.9)

    def survival(x: float) -> float:
        return 1.0 - NormalDist().cdf((math.log(x) - math.log(median_h)) / sigma)

    scenario = _scenario(
        RepairTime("lognormal", median_h, p90_h), _down(-elapsed_h, cause="c"), horizon_h=8000.0
    )
    scenario = replace(scenario, seed=seed)
    restored = [_restored(scenario, i) for i in range(400)]
    for t_h in (100.0, 400.0, 1000.0, 3000.0):
        model = 1.0 - survival(elapsed_h + t_h) / survival(elapsed_h)
        assert _covers(model, restored, t_h), (t_h, model)


def test_lognormal_residual_is_not_the_unconditional_repair() -> None:
    """Fails if the elapsed time were ignored: a fresh repair follows the unconditional CDF, a
    repair 2000 h old follows its conditional curve, and the two differ by more than the
    interval (the old one's interval misses the unconditional value)."""
    median_h, p90_h = 720.0, 1800.0
    sigma = math.log(p90_h / median_h) / NormalDist().inv_cdf(0.9)
    cdf = lambda x: NormalDist().cdf((math.log(x) - math.log(median_h)) / sigma)  # noqa: E731
    fresh = _scenario(RepairTime("lognormal", median_h, p90_h), _down(0.0, cause="c"), 8000.0)
    restored = [_restored(fresh, i) for i in range(400)]
    assert _covers(cdf(400.0), restored, 400.0)
    late = _scenario(RepairTime("lognormal", median_h, p90_h), _down(-2000.0, cause="c"), 8000.0)
    restored_late = [_restored(late, i) for i in range(400)]
    conditional = 1 - (1 - cdf(2400.0)) / (1 - cdf(2000.0))
    assert _covers(conditional, restored_late, 400.0)
    assert not _covers(cdf(400.0), restored_late, 400.0)


@pytest.mark.parametrize("elapsed_h", [0.0, 50.0, 500.0])
def test_exponential_repair_is_memoryless(elapsed_h: float) -> None:
    """Exponential with median 24 h: P(restored by t) = 1 - 2^(-t / 24) whatever the time
    already spent."""
    scenario = _scenario(RepairTime("exponential", 24.0), _down(-elapsed_h, cause="c"))
    restored = [_restored(scenario, i) for i in range(400)]
    for t_h in (6.0, 24.0, 72.0):
        assert _covers(1.0 - 2.0 ** (-t_h / 24.0), restored, t_h)


def test_a_busy_unit_delays_the_repair_by_exactly_its_remaining_work() -> None:
    """Fixed repair 10 h, mobilisation 2 h, the only unit busy until 30 h: the job starts at
    30 h and the link is back at 30 + 2 + 10 = 42 h (the repair had not begun: not residual)."""
    state = State(
        "2027-01-10T00:00:00Z",
        (DownElement("link", "ab", -5.0, cause="c"),),
        (ResourceState("crew", busy_until_h=30.0),),
    )
    crew = RepairResource("crew", "crew", 1, ("KZ",), 2.0)
    scenario = _scenario(RepairTime("fixed", 10.0), state, repair_resources=(crew,))
    (record,) = simulate(scenario).element_outages
    assert (record.repair_started_at_h, record.restored_at_h) == (30.0, 42.0)
    assert record.wait_h == 35.0


def test_a_unit_on_site_continues_the_repair_it_began() -> None:
    """Fixed 10 h repair begun 4 h before as_of by the unit on site: back at 6 h."""
    state = State(
        "2027-01-10T00:00:00Z",
        (DownElement("link", "ab", -20.0, cause="c"),),
        (ResourceState("crew", job="ab", repairing_since_h=-4.0),),
    )
    crew = RepairResource("crew", "crew", 1, ("KZ",), 2.0)
    scenario = _scenario(RepairTime("fixed", 10.0), state, repair_resources=(crew,))
    (record,) = simulate(scenario).element_outages
    assert record.restored_at_h == 6.0


def test_wilson_interval_is_exact_at_the_ends() -> None:
    """0 of n: [0, z^2 / (n + z^2)]; n of n: [n / (n + z^2), 1] (Wilson 1927)."""
    z2 = 1.959963984540054**2
    assert wilson(0, 50).high == pytest.approx(z2 / (50 + z2))
    assert wilson(50, 50).low == pytest.approx(50 / (50 + z2))


def test_further_cut_risk_is_the_chance_the_backup_fails_before_the_repair() -> None:
    """a-b over two parallel links; ab1 found down with a fixed 100 h repair, ab2 fails at rate
    1/200 per hour (exponential up times). The demand is cut again before the repair exactly
    when ab2 fails within 100 h: P = 1 - exp(-100 / 200); the driver is ab2 in that share."""
    nodes = {
        "a": Node("a", "A", "KZ", "pop", 43.0, 50.0),
        "b": Node("b", "B", "KZ", "pop", 43.0, 51.0),
    }
    links = {
        "ab1": Link("ab1", "a", "b", "terrestrial", 100.0, 100.0, "held"),
        "ab2": Link("ab2", "a", "b", "terrestrial", 120.0, 100.0, "busy"),
    }
    classes = {
        "held": FailureClass("held", "per_link", 0.0, RepairTime("fixed", 100.0)),
        "busy": FailureClass("busy", "per_link", HOURS_PER_YEAR / 200.0, RepairTime("fixed", 10.0)),
    }
    state = State("2027-01-10T00:00:00Z", (DownElement("link", "ab1", -1.0, cause="held"),))
    scenario = Scenario(
        name="t",
        topology=Topology("two", nodes, links, {}, classes),
        topology_path="t.yaml",
        horizon_h=300.0,
        seed=3,
        demands=(Demand("a-b", "a", "b"),),
        default_failover=Failover("igp", 150.0, 1000.0),
        stochastic_failures=True,
        state=state,
    )
    outlook = run_replications(scenario, replications=400).demand("a-b").outlook
    assert outlook is not None
    model = 1.0 - math.exp(-100.0 / 200.0)
    assert outlook.further_cut.low <= model <= outlook.further_cut.high
    (driver,) = outlook.further_cut_drivers
    assert driver.element == "ab2" and driver.share == outlook.further_cut.p
    # Connected through ab2 at as_of: restored from the start in every replication.
    assert outlook.restoration[0].p == 1.0


# A permit (`permit_until`): two parallel links a-b, both down at as_of with a fixed repair R,
# one crew with mobilisation M, a permit at P hours after as_of for both. Nothing starts before
# P, then the crew takes them in file order: the first is back at P + M + R, the second at
# P + 2 (M + R); each record carries the shared wait from its own failure (P - since) and the
# invariant repair_started_at_h == failed_at_h + permit_wait_h + wait_h holds.
R_H, M_H, P_H = 10.0, 2.0, 100.0
AS_OF = "2024-02-24T09:46:00Z"


def _permit_scenario(down: tuple[DownElement, ...], crew: bool = True) -> Scenario:
    base = _scenario(RepairTime("fixed", R_H), State(AS_OF, down), horizon_h=1000.0)
    ab = base.topology.links["ab"]
    links = {lid: replace(ab, id=lid) for lid in ("ab1", "ab2")}
    pools = (RepairResource("crew", "crew", 1, ("KZ",), M_H),) if crew else ()
    return replace(base, topology=replace(base.topology, links=links), repair_resources=pools)


def _both(since_h: float, permit_h: float) -> tuple[DownElement, ...]:
    return tuple(DownElement("link", lid, since_h, None, "c", permit_h) for lid in ("ab1", "ab2"))


@pytest.mark.parametrize("since_h", [0.0, -30.0])
def test_one_permit_then_the_crew_in_file_order(since_h: float) -> None:
    result = simulate(_permit_scenario(_both(since_h, P_H)))
    records = {r.element: r for r in result.element_outages}
    assert records["ab1"].restored_at_h == pytest.approx(P_H + M_H + R_H)
    assert records["ab2"].restored_at_h == pytest.approx(P_H + 2 * (M_H + R_H))
    for r in records.values():
        assert r.permit_wait_h == pytest.approx(P_H - since_h)
        assert r.repair_started_at_h == pytest.approx(r.failed_at_h + r.permit_wait_h + r.wait_h)
    assert records["ab2"].wait_h == pytest.approx(M_H + R_H)


def test_without_a_pool_each_repairs_alone_after_the_permit() -> None:
    result = simulate(_permit_scenario(_both(-30.0, P_H), crew=False))
    assert {r.restored_at_h for r in result.element_outages} == {P_H + R_H}


def test_a_state_written_mid_permit_keeps_the_permit() -> None:
    scenario = _permit_scenario(_both(0.0, P_H))
    result = simulate(scenario)
    state = state_at(scenario, result, 40.0)
    assert [d.permit_until_h for d in state.down] == [P_H - 40.0, P_H - 40.0]
    text = state_document(state, AS_OF, 40.0, "t.yaml", "mid-permit")
    assert "permit_until: 2024-02-28T13:46:00Z" in text  # as_of + 100 h = 4 d 4 h
