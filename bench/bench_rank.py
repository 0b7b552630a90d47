"""`twin rank` on the corridor: the analytic importance of every element (two topology
variants per element, each a shared-diagram evaluation), the whole ranking with its simulated
repair-resource variants, and the upgrade ranking of `scenarios/upgrades.yaml` with 1 and 2
workers, whose documents must be identical (paired simulation does not depend on workers).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from bench.__main__ import Row

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "annual-reliability.yaml"
UPGRADES = ROOT / "scenarios" / "upgrades.yaml"
NAME = "rank annual-reliability"
# Fewer than the command's default (100): the upgrade plans simulate ~20 sets.
UPGRADE_REPLICATIONS = 20
T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run() -> list[Row]:
    from twin.loading import load_scenario
    from twin.loading.candidates import load_candidates
    from twin.ranking import rank_importance, rank_upgrades

    scenario = load_scenario(SCENARIO)
    analytic_only = replace(scenario, repair_resources=())
    analytic_s, analytic = _timed(lambda: rank_importance(analytic_only))
    whole_s, _ = _timed(lambda: rank_importance(scenario))
    entries = len(analytic.entries)
    rows = [
        Row(NAME, "importance, analytic part", analytic_s, "s", f"{entries} entries, all exact"),
        Row(NAME, "importance, whole", whole_s, "s", "+ 5 resource variants x 100 replications"),
    ]
    candidates = load_candidates(UPGRADES, scenario)
    documents = []
    for workers in (1, 2):
        started = time.perf_counter()
        result = rank_upgrades(
            scenario, candidates, replications=UPGRADE_REPLICATIONS, workers=workers
        )
        wall_s = time.perf_counter() - started
        documents.append(json.dumps(result.to_dict(), sort_keys=True))
        rows.append(
            Row(
                "rank --candidates upgrades.yaml",
                f"wall time, {workers} worker(s)",
                wall_s,
                "s",
                f"{UPGRADE_REPLICATIONS} paired replications per simulated set",
            )
        )
    if documents[0] != documents[1]:
        raise AssertionError("upgrade ranking differs between 1 and 2 workers")
    return rows
