"""Monte Carlo throughput: replications/s with 1 and 2 worker processes, and a precision run.

`twin run --replications N --workers W` is how a planner gets 95 % intervals, so its speed on
the reference scenario (annual-reliability.yaml, ten simulated years) is what matters. Both
runs go through `run_replications` exactly as the CLI calls it (in-process for 1 worker, a
`ProcessPoolExecutor` for 2, with a progress callback as the CLI always passes one), over the
same replications, one after the other in this process; the wall time includes the pool's
start-up. The speed-up is (2-worker replications/s) / (1-worker replications/s); target >= 1.8
on 2 cores. Results must not depend on the number of workers, so the two aggregated results
are compared as canonical JSON (what `--json` writes) and the benchmark raises if they differ.

The precision run is `--precision 0.1 --workers 2` with the rule applied to the
Frankfurt-Almaty demand (fra-ala) only. Neither the CLI nor `run_replications` can restrict the
stopping rule to one demand (it waits for every demand that was ever down), so the run uses a
copy of the scenario whose only demand is fra-ala (and no checks, which name other demands).
The cap is the CLI's --max-replications default; the note says whether it was hit.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.__main__ import Row

if TYPE_CHECKING:
    from twin.model import Scenario
    from twin.montecarlo import MonteCarloResult

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "annual-reliability.yaml"
# The replication count is chosen so that the 1-worker run takes about SERIAL_TARGET_S (a
# multiple of 8 between the bounds): long enough that pool start-up and the last, half-idle
# replication are a small share of the 2-worker run, whatever the engine's speed this week.
SERIAL_TARGET_S = 5.0
MIN_REPLICATIONS, MAX_REPLICATIONS = 24, 480
WORKERS = 2
DEMAND = "fra-ala"  # Frankfurt-Almaty
PRECISION = 0.1


def _cli_max_replications() -> int:
    """The default of `twin run --max-replications` (so the cap follows the CLI)."""
    from twin.cli.run import run_command

    default = inspect.signature(run_command).parameters["max_replications"].default
    return int(default)


def _replication_count(scenario: Scenario) -> int:
    """Replications for a ~SERIAL_TARGET_S serial run, timed on a copy of the scenario.

    The copy is a distinct object, so it warms no per-scenario cache the measured run would use.
    """
    from twin.montecarlo import run_one

    probe = dataclasses.replace(scenario)
    started = time.perf_counter()
    for replication in range(3):
        run_one(probe, probe.seed, replication)
    per_replication = (time.perf_counter() - started) / 3
    count = 8 * math.ceil(SERIAL_TARGET_S / per_replication / 8)
    return max(MIN_REPLICATIONS, min(MAX_REPLICATIONS, count))


def _timed(scenario: Scenario, **options: Any) -> tuple[MonteCarloResult, float]:
    """`run_replications` as `twin run` calls it, and its wall time in seconds."""
    from twin.montecarlo import run_replications

    def progress(done: int, worst: float) -> None:  # the CLI's bar update, minus the bar
        pass

    started = time.perf_counter()
    result = run_replications(scenario, progress=progress, **options)
    return result, time.perf_counter() - started


def _throughput(scenario: Scenario) -> list[Row]:
    from twin.atomic import canonical_json

    name = "montecarlo annual-reliability"
    replications = _replication_count(scenario)
    serial, serial_s = _timed(scenario, replications=replications, workers=1)
    pooled, pooled_s = _timed(scenario, replications=replications, workers=WORKERS)
    if serial.replications != replications or pooled.replications != replications:
        raise RuntimeError(
            f"expected {replications} replications, got {serial.replications} (1 worker) "
            f"and {pooled.replications} ({WORKERS} workers)"
        )
    serial_json = canonical_json(serial.to_dict())
    pooled_json = canonical_json(pooled.to_dict())
    if serial_json != pooled_json:
        raise RuntimeError(f"results differ between 1 and {WORKERS} workers")
    serial_rate = replications / serial_s
    pooled_rate = replications / pooled_s
    span = f"{replications} x {scenario.horizon_h / 8766:.0f} y"
    return [
        Row(name, "1 worker", serial_rate, "replications/s",
            f"{span} in {serial_s:.2f} s, in-process"),
        Row(name, f"{WORKERS} workers", pooled_rate, "replications/s",
            f"{span} in {pooled_s:.2f} s, process pool (start-up included)"),
        Row(name, f"speed-up {WORKERS} / 1 workers", pooled_rate / serial_rate, "x",
            f"target >= 1.8 on 2 cores; results byte-identical "
            f"({len(serial_json)} bytes of canonical JSON)"),
    ]


def _precision(scenario: Scenario) -> list[Row]:
    demands = tuple(d for d in scenario.demands if d.id == DEMAND)
    if not demands:
        raise RuntimeError(f"{SCENARIO.name} has no demand {DEMAND}")
    only = dataclasses.replace(scenario, demands=demands, checks=())
    cap = _cli_max_replications()
    result, seconds = _timed(only, precision=PRECISION, max_replications=cap, workers=WORKERS)
    stats = result.demand(DEMAND)
    achieved = stats.relative_precision()
    ended = (
        f"precision reached after {result.replications} replications"
        if result.precision_reached
        else f"cap of {cap} replications HIT, precision not reached"
    )
    return [
        Row(f"montecarlo {DEMAND} --precision {PRECISION}", f"wall time, {WORKERS} workers",
            seconds, "s",
            f"{ended}; relative half-width {achieved:.3f} of unavailability "
            f"{1.0 - stats.availability.mean:.2e} (cap {cap}, the CLI default)"),
    ]


def run() -> list[Row]:
    from twin.loading import load_scenario

    scenario = load_scenario(SCENARIO)
    return _throughput(scenario) + _precision(scenario)
