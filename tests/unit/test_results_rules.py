"""Rules defined once: SLA accounting, the Monte Carlo verdict and failure ranking.

Each rule is one function in `twin.results`; these tests pin the rule itself, then check that
every place that shows it (engine, terminal, HTML, `twin report`, `twin check`) agrees.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from test_report_view import small_scenario

from twin.analysis.checks import CheckOptions, evaluate_scenario
from twin.analysis.contingency import contingency
from twin.cli.app import main
from twin.model import Assertion
from twin.report.html_contingency import render_contingency_html
from twin.report.html_montecarlo import render_montecarlo_html
from twin.report.terminal_contingency import print_contingency
from twin.report.terminal_mc import print_mc_summary
from twin.results.contingency import ContingencyResult, FailureImpact, worst_first
from twin.results.montecarlo import DemandStats, Interval, MonteCarloResult, sla_verdict
from twin.results.sla import Verdict, holds, judge
from twin.sim import simulate

TARGET = 0.999


@pytest.mark.parametrize(
    ("low", "high", "target", "verdict"),
    [
        (0.999, 0.9995, TARGET, Verdict.HELD),  # touching the target from above holds
        (0.9995, 0.9995, TARGET, Verdict.HELD),  # a single run's value
        (0.998, 0.998, TARGET, Verdict.MISSED),
        (0.990, 0.99899, TARGET, Verdict.MISSED),
        (0.998, TARGET, TARGET, Verdict.UNDECIDED),  # the target is inside the range
        (0.998, 1.0, TARGET, Verdict.UNDECIDED),
        (0.5, 0.6, None, Verdict.NO_SLA),
    ],
)
def test_the_sla_rule(low: float, high: float, target: float | None, verdict: Verdict) -> None:
    assert judge(low, high, target) is verdict
    if low == high:
        assert holds(low, target) is (verdict in (Verdict.HELD, Verdict.NO_SLA))


def test_an_undefined_interval_decides_nothing_whatever_its_mean() -> None:
    inf = float("inf")
    assert sla_verdict(Interval(0.99999, -inf, inf, 1), TARGET) is Verdict.UNDECIDED


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_engine_accounts_single_runs_by_the_rule(seed: int) -> None:
    scenario = small_scenario()
    for demand in simulate(scenario, seed=seed).demands:
        assert demand.sla_held is holds(demand.sla_availability, demand.sla_availability_target)


def test_the_engine_asks_the_rule_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a copy that agrees today: a different rule changes the engine's verdicts."""
    import twin.sim.observer

    monkeypatch.setattr(twin.sim.observer, "judge", lambda low, high, target: Verdict.MISSED)
    demands = simulate(small_scenario(), seed=1).demands
    assert demands and not any(d.sla_held for d in demands)


def _interval(mean: float, low: float, high: float) -> Interval:
    return Interval(mean, low, high, 30)


def _montecarlo() -> MonteCarloResult:
    cases = {
        "held": (0.9995, 0.9991, 0.9999),
        "missed": (0.998, 0.997, 0.9989),
        "undecided": (0.9991, 0.9985, 0.9997),
    }
    flat = _interval(10.0, 8.0, 12.0)
    demands = [
        DemandStats(did, _interval(*i), _interval(*i), flat, flat, flat, TARGET)
        for did, i in cases.items()
    ]
    demands.append(DemandStats("none", flat, _interval(0.5, 0.4, 0.6), flat, flat, flat, None))
    return MonteCarloResult("s", 1, 30, tuple(demands))


