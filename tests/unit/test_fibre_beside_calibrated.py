"""Physics first (issue 16): wherever a calibrated RTT is shown, its fibre RTT stands beside it.

The shipped calibrated corridor adds a fitted overhead to paths between its `west` countries
(Frankfurt-Baku among them). Each expectation is derived here from the model: the fibre RTT of
the same path (`Router` on the same failure state) and the calibration applied to it, never
from a number copied from a run.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from twin import model
from twin.analysis.checks import evaluate
from twin.analysis.contingency import Routing, contingency
from twin.analysis.topology_diff import diff_topologies, measure_demand
from twin.loading import load_topology
from twin.report.html import render_report_html
from twin.report.html_contingency import render_contingency_html
from twin.report.html_diff import DiffSide, render_diff_html
from twin.report.markdown_check import render_check_markdown, render_diff_markdown
from twin.report.terminal_check import print_check_report
from twin.report.terminal_contingency import print_contingency
from twin.report.terminal_diff import print_diff
from twin.report.terminal_run import print_run_summary
from twin.results.contingency import ContingencyResult
from twin.results.diff import TopologyDiff
from twin.routing import Router
from twin.sim import simulate

ROOT = Path(__file__).resolve().parents[2]
CALIBRATED = ROOT / "topologies" / "silk-road-2026-calibrated.yaml"


def recording_console(width: int = 200) -> Console:
    return Console(record=True, width=width, color_system=None)


@pytest.fixture(scope="module")
def topology() -> model.Topology:
    return load_topology(CALIBRATED)


def _demand(budget_ms: float | None = None) -> model.Demand:
    return model.Demand("fra-bak", "frankfurt", "baku", 10.0, sla=model.Sla(max_rtt_ms=budget_ms))


def _calibrated(topology: model.Topology, fibre_rtt_ms: float) -> float:
    calibration = topology.latency_calibration
    assert calibration is not None
    nodes = topology.nodes
    return calibration.rtt_ms(fibre_rtt_ms, nodes["frankfurt"].country, nodes["baku"].country)


@pytest.mark.parametrize("routing", ["shortest", "ecmp"])
def test_contingency_keeps_the_fibre_rtt_of_each_demand_over_budget(
    topology: model.Topology, routing: Routing
) -> None:
    router = Router(topology)
    base = router.shortest_path("frankfurt", "baku")
    assert base is not None and base.rtt_ms > base.fibre_rtt_ms + 1.0  # calibrated
    # A budget the base path meets and every detour exceeds.
    result = contingency(topology, [_demand(base.rtt_ms + 1e-6)], routing=routing)
    over = [f for f in result.failures if f.over_rtt]
    assert over, "some failure must push the demand over its budget"
    for failure in over:
        (reading,) = failure.over_rtt_ms
        assert reading.demand == "fra-bak" and failure.over_rtt == ("fra-bak",)
        if routing == "shortest":
            path = router.shortest_path("frankfurt", "baku", frozenset(failure.elements))
            assert path is not None
            assert reading.fibre_rtt_ms == pytest.approx(path.fibre_rtt_ms)
        assert reading.rtt_ms == pytest.approx(_calibrated(topology, reading.fibre_rtt_ms))
        assert reading.rtt_ms > reading.fibre_rtt_ms
    # JSON keeps both, and reads back to the same result.
    data = json.loads(json.dumps(result.to_dict()))
    assert data["failures"][result.failures.index(over[0])]["over_rtt_ms"][0]["fibre_rtt_ms"]
    assert ContingencyResult.from_dict(data) == result
    # Terminal and HTML show the fibre RTT beside the calibrated one.
    reading = over[0].over_rtt_ms[0]
    shown = f"{reading.rtt_ms:.1f} ms (fibre {reading.fibre_rtt_ms:.1f} ms)"
    console = recording_console()
    print_contingency(console, result, top=len(result.failures))
    assert shown in console.export_text()
    assert shown in render_contingency_html(result, topology)


def test_an_old_contingency_document_still_names_the_demands_over_budget(
    topology: model.Topology,
) -> None:
    router = Router(topology)
    base = router.shortest_path("frankfurt", "baku")
    assert base is not None
    result = contingency(topology, [_demand(base.rtt_ms + 1e-6)])
    old = replace(result, failures=tuple(replace(f, over_rtt_ms=()) for f in result.failures))
    console = recording_console()
    print_contingency(console, old, top=len(old.failures))
    assert "fra-bak" in console.export_text()


def test_diff_keeps_the_fibre_rtt_beside_each_calibrated_one(topology: model.Topology) -> None:
    demand = _demand()
    measures = measure_demand(topology, demand)
    base = Router(topology).shortest_path("frankfurt", "baku")
    assert base is not None and measures.rtt_ms is not None
    assert measures.fibre_rtt_ms == pytest.approx(base.fibre_rtt_ms)
    assert measures.rtt_ms == pytest.approx(_calibrated(topology, base.fibre_rtt_ms))
    if measures.n1_worst_rtt_ms is not None:
        assert measures.n1_worst_fibre_rtt_ms is not None
        assert measures.n1_worst_rtt_ms == pytest.approx(
            _calibrated(topology, measures.n1_worst_fibre_rtt_ms)
        )
    diff = diff_topologies(
        topology,
        topology,
        [demand],
        measure_demand,
        base_label="a",
        head_label="b",
    )
    assert diff.calibrated
    assert TopologyDiff.from_dict(json.loads(json.dumps(diff.to_dict()))) == diff
    shown = f"{measures.rtt_ms:.1f} (fibre {measures.fibre_rtt_ms:.1f})"
    console = recording_console()
    print_diff(console, diff)
    assert shown in console.export_text()
    html = render_diff_html(diff, DiffSide("a", topology), DiffSide("b", topology))
    assert shown in html
    markdown = render_diff_markdown(diff)
    assert f"{measures.rtt_ms:.6g} (fibre {measures.fibre_rtt_ms:.6g})" in markdown
    assert "best RTT ms (fibre)" in markdown


def test_an_uncalibrated_diff_shows_one_figure() -> None:
    plain = load_topology(ROOT / "topologies" / "silk-road-2026.yaml")
    diff = diff_topologies(
        plain, plain, [_demand()], measure_demand, base_label="a", head_label="b"
    )
    assert not diff.calibrated
    assert "fibre" not in render_diff_markdown(diff)


def test_a_run_keeps_the_fibre_rtt_of_its_quantiles(topology: model.Topology) -> None:
    """A run on the calibrated corridor: base, p50, p99 and max each with the fibre RTT of the
    same state, which the calibration maps onto the reported one."""
    router = Router(topology)
    base = router.shortest_path("frankfurt", "baku")
    assert base is not None
    cut = model.ScheduledEvent(
        "cut", "cut", model.Target("link", (base.links[0],)), 10.0, duration_h=500.0
    )
    scenario = model.Scenario(
        "calibrated", topology, str(CALIBRATED), 1000.0, 1, (_demand(),), (cut,)
    )
    result = simulate(scenario)
    demand = result.demand("fra-bak")
    detour = router.shortest_path("frankfurt", "baku", frozenset({base.links[0]}))
    assert detour is not None
    assert demand.base_fibre_rtt_ms == pytest.approx(base.fibre_rtt_ms)
    # Half the horizon on each path, the detour the longer: p50 is the base, p99 the detour.
    assert demand.fibre_rtt_p50_ms == pytest.approx(base.fibre_rtt_ms)
    assert demand.fibre_rtt_p99_ms == pytest.approx(detour.fibre_rtt_ms)
    assert demand.fibre_rtt_max_ms == pytest.approx(detour.fibre_rtt_ms)
    for rtt, fibre in (
        (demand.rtt_p50_ms, demand.fibre_rtt_p50_ms),
        (demand.rtt_p99_ms, demand.fibre_rtt_p99_ms),
        (demand.rtt_max_ms, demand.fibre_rtt_max_ms),
    ):
        assert rtt is not None and fibre is not None
        assert rtt == pytest.approx(_calibrated(topology, fibre))
    console = recording_console(width=250)
    print_run_summary(console, result)
    assert f"{demand.rtt_p99_ms:.1f} ({demand.fibre_rtt_p99_ms:.1f})" in console.export_text()
    html = render_report_html(result, topology)
    assert "fibre RTT base / p50 / p99 / max" in html
    assert f"{demand.fibre_rtt_p99_ms:.1f}" in html


def test_rtt_checks_carry_the_fibre_rtt(topology: model.Topology) -> None:
    base = Router(topology).shortest_path("frankfurt", "baku")
    assert base is not None
    checks = (
        model.Assertion("max_rtt", "fra-bak", {"rtt_ms": 1.0}, line=1, col=1),
        model.Assertion("n1_rtt_budget", "fra-bak", {"rtt_ms": 1e4}, line=2, col=1),
    )
    scenario = model.Scenario(
        "checks", topology, str(CALIBRATED), 100.0, 1, (_demand(),), checks=checks
    )
    report = evaluate([scenario])
    first, second = report.outcomes
    assert first.measured == pytest.approx(base.rtt_ms) and not first.passed
    assert first.measured_fibre_rtt_ms == pytest.approx(base.fibre_rtt_ms)
    assert second.measured is not None and second.measured_fibre_rtt_ms is not None
    assert second.measured == pytest.approx(_calibrated(topology, second.measured_fibre_rtt_ms))
    assert "fibre" in second.message
    shown = f"{base.rtt_ms:.6g} (fibre {base.fibre_rtt_ms:.6g})"
    assert shown in render_check_markdown(report)
    console = recording_console(width=250)
    print_check_report(console, report)
    assert shown in console.export_text()
