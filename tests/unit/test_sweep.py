"""Sweeps: grids from the command line, and common random numbers across variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from twin.errors import InputError
from twin.loading import load_scenario
from twin.sim import simulate
from twin.sweep import parse_set_options, run_sweep

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "trans-caspian-cut.yaml"
KEY = "failures.classes.submarine-caspian.repair.median"


def test_set_options_parse_and_bad_ones_are_reported() -> None:
    assert parse_set_options([f"{KEY}=10d,30d"]) == {KEY: ("10d", "30d")}
    with pytest.raises(InputError) as err:
        parse_set_options(["no-equals-sign", "x="])
    assert len(err.value.problems) == 2


def test_common_random_numbers_scale_the_same_repair_draw() -> None:
    """With common random numbers the TCFO cut is repaired with the same standard-normal draw
    in every variant, so a lognormal repair whose median (and p90, shape kept) doubles takes
    exactly twice as long; every other element's history is identical."""
    durations = []
    for median in ("20d", "40d"):
        scenario = load_scenario(SCENARIO, {KEY: median, "horizon": "400d"})
        result = simulate(scenario)
        link = {x.id: x for x in result.links}["tcfo"]
        mobilisation_h = scenario.repair_resources[0].mobilisation_h
        durations.append(link.downtime_h - mobilisation_h)
    assert durations[1] == pytest.approx(2 * durations[0], rel=1e-9)


def test_sweep_runs_every_variant_in_grid_order() -> None:
    result = run_sweep(SCENARIO, {KEY: ("10d", "60d"), "seed": (1, 2)}, replications=2)
    assert [v.settings for v in result.variants] == [
        ((KEY, "10d"), ("seed", 1)),
        ((KEY, "10d"), ("seed", 2)),
        ((KEY, "60d"), ("seed", 1)),
        ((KEY, "60d"), ("seed", 2)),
    ]
    short = result.variants[0].result.demand("fra-ala").sla_availability.mean
    long = result.variants[2].result.demand("fra-ala").sla_availability.mean
    assert long < short  # a six times longer repair keeps Frankfurt-Almaty on the detour longer
