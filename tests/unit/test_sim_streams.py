"""Common random numbers: a change of repair model leaves every failure time alone (issue 13)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from twin.loading import load_scenario
from twin.model import RepairKind, RepairTime, Scenario
from twin.results import SimulationResult
from twin.routing import expand_srlgs
from twin.sim import simulate
from twin.units import HOURS_PER_YEAR

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "annual-reliability.yaml"


def _with_repairs(scenario: Scenario, kind: RepairKind) -> Scenario:
    """Every failure class repaired by `kind` with its median unchanged."""
    topo = scenario.topology
    classes = {
        cid: replace(fc, repair=RepairTime(kind, fc.repair.median_h))
        for cid, fc in topo.failure_classes.items()
    }
    return replace(scenario, topology=replace(topo, failure_classes=classes))


def _lives(scenario: Scenario) -> dict[str, float]:
    """Every element with a failure process, keyed as the timeline names it, with its faults a
    year: in-service links, nodes and SRLGs (whose key lists their member links)."""
    topo = scenario.topology
    classes = topo.failure_classes
    lives = {
        lid: classes[link.failure_class].failures_per_year(link.length_km)
        for lid, link in topo.links.items()
        if link.status == "active" or (scenario.include_planned and link.status == "planned")
    }
    for nid, node in topo.nodes.items():
        if node.failure_class is not None:
            lives[nid] = classes[node.failure_class].failures_per_year(0.0)
    for sid, srlg in topo.srlgs.items():
        members = sorted(m for m in expand_srlgs(topo, [sid]) if m in lives)
        if srlg.failure_class is not None and members:
            length = max(topo.links[m].length_km for m in members)
            lives[",".join(members)] = classes[srlg.failure_class].failures_per_year(length)
    return {key: rate for key, rate in lives.items() if rate > 0}


def _up_times(result: SimulationResult) -> dict[str, list[float]]:
    """Per element, the completed up-times: first failure at t, then failure - last restore."""
    restored_at: dict[str, float] = {}
    up: dict[str, list[float]] = {}
    for entry in result.timeline:
        if entry.kind == "failure":
            up.setdefault(entry.element, []).append(entry.t_h - restored_at.get(entry.element, 0.0))
        elif entry.kind == "restore":
            restored_at[entry.element] = entry.t_h
    return up


@pytest.mark.parametrize("replication", [0, 1])
def test_up_times_of_every_element_do_not_depend_on_the_repair_model(replication: int) -> None:
    shipped = load_scenario(SCENARIO)
    assert not shipped.events  # every failure below comes from an element's own life
    kinds = {fc.repair.kind for fc in shipped.topology.failure_classes.values()}
    assert "lognormal" in kinds  # so the fixed variant below really changes the repair model
    lives = _lives(shipped)
    runs = [
        _up_times(simulate(variant, replication=replication))
        for variant in (
            shipped,
            _with_repairs(shipped, "fixed"),
            _with_repairs(shipped, "exponential"),
        )
    ]
    compared = 0
    for element in lives:
        sequences = [run.get(element, []) for run in runs]
        # Repairs of different lengths end the horizon after different numbers of faults: the
        # shorter sequence must be the start of the longer one, up-time by up-time.
        common = min(len(s) for s in sequences)
        for other in sequences[1:]:
            assert other[:common] == pytest.approx(sequences[0][:common], rel=1e-9, abs=1e-6), (
                element
            )
        compared += common
    assert set().union(*runs) <= set(lives)  # no failure from an element we did not compare
    # Faults expected over the horizon (Poisson): the comparison covered most of them, not a few.
    expected = sum(lives.values()) * shipped.horizon_h / HOURS_PER_YEAR
    assert compared >= 0.5 * expected
