"""Monte Carlo replications against mathematics, and reproducibility across executors."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from twin import student_t
from twin.analysis.availability import demand_availability
from twin.errors import InputError
from twin.loading import load_scenario
from twin.model import Demand, Failover, FailureClass, Link, Node, RepairTime, Scenario, Topology
from twin.montecarlo import interval_of, run_replications, t95
from twin.units import HOURS_PER_YEAR

HORIZON_H = 20 * HOURS_PER_YEAR


def _scenario(edges: list[tuple[str, str, str, float]], source: str, dest: str) -> Scenario:
    """Links with exponential failures (rate per year) and exponential repairs (mean 100 h)."""
    classes = {}
    links = {}
    nodes = {}
    for lid, a, b, rate in edges:
        classes[lid] = FailureClass(
            lid, "per_link", rate, RepairTime("exponential", 100.0 * math.log(2))
        )
        links[lid] = Link(lid, a, b, "terrestrial", 100.0, 10.0, lid)
        for n in (a, b):
            nodes.setdefault(n, Node(n, n, "KZ", "pop", 43.0, 50.0 + len(nodes)))
    topo = Topology("t", nodes, links, {}, classes)
    return Scenario(
        name="mc",
        topology=topo,
        topology_path="t.yaml",
        horizon_h=HORIZON_H,
        seed=42,
        demands=(Demand("d", source, dest, 1.0),),
        stochastic_failures=True,
        default_failover=Failover("protection", 0.0, 0.0),
    )


CASES = {
    "series": ([("e1", "s", "x", 4.0), ("e2", "x", "t", 6.0)], "s", "t"),
    "parallel": ([("e1", "s", "t", 20.0), ("e2", "s", "t", 30.0)], "s", "t"),
    "bridge": (
        [
            ("e1", "s", "a", 10.0),
            ("e2", "s", "b", 15.0),
            ("e3", "a", "t", 20.0),
            ("e4", "b", "t", 10.0),
            ("e5", "a", "b", 25.0),
        ],
        "s",
        "t",
    ),
    "ring": ([(f"e{i}", f"v{i}", f"v{(i + 1) % 5}", 15.0) for i in range(5)], "v0", "v2"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_interval_contains_the_analytic_availability(name: str) -> None:
    """A 99.9 % interval over 30 replications of 20 years must contain the exact value.

    Wider than the reported 95 % interval on purpose: one seed per case and four cases would
    give a 95 % interval a one-in-five chance of missing somewhere by luck alone (any change of
    random streams re-rolls it); at 99.9 % a miss is a defect. That the 95 % intervals cover
    95 % of the time is tested across seeds below.

    It would fail if the engine biased the repair sampler (e.g. used the median as the mean:
    ~30 % too short repairs), forgot an overlapping fault when two links are down together,
    weighted measures by events instead of time, or made replications dependent (too narrow).
    The analytic side is checked against hand formulas in test_availability_formulas.py.
    """
    edges, s, t = CASES[name]
    scenario = _scenario(edges, s, t)
    exact = demand_availability(scenario.topology, s, t).value
    result = run_replications(scenario, replications=30)
    interval = result.demand("d").availability
    half_999 = interval.half_width * student_t.quantile(0.9995, 29) / t95(29)
    assert abs(interval.mean - exact) <= half_999, (name, exact, interval)
    # Informative: the interval is narrower than the unavailability itself.
    assert interval.half_width < (1.0 - exact)


def test_coverage_over_independent_seeds() -> None:
    """Across 40 seeds the 95 % interval should miss the true value about twice; seeing 8 or
    more misses has probability < 0.1 % if the intervals are right (binomial 40, 0.05)."""
    edges, s, t = CASES["series"]
    scenario = replace(_scenario(edges, s, t), horizon_h=5 * HOURS_PER_YEAR)
    exact = demand_availability(scenario.topology, s, t).value
    misses = 0
    for seed in range(40):
        interval = run_replications(scenario, replications=10, seed=seed).demand("d").availability
        misses += not (interval.low <= exact <= interval.high)
    assert misses < 8


def _dump(result: object) -> str:
    return json.dumps(result.to_dict(), sort_keys=True)  # type: ignore[attr-defined]


def test_results_identical_for_1_and_2_worker_processes() -> None:
    edges, s, t = CASES["bridge"]
    scenario = _scenario(edges, s, t)
    one = run_replications(scenario, replications=6, workers=1)
    two = run_replications(scenario, replications=6, workers=2)
    assert _dump(one) == _dump(two)


def test_results_identical_on_a_dask_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    edges, s, t = CASES["bridge"]
    scenario = _scenario(edges, s, t)
    local = run_replications(scenario, replications=4)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = run_replications(scenario, replications=4, scheduler=cluster.scheduler_address)
    assert _dump(local) == _dump(remote)


def test_precision_rule_stops_when_reached_and_reports_it() -> None:
    edges, s, t = CASES["series"]
    scenario = _scenario(edges, s, t)
    result = run_replications(scenario, precision=0.05, max_replications=400, batch_size=8)
    d = result.demand("d")
    assert result.precision_reached is True
    assert d.availability.half_width <= 0.05 * (1.0 - d.availability.mean)
    assert result.replications % 8 == 0  # whole batches only: independent of timing
    capped = run_replications(scenario, precision=1e-6, max_replications=16)
    assert capped.precision_reached is False and capped.replications == 16
    assert capped.notes


def test_interrupt_returns_the_completed_prefix_marked_partial() -> None:
    edges, s, t = CASES["series"]
    scenario = _scenario(edges, s, t)

    def stop_after_three(done: int, _worst: float) -> None:
        if done == 3:
            raise KeyboardInterrupt

    result = run_replications(scenario, replications=10, progress=stop_after_three)
    assert result.partial and result.reason == "interrupted"
    assert result.replications == 3
    full = run_replications(scenario, replications=3)
    assert result.demand("d").availability == full.demand("d").availability


def test_student_t_interval() -> None:
    interval = interval_of([1.0, 2.0, 3.0])
    assert interval.mean == 2.0
    assert interval.half_width == pytest.approx(t95(2) * 1.0 / math.sqrt(3))


def _two_demand_scenario() -> Scenario:
    """`often` rides a link failing 20 times a year, `rare` one failing once in 10 years.

    Over 20-year replications `often` sees ~400 faults each (downtime's coefficient of variation
    sqrt(2 / 400) with exponential repairs), so its unavailability is known to well under ±10 %
    after one batch of 8. `rare` sees 2 faults per replication on average (coefficient of
    variation 1), so its relative 95 % interval is about ±2 / sqrt(n): ±29 % after 48
    replications, far from ±10 %. The chance that `rare` is never down in the first batch of 8
    (which would exempt it from the rule, see `_precise_enough`) is e^-16. These figures are
    plain sampling's: the tests of the precision rule run with rare_events="off" (the
    conditional estimator would know `rare` to ±10 % at once, see test_rare_events.py).
    """
    base = _scenario([("e1", "s", "t", 20.0), ("e2", "s", "u", 0.1)], "s", "t")
    return replace(base, demands=(Demand("often", "s", "t", 1.0), Demand("rare", "s", "u", 1.0)))


def test_precision_rule_watches_only_the_demands_asked_for() -> None:
    scenario = _two_demand_scenario()
    watched = run_replications(
        scenario, precision=0.1, max_replications=48, watch=["often"], rare_events="off"
    )
    assert watched.precision_reached is True and watched.replications < 48
    assert watched.precision_demands == ("often",)
    assert watched.demand("often").relative_precision() <= 0.1
    everyone = run_replications(scenario, precision=0.1, max_replications=48, rare_events="off")
    assert everyone.precision_reached is False and everyone.replications == 48
    assert everyone.precision_demands == ("often", "rare")
    assert everyone.notes == (
        "precision 0.1 not reached within the cap of 48 replications (max_replications)",
    )
    assert everyone.to_dict()["precision_demands"] == ["often", "rare"]


def test_replications_cap_the_precision_rule_and_the_note_says_so() -> None:
    capped = run_replications(
        _two_demand_scenario(), replications=16, precision=0.1, rare_events="off"
    )
    assert capped.replications == 16 and capped.precision_reached is False
    assert capped.notes == ("precision 0.1 not reached within the 16 replications asked for",)


@pytest.mark.parametrize(
    ("options", "option", "words"),
    [
        ({"replications": 0}, "replications", "at least 1"),
        ({"precision": 0.0}, "precision", "positive"),
        ({"precision": -0.1}, "precision", "positive"),
        ({"precision": math.nan}, "precision", "positive"),
        ({"precision": math.inf}, "precision", "positive"),
        ({"precision": 0.1, "max_replications": 0}, "max_replications", "at least 1"),
        ({"replications": 2, "workers": 0}, "workers", "at least 1"),
        ({"precision": 0.1, "watch": ["nope"]}, "watch", "no demand 'nope'"),
        ({"replications": 2, "watch": ["often"]}, "watch", "precision rule"),
    ],
)
def test_meaningless_options_are_input_errors(
    options: dict[str, Any], option: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        run_replications(_two_demand_scenario(), **options)
    problem = caught.value.problems[0]
    # A parameter's problem is named as the parameter (the CLI shows it as its option).
    assert problem.path == option and words in problem.rendered().message
    assert problem.parameter == option
    assert "--" not in str(caught.value)  # a notebook reads parameters, not options


def test_unreachable_dask_scheduler_is_bad_input_not_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    import twin.montecarlo as mc

    monkeypatch.setattr(mc, "DASK_CONNECT_TIMEOUT_S", 1.0)  # port 1: nothing listens there
    with pytest.raises(
        InputError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:1"
    ):
        run_replications(_two_demand_scenario(), replications=2, scheduler="tcp://127.0.0.1:1")


def test_downtime_causes_share_follows_the_failure_rates() -> None:
    """Series s-x-t: e2 fails 6 times a year, e1 4, both repaired in 100 h on average.

    Each outage is caused by whichever link broke the path first, and faults of the two links
    rarely overlap (about 1 % of the time), so the shares of downtime tend to the shares of
    the failure rates, 0.6 and 0.4; 30 x 20 years give ~6,000 outages, a share's standard error
    is about 0.01, so ±0.05 fails only on a mis-attribution.
    """
    edges, s, t = CASES["series"]
    result = run_replications(_scenario(edges, s, t), replications=30)
    causes = result.demand("d").downtime_causes
    assert [c[0] for c in causes] == ["e2", "e1"]
    assert causes[0][1] == pytest.approx(0.6, abs=0.05)
    assert causes[0][1] + causes[1][1] == pytest.approx(1.0)
    assert result.to_dict()["demands"][0]["downtime_causes"][0]["cause"] == "e2"


def test_results_record_their_inputs_and_hashes() -> None:
    root = Path(__file__).resolve().parents[2]
    scenario = load_scenario(root / "scenarios" / "trans-caspian-cut.yaml")
    data = run_replications(scenario, replications=2).to_dict()
    topology_file = root / "topologies" / "silk-road-2026-calibrated.yaml"
    assert Path(data["topology_path"]).resolve() == topology_file.resolve()
    assert data["topology_sha256"] == hashlib.sha256(topology_file.read_bytes()).hexdigest()
    scenario_file = root / "scenarios" / "trans-caspian-cut.yaml"
    assert data["scenario_sha256"] == hashlib.sha256(scenario_file.read_bytes()).hexdigest()
    assert data["topology"] == scenario.topology.name and data["horizon_h"] == scenario.horizon_h
    assert data["precision_target"] is None and data["precision_demands"] == []
    # Per-link means per simulated year: the cut TCFO is down in both replications.
    links = {row["id"]: row for row in data["links"]}
    assert set(links) == set(scenario.topology.links)
    assert links["tcfo"]["failures_per_year"] > 0
