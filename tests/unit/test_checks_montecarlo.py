"""`twin check` Monte Carlo SLA assertions are decided by the 95 % interval, like `twin run`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from twin.analysis.checks import CheckOptions, evaluate_scenario
from twin.loading import load_scenario
from twin.model import Assertion
from twin.results.montecarlo import Interval, sla_verdict
from twin.results.sla import Verdict

ROOT = Path(__file__).resolve().parents[2]
TARGET = 0.9999


def _outcome(interval: tuple[float, float, float], replications: int = 20):  # type: ignore[no-untyped-def]
    scenario = load_scenario(ROOT / "scenarios" / "annual-reliability.yaml")
    check = Assertion("sla_availability", "fra-baku", {"method": "montecarlo", "min": TARGET})
    scenario = replace(scenario, checks=(check,))
    options = CheckOptions(
        replications=replications, montecarlo=lambda _scenario, _demand: interval
    )
    (outcome,) = evaluate_scenario(scenario, options)
    return outcome


def test_a_mean_above_the_target_with_the_interval_straddling_it_does_not_pass() -> None:
    # The audit's case: fra-baku [0.999771, 1.000000], mean above 0.9999.
    outcome = _outcome((0.99995, 0.999771, 1.0))
    assert not outcome.passed
    assert "undecided" in outcome.message
    assert "more replications than 20" in outcome.message


def test_a_whole_interval_above_passes_and_a_whole_interval_below_fails() -> None:
    assert _outcome((0.99996, 0.99992, 0.99999)).passed
    low = _outcome((0.9990, 0.9985, 0.9995))
    assert not low.passed and "whole interval below" in low.message


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [
        (TARGET, 1.0, Verdict.HELD),  # touching the target from above counts as clearing it
        (0.99, TARGET, Verdict.UNDECIDED),  # the target is still inside the interval
        (0.99, 0.99989, Verdict.MISSED),
        (0.99989, 0.99991, Verdict.UNDECIDED),
    ],
)
def test_verdict_at_the_edges(low: float, high: float, verdict: Verdict) -> None:
    assert sla_verdict(Interval((low + high) / 2, low, high, 20), TARGET) is verdict
    # twin check passes exactly the intervals the shared rule calls held.
    assert _outcome(((low + high) / 2, low, high)).passed is (verdict is Verdict.HELD)
