"""The conditional (rare-event) estimator against exact transient availability, across seeds.

Every network here has independent components with exponential up-times (rate λ) and
exponential repairs (rate μ) and no repair queue, so each component, up at time 0, is up at
time t with probability

    A(t) = μ / (λ + μ) + λ / (λ + μ) · exp(-(λ + μ) t)

and a demand's availability at t is its structure function, a polynomial in the A_i(t). The
simulation reports the *time-average* over the horizon T, whose expectation is
(1 / T) ∫_0^T structure(A(t)) dt: exact below, because a polynomial in sums of exponentials is
a sum of exponentials (`_Exp`), each integrated in closed form. No steady-state approximation
is involved, so a short horizon is as exact as a long one.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from twin.model import (
    Demand,
    Failover,
    FailureClass,
    Link,
    Node,
    RepairTime,
    Scenario,
    Srlg,
    Topology,
)
from twin.montecarlo import run_replications
from twin.sim.repair_integrals import RepairLaw, expected_min, integrated_min
from twin.units import HOURS_PER_YEAR

HORIZON_H = HOURS_PER_YEAR  # one year: short runs, the closed form is exact at any horizon


@dataclass(frozen=True)
class _Exp:
    """A sum of exponentials Σ c_k exp(-r_k t), as {r_k: c_k}."""

    terms: tuple[tuple[float, float], ...]

    @staticmethod
    def of(pairs: dict[float, float]) -> _Exp:
        return _Exp(tuple(sorted(pairs.items())))

    def __add__(self, other: _Exp) -> _Exp:
        out = dict(self.terms)
        for r, c in other.terms:
            out[r] = out.get(r, 0.0) + c
        return _Exp.of(out)

    def __mul__(self, other: _Exp) -> _Exp:
        out: dict[float, float] = {}
        for r1, c1 in self.terms:
            for r2, c2 in other.terms:
                out[r1 + r2] = out.get(r1 + r2, 0.0) + c1 * c2
        return _Exp.of(out)

    def complement(self) -> _Exp:
        return _Exp.of({0.0: 1.0}) + _Exp.of({r: -c for r, c in self.terms})

    def time_average(self, horizon_h: float) -> float:
        total = 0.0
        for r, c in self.terms:
            total += c * (horizon_h if r == 0.0 else -math.expm1(-r * horizon_h) / r)
        return total / horizon_h


def _up(rate_per_year: float, mean_repair_h: float) -> _Exp:
    """A(t) of one component, up at time 0."""
    lam, mu = rate_per_year / HOURS_PER_YEAR, 1.0 / mean_repair_h
    return _Exp.of({0.0: mu / (lam + mu), lam + mu: lam / (lam + mu)})


def _parallel(*parts: _Exp) -> _Exp:
    down = _Exp.of({0.0: 1.0})
    for part in parts:
        down = down * part.complement()
    return down.complement()


def _series(*parts: _Exp) -> _Exp:
    up = _Exp.of({0.0: 1.0})
    for part in parts:
        up = up * part
    return up


# (link id, a, b, failures per year, mean repair h, SRLGs)
Spec = tuple[str, str, str, float, float, tuple[str, ...]]


def _scenario(links: list[Spec], srlgs: dict[str, tuple[float, float]]) -> Scenario:
    """Components with exponential failures and repairs, no repair pools, one demand s -> t."""
    classes: dict[str, FailureClass] = {}
    topo_links: dict[str, Link] = {}
    nodes: dict[str, Node] = {}
    for lid, a, b, rate, repair_h, groups in links:
        classes[lid] = FailureClass(
            lid, "per_link", rate, RepairTime("exponential", repair_h * math.log(2))
        )
        topo_links[lid] = Link(lid, a, b, "terrestrial", 100.0, 10.0, lid, srlgs=groups)
        for n in (a, b):
            nodes.setdefault(n, Node(n, n, "KZ", "pop", 43.0, 50.0 + len(nodes)))
    groups_model = {}
    for gid, (rate, repair_h) in srlgs.items():
        classes[gid] = FailureClass(
            gid, "per_link", rate, RepairTime("exponential", repair_h * math.log(2))
        )
        groups_model[gid] = Srlg(gid, failure_class=gid)
    topo = Topology("t", nodes, topo_links, groups_model, classes)
    return Scenario(
        name="rare",
        topology=topo,
        topology_path="t.yaml",
        horizon_h=HORIZON_H,
        seed=1,
        demands=(Demand("d", "s", "t", 1.0),),
        stochastic_failures=True,
        default_failover=Failover("protection", 0.0, 0.0),
    )


def _series_case() -> tuple[Scenario, float]:
    scenario = _scenario([("e1", "s", "x", 3.0, 4.0, ()), ("e2", "x", "t", 2.0, 6.0, ())], {})
    return scenario, _series(_up(3.0, 4.0), _up(2.0, 6.0)).time_average(HORIZON_H)


def _parallel_case() -> tuple[Scenario, float]:
    scenario = _scenario([("e1", "s", "t", 6.0, 12.0, ()), ("e2", "s", "t", 4.0, 20.0, ())], {})
    return scenario, _parallel(_up(6.0, 12.0), _up(4.0, 20.0)).time_average(HORIZON_H)


def _bridge_case() -> tuple[Scenario, float]:
    """Pivot on the bridge link e5: up, the ends connect through {e1|e2} then {e3|e4}; down,
    through e1-e3 or e2-e4."""
    rates = {"e1": (5.0, 10.0), "e2": (4.0, 12.0), "e3": (6.0, 8.0), "e4": (3.0, 16.0)}
    rates["e5"] = (8.0, 6.0)
    ends = {"e1": ("s", "a"), "e2": ("s", "b"), "e3": ("a", "t"), "e4": ("b", "t")}
    ends["e5"] = ("a", "b")
    links: list[Spec] = [(k, *ends[k], *rates[k], ()) for k in sorted(rates)]
    a = {k: _up(*v) for k, v in rates.items()}
    bridged = _series(_parallel(a["e1"], a["e2"]), _parallel(a["e3"], a["e4"]))
    split = _parallel(_series(a["e1"], a["e3"]), _series(a["e2"], a["e4"]))
    exact = a["e5"] * bridged + a["e5"].complement() * split
    return _scenario(links, {}), exact.time_average(HORIZON_H)


def _srlg_case() -> tuple[Scenario, float]:
    """Two parallel links sharing a duct (an SRLG with a failure class of its own)."""
    links: list[Spec] = [
        ("e1", "s", "t", 6.0, 12.0, ("duct",)),
        ("e2", "s", "t", 5.0, 10.0, ("duct",)),
    ]
    exact = _up(1.0, 24.0) * _parallel(_up(6.0, 12.0), _up(5.0, 10.0))
    return _scenario(links, {"duct": (1.0, 24.0)}), exact.time_average(HORIZON_H)


def _six_nines_case() -> tuple[Scenario, float]:
    """Two parallel links, each down ~4.6e-4 of the time: the demand ~2e-7."""
    scenario = _scenario([("e1", "s", "t", 2.0, 2.0, ()), ("e2", "s", "t", 2.0, 2.0, ())], {})
    return scenario, _parallel(_up(2.0, 2.0), _up(2.0, 2.0)).time_average(HORIZON_H)


CASES: dict[str, Callable[[], tuple[Scenario, float]]] = {
    "series": _series_case,
    "parallel": _parallel_case,
    "bridge": _bridge_case,
    "srlg": _srlg_case,
    "six-nines": _six_nines_case,
}
SEEDS = 40
REPLICATIONS = 20


def test_the_six_nines_case_is_below_one_in_a_million() -> None:
    _, exact = _six_nines_case()
    assert 0.0 < 1.0 - exact < 1e-6


def test_accelerated_intervals_cover_the_exact_availability_across_seeds() -> None:
    """Over 40 seeds per network, the conditional estimator's 95 % intervals must cover the
    exact time-averaged availability at least 93 % of the time (the issue's bar).

    Acceptance, binomial: the 200 intervals (5 networks x 40 seeds) are independent, so with
    a true coverage of 95 % the misses are Binomial(200, 0.05). The test asks for at most 14
    misses in all (>= 93 % covered), and at most 5 of 40 in any one network: a correct
    estimator passes the pooled bound with probability 0.92 and each per-network bound with
    0.986, while one that truly covers 90 % passes the pooled bound with probability 0.09.
    The seeds are fixed, so the outcome is deterministic; these figures say a pass is not
    luck and a failure is not noise.
    """
    misses: dict[str, int] = {}
    for name, build in CASES.items():
        scenario, exact = build()
        missed = 0
        for seed in range(SEEDS):
            result = run_replications(
                scenario, replications=REPLICATIONS, seed=seed, rare_events="on"
            )
            stats = result.demand("d")
            assert stats.estimator == "conditional"
            missed += not (stats.availability.low <= exact <= stats.availability.high)
        misses[name] = missed
    assert sum(misses.values()) <= 14, misses
    assert max(misses.values()) <= 5, misses


def test_the_six_nines_interval_is_tight_where_plain_sampling_sees_nothing() -> None:
    """Plain sampling of a 2e-7 demand over 20 one-year runs almost surely sees no outage
    (expected downtime 7 s in all); the conditional interval brackets the exact value and is
    within ±50 % of it."""
    scenario, exact = _six_nines_case()
    plain = run_replications(scenario, replications=20, seed=3, rare_events="off")
    fast = run_replications(scenario, replications=20, seed=3, rare_events="on")
    assert plain.demand("d").estimator == "plain"
    interval = fast.demand("d").availability
    down = 1.0 - exact
    assert interval.low <= exact <= interval.high
    assert interval.half_width < 0.5 * down


def test_auto_uses_the_conditional_estimator_for_rare_demands_only() -> None:
    """auto keeps conditional for a demand whose pilot unavailability is below 1e-2 and plain
    for one that is down more often (a series pair with ~0.3 unavailability)."""
    rare, _ = _six_nines_case()
    often = _scenario([("e1", "s", "t", 300.0, 10.0, ())], {})
    assert run_replications(rare, replications=12).demand("d").estimator == "conditional"
    assert run_replications(often, replications=12).demand("d").estimator == "plain"
    assert run_replications(rare, replications=12).rare_events == "auto"


def test_scenario_setting_is_the_default_and_the_argument_wins() -> None:
    scenario, _ = _six_nines_case()
    off = replace(scenario, rare_events="off")
    assert run_replications(off, replications=10).demand("d").estimator == "plain"
    forced = run_replications(off, replications=10, rare_events="on")
    assert forced.demand("d").estimator == "conditional"


def test_a_seasonal_calendar_switches_the_conditional_estimator_off() -> None:
    """The estimator integrates constant rates: with a start date and seasonal factors the
    rate varies, so even a forced `on` must fall back to plain sampling (unbiased)."""
    scenario, _ = _six_nines_case()
    classes = {
        cid: replace(fc, seasonal=(12.0,) + (1.0,) * 11)
        for cid, fc in scenario.topology.failure_classes.items()
    }
    dated = replace(
        scenario,
        topology=replace(scenario.topology, failure_classes=classes),
        start=datetime(2027, 1, 1, tzinfo=UTC),
    )
    result = run_replications(dated, replications=10, rare_events="on")
    assert result.rare_events == "off"
    assert result.demand("d").estimator == "plain"
    # Without the start date the same factors are inert and the forced mode stands.
    undated = replace(dated, start=None)
    assert run_replications(undated, replications=10, rare_events="on").rare_events == "on"


def test_same_seed_gives_identical_results_for_one_and_two_workers() -> None:
    scenario, _ = _bridge_case()
    one = run_replications(scenario, replications=12, rare_events="auto", workers=1)
    two = run_replications(scenario, replications=12, rare_events="auto", workers=2)
    assert json.dumps(one.to_dict(), sort_keys=True) == json.dumps(two.to_dict(), sort_keys=True)


def test_traffic_survivability_figures_follow_from_downtime() -> None:
    """One 1 Gbit/s demand that only goes down (no detour, no loss windows): Gbit lost per year
    is 3600 x hours down per year, and it is never over an RTT budget it does not have."""
    scenario, exact = _series_case()
    result = run_replications(scenario, replications=10, rare_events="on")
    d = result.demand("d")
    assert d.traffic_lost_gbit_per_year is not None and d.over_rtt_share is not None
    down_h_per_year = (1.0 - d.availability.mean) * HOURS_PER_YEAR
    assert d.traffic_lost_gbit_per_year.mean == pytest.approx(3600.0 * down_h_per_year)
    assert d.over_rtt_share.mean == 0.0
    assert result.total_traffic_lost_gbit_per_year is not None
    assert result.total_traffic_lost_gbit_per_year.mean == pytest.approx(
        d.traffic_lost_gbit_per_year.mean
    )
    assert 1.0 - exact > 0


def _numeric(f: Callable[[float], float], a: float, b: float, steps: int = 20000) -> float:
    """Composite Simpson's rule (steps even)."""
    h = (b - a) / steps
    total = f(a) + f(b)
    for i in range(1, steps):
        total += (4 if i % 2 else 2) * f(a + i * h)
    return total * h / 3.0


@pytest.mark.parametrize(
    "repair",
    [
        RepairTime("fixed", 10.0),
        RepairTime("exponential", 7.0),
        RepairTime("lognormal", 12.0, 36.0),
    ],
)
def test_repair_integrals_match_their_definitions(repair: RepairTime) -> None:
    """E[min(m + R, y)] = m + ∫_0^(y-m) P(R > r) dr, and K(y) its integral from 0 to y."""
    law = RepairLaw.of(repair)
    m = 2.0
    if repair.kind == "fixed":

        def survival(r: float) -> float:
            return 1.0 if r < repair.median_h else 0.0
    elif repair.kind == "exponential":

        def survival(r: float) -> float:
            return math.exp(-r / repair.mean_h)
    else:
        sigma = repair.sigma

        def survival(r: float) -> float:
            if r <= 0:
                return 1.0
            x = (math.log(r) - math.log(repair.median_h)) / sigma
            return 0.5 * math.erfc(x / math.sqrt(2.0))

    for y in (1.0, 5.0, 30.0, 200.0):
        if repair.kind == "fixed":  # a step survival: integrate it by hand
            expected = min(m + repair.median_h, y)
        else:
            expected = y if y <= m else m + _numeric(survival, 0.0, y - m)
        assert expected_min(law, m, y) == pytest.approx(expected, rel=1e-6, abs=1e-9)
        integral = _numeric(lambda u: expected_min(law, m, u), 0.0, y, 2000)
        assert integrated_min(law, m, y) == pytest.approx(integral, rel=1e-5)


def test_shared_integral_values_are_kept_per_candidate() -> None:
    """The second level keeps `integrated_min` values in one table for all candidates: each
    value must be that candidate's own (its law and mobilisation), never another's with the
    same argument, and the integral over [t0, t1) must be K(end - t0) - K(end - t1)."""
    from twin.sim.rare import Candidate, _expected_integral

    slow = Candidate(
        0, frozenset({"a"}), 1e-3, RepairLaw.of(RepairTime("lognormal", 24.0, 96.0)), None, 6.0
    )
    fast = Candidate(
        1, frozenset({"b"}), 1e-3, RepairLaw.of(RepairTime("exponential", 2.0)), 0, 0.5
    )
    known: dict[tuple[int, float], float] = {}
    for cand in (slow, fast, slow, fast):
        m = cand.mobilisation_h
        for start_h, end_h, t0, t1 in ((-math.inf, 50.0, 0.0, 10.0), (5.0, 50.0, 0.0, 10.0)):
            cached = _expected_integral(cand, start_h, end_h, t0, t1, known)
            assert cached == _expected_integral(cand, start_h, end_h, t0, t1)
        exact = integrated_min(cand.repair, m, 50.0) - integrated_min(cand.repair, m, 40.0)
        assert _expected_integral(cand, -math.inf, 50.0, 0.0, 10.0, known) == exact
    assert {key[0] for key in known} == {0, 1}


@pytest.mark.parametrize("build", [_parallel_case, _bridge_case], ids=["parallel", "bridge"])
def test_the_third_level_is_unbiased_and_a_missing_term_is_caught(
    build: Callable[[], tuple[Scenario, float]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third level (`twin.sim.rare.RareEstimator._third_level`) adds ∫ λ·E_R[G] over the
    time no single failure changes the demand and subtracts G at each failure there. Pooled
    over 200 one-year replications its mean must lie within 4 standard errors of the exact
    unavailability (a correct estimator fails this with probability below 1e-4). Without the
    subtraction at failures the one-away episodes count twice — once as they happen, once in
    the integral — and the same check must fail: the test can tell a wrong term."""
    from twin.montecarlo import t95
    from twin.sim.rare import RareEstimator

    scenario, exact = build()

    def z_score() -> float:
        result = run_replications(scenario, replications=200, seed=11, rare_events="on")
        interval = result.demand("d").availability
        standard_error = interval.half_width / t95(interval.n - 1)
        return (interval.mean - exact) / standard_error

    assert abs(z_score()) <= 4.0
    monkeypatch.setattr(RareEstimator, "_third_level_failure", lambda self, *args: None)
    assert abs(z_score()) > 4.0


def test_third_level_strata_tile_the_unit_interval_and_narrow_toward_the_tail() -> None:
    from twin.sim.rare import third_level_strata

    strata = third_level_strata(16)
    assert len(strata) == 16
    assert strata[0][0] == 0.0 and strata[-1][1] == 1.0
    assert all(a[1] == b[0] for a, b in itertools.pairwise(strata))
    widths = [high - low for low, high in strata]
    assert math.fsum(widths) == pytest.approx(1.0, abs=1e-15)
    assert all(w1 >= w2 for w1, w2 in itertools.pairwise(widths))
    with pytest.raises(ValueError, match="3 to 40"):
        third_level_strata(41)
