"""A run without a calendar start says which parts of the calendar it did not apply, and a
replicated run passes its replications' notes on, once each."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from twin.loading import load_scenario
from twin.model import Scenario
from twin.montecarlo import run_replications
from twin.sim import simulate

ROOT = Path(__file__).resolve().parents[2]
WINTER = ROOT / "scenarios" / "caspian-winter-cut.yaml"


def _undated(scenario: Scenario) -> Scenario:
    return dataclasses.replace(scenario, start=None)


def _without_seasons(scenario: Scenario) -> Scenario:
    """`scenario` with every failure class's monthly factors removed (constant rates)."""
    classes = scenario.topology.failure_classes
    flat = {k: dataclasses.replace(fc, seasonal=()) for k, fc in classes.items()}
    topology = scenario.topology.with_failure_classes(flat)
    return dataclasses.replace(scenario, topology=topology)


def _no_start_notes(notes: tuple[str, ...]) -> list[str]:
    return [n for n in notes if n.startswith("no start date")]


def test_a_run_without_a_start_names_the_calendar_parts_it_did_not_apply() -> None:
    winter = load_scenario(WINTER)
    assert _no_start_notes(simulate(winter).notes) == []
    (windows,) = _no_start_notes(simulate(_without_seasons(_undated(winter))).notes)
    assert "closed windows" in windows and "seasonal" not in windows
    # The shipped network's terrestrial classes follow the digging season.
    assert any(fc.seasonal for fc in winter.topology.failure_classes.values())
    (both,) = _no_start_notes(simulate(_undated(winter)).notes)
    assert "seasonal factors" in both and "closed windows" in both
    no_windows = dataclasses.replace(
        _undated(winter),
        repair_resources=tuple(dataclasses.replace(r, closed=()) for r in winter.repair_resources),
    )
    (seasons,) = _no_start_notes(simulate(no_windows).notes)
    assert "seasonal factors" in seasons and "closed windows" not in seasons
    assert _no_start_notes(simulate(_without_seasons(no_windows)).notes) == []


def test_replications_pass_the_runs_notes_on_once() -> None:
    winter = load_scenario(WINTER)
    undated = _undated(winter)
    (run_note,) = simulate(undated).notes
    result = run_replications(undated, replications=4)
    assert result.notes.count(run_note) == 1
    assert _no_start_notes(run_replications(winter, replications=4).notes) == []