def test_every_montecarlo_view_gives_the_verdict_of_the_rule(tmp_path: Path) -> None:
    result = _montecarlo()
    expected = {
        d.id: judge(d.sla_availability.low, d.sla_availability.high, d.sla_target)
        for d in result.demands
    }
    assert list(expected.values()) == list(Verdict)  # every verdict is exercised
    console = Console(record=True, width=240)
    print_mc_summary(console, result)
    words = {
        Verdict.HELD: "meets",
        Verdict.MISSED: "misses",
        Verdict.UNDECIDED: "undecided",
        Verdict.NO_SLA: "-",
    }
    cells = [line.split("│") for line in console.export_text().splitlines() if "│" in line]
    shown = {row[1].strip(): row[-2].strip() for row in cells if row[1].strip() in expected}
    assert shown.keys() == expected.keys()
    for did, verdict in expected.items():
        assert shown[did].startswith(words[verdict])
    html = render_montecarlo_html(result)
    rows = re.findall(r'<tr class="status-([a-z-]+)" data-demand="([^"]+)"', html)
    css = {did: cls for cls, did in rows}
    assert css == {"held": "held", "missed": "missed", "undecided": "no-sla", "none": "no-sla"}
    results = tmp_path / "mc.json"
    results.write_text(json.dumps(result.to_dict()))
    summary = tmp_path / "summary.json"
    assert (
        main(["report", str(results), "-o", str(tmp_path / "mc.html"), "--json", str(summary)]) == 0
    )
    statuses = {r["id"]: r["status"] for r in json.loads(summary.read_text())["demands"]}
    assert statuses == {did: str(v) for did, v in expected.items()}


def test_twin_check_passes_exactly_what_the_rule_holds() -> None:
    scenario = small_scenario()
    for low, high in itertools.product((0.9985, TARGET, 0.9995), repeat=2):
        if low > high:
            continue
        check = Assertion("sla_availability", "fra-ala", {"method": "montecarlo", "min": TARGET})
        options = CheckOptions(
            replications=30, montecarlo=lambda _s, _d, lo=low, hi=high: ((lo + hi) / 2, lo, hi)
        )
        (outcome,) = evaluate_scenario(replace(scenario, checks=(check,)), options)
        assert outcome.passed is (judge(low, high, TARGET) is Verdict.HELD)


def _impact(label: str, unrouted: float, cut: int, over: int, util: float) -> FailureImpact:
    return FailureImpact(
        label,
        (label,),
        tuple(f"d{i}" for i in range(cut)),
        tuple(f"r{i}" for i in range(over)),
        {},
        util,
        "x",
        (),
        unrouted,
        0,
    )


def test_failure_ranking_weighs_lost_traffic_then_cuts_then_rtt_breaches_then_load() -> None:
    impacts = [
        _impact("load", 0.0, 0, 0, 1.4),
        _impact("rtt", 0.0, 0, 2, 0.2),
        _impact("cut", 0.0, 1, 0, 0.1),
        _impact("lost", 5.0, 0, 0, 0.1),
        _impact("cut2", 0.0, 2, 0, 0.1),
        _impact("rtt-loaded", 0.0, 0, 2, 0.9),
    ]
    order = [f.label for f in worst_first(impacts)]
    assert order == ["lost", "cut2", "cut", "rtt-loaded", "rtt", "load"]


def test_html_report_and_twin_contingency_rank_failures_identically() -> None:
    scenario = small_scenario(max_rtt_ms=60.0)
    result = contingency(scenario.topology, scenario.demands, mode="n-2")
    written = ContingencyResult.from_dict(json.loads(json.dumps(result.to_dict())))
    order = [f.label for f in result.worst(len(result.failures))]
    assert order == [f.label for f in written.worst(len(written.failures))]
    assert result.to_dict()["worst"] == order[:10]
    html = render_contingency_html(written, scenario.topology)
    table = html[html.index('id="all-failures"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r'<tr class="impact-[a-z-]+"><td>([^<]+)</td>', table) == order
    console = Console(record=True, width=400)
    print_contingency(console, result, top=len(result.failures))
    shown = [
        line.split("│")[1].strip()
        for line in console.export_text().splitlines()
        if line.startswith("│ ") and line.split("│")[1].strip()
    ]
    assert shown == order
