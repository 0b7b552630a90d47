"""Replications, confidence intervals, a precision stopping rule, and executors.

One simulated decade is one sample. Here a scenario is run `N` times with independent random
streams (replication index `i` goes into every element's stream: `seed/i/kind:id`), and each
demand's measures are reported as a mean with a 95 % confidence interval (Student t over the
replication values).

Reproducibility: results are identical whatever the executor (in-process, a process pool, a
Dask cluster) and however many workers, because (1) replication `i` depends only on
`(scenario, seed, i)`, (2) aggregation is in replication-index order, never completion order,
and (3) the precision rule looks only at complete batches whose boundaries are fixed in advance
(`batch_size` replications), so the number of replications does not depend on timing.

Interrupting (Ctrl-C) stops submitting work, keeps the contiguous prefix of replications already
finished, and returns it marked `partial`.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from twin.model import Scenario
from twin.results import SimulationResult
from twin.sim import simulate

MC_SCHEMA = "silkroad-twin/montecarlo/1"
DEFAULT_BATCH = 8
PROGRESS_INTERVAL_S = 0.25

# Two-sided 95 % Student t quantiles for small degrees of freedom; 1.96 beyond.
_T95 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    25: 2.060,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}


def t95(dof: int) -> float:
    if dof <= 0:
        return math.inf
    if dof in _T95:
        return _T95[dof]
    larger = [k for k in _T95 if k > dof]
    return _T95[min(larger)] if larger else 1.96


@dataclass(frozen=True)
class Interval:
    """Mean of the replication values and its 95 % confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0

    @classmethod
    def of(cls, values: Sequence[float], clip: tuple[float, float] | None = None) -> Interval:
        n = len(values)
        mean = statistics.fmean(values) if values else math.nan
        if n < 2:
            low, high = -math.inf, math.inf
        else:
            half = t95(n - 1) * statistics.stdev(values) / math.sqrt(n)
            low, high = mean - half, mean + half
        if clip is not None:
            low, high = max(clip[0], low), min(clip[1], high)
        return cls(mean, low, high, n)

    def to_dict(self) -> dict[str, float | int | None]:
        def finite(x: float) -> float | None:
            return x if math.isfinite(x) else None

        return {
            "mean": finite(self.mean),
            "low": finite(self.low),
            "high": finite(self.high),
            "n": self.n,
        }


@dataclass(frozen=True)
class DemandStats:
    id: str
    availability: Interval
    sla_availability: Interval
    downtime_min_per_year: Interval
    sla_downtime_min_per_year: Interval
    traffic_lost_gbit: Interval
    sla_target: float | None

    def relative_precision(self) -> float:
        """Half-width of the unavailability interval over its mean (inf when undefined)."""
        unavailability = 1.0 - self.availability.mean
        if unavailability <= 0:
            return math.inf
        return self.availability.half_width / unavailability


@dataclass(frozen=True)
class MonteCarloResult:
    scenario: str
    seed: int
    replications: int
    demands: tuple[DemandStats, ...]
    partial: bool = False
    reason: str = ""
    precision_target: float | None = None
    precision_reached: bool | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def demand(self, demand_id: str) -> DemandStats:
        for d in self.demands:
            if d.id == demand_id:
                return d
        raise KeyError(demand_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": MC_SCHEMA,
            "scenario": self.scenario,
            "seed": self.seed,
            "replications": self.replications,
            "partial": self.partial,
            "reason": self.reason,
            "precision_target": self.precision_target,
            "precision_reached": self.precision_reached,
            "notes": list(self.notes),
            "demands": [
                {
                    "id": d.id,
                    "sla_target": d.sla_target,
                    "availability": d.availability.to_dict(),
                    "sla_availability": d.sla_availability.to_dict(),
                    "downtime_min_per_year": d.downtime_min_per_year.to_dict(),
                    "sla_downtime_min_per_year": d.sla_downtime_min_per_year.to_dict(),
                    "traffic_lost_gbit": d.traffic_lost_gbit.to_dict(),
                    "relative_precision": (
                        None
                        if not math.isfinite(d.relative_precision())
                        else d.relative_precision()
                    ),
                }
                for d in self.demands
            ],
        }


@dataclass(frozen=True)
class _Sample:
    """What one replication contributes (small, so it travels cheaply between processes)."""

    availability: dict[str, float]
    sla_availability: dict[str, float]
    downtime_min_per_year: dict[str, float]
    sla_downtime_min_per_year: dict[str, float]
    lost_gbit: dict[str, float]


def _sample(result: SimulationResult) -> _Sample:
    return _Sample(
        {d.id: d.availability for d in result.demands},
        {d.id: d.sla_availability for d in result.demands},
        {d.id: d.downtime_min_per_year for d in result.demands},
        {d.id: d.sla_downtime_min_per_year for d in result.demands},
        {d.id: d.traffic_lost_gbit for d in result.demands},
    )


def run_one(scenario: Scenario, seed: int, replication: int) -> _Sample:
    """One replication (a top-level function, so process pools and Dask can ship it)."""
    return _sample(simulate(scenario, seed=seed, replication=replication, timeline=False))


_WORKER_SCENARIO: Scenario | None = None


def _install_scenario(scenario: Scenario) -> None:
    """Process-pool initializer: each worker unpickles the scenario once and keeps it.

    Tasks then carry only a replication index, and every replication in a worker runs on the
    same scenario object, so the engine's per-scenario routing cache stays warm across them.
    """
    global _WORKER_SCENARIO
    _WORKER_SCENARIO = scenario


def run_installed(seed: int, replication: int) -> _Sample:
    """One replication of the scenario installed in this worker process."""
    assert _WORKER_SCENARIO is not None, "process pool started without _install_scenario"
    return run_one(_WORKER_SCENARIO, seed, replication)


def aggregate(
    scenario: Scenario, seed: int, samples: Sequence[_Sample], **extra: Any
) -> MonteCarloResult:
    stats = []
    for d in scenario.demands:
        stats.append(
            DemandStats(
                id=d.id,
                availability=Interval.of([s.availability[d.id] for s in samples], (0.0, 1.0)),
                sla_availability=Interval.of(
                    [s.sla_availability[d.id] for s in samples], (0.0, 1.0)
                ),
                downtime_min_per_year=Interval.of(
                    [s.downtime_min_per_year[d.id] for s in samples], (0.0, math.inf)
                ),
                sla_downtime_min_per_year=Interval.of(
                    [s.sla_downtime_min_per_year[d.id] for s in samples], (0.0, math.inf)
                ),
                traffic_lost_gbit=Interval.of(
                    [s.lost_gbit[d.id] for s in samples], (0.0, math.inf)
                ),
                sla_target=d.sla.availability,
            )
        )
    return MonteCarloResult(scenario.name, seed, len(samples), tuple(stats), **extra)


def worst_relative_precision(result: MonteCarloResult) -> float:
    return max((d.relative_precision() for d in result.demands), default=math.inf)


def _precise_enough(result: MonteCarloResult, precision: float) -> bool:
    """Every demand's unavailability interval is within `precision` x its mean.

    A demand never seen down has no relative precision to speak of; it does not hold the run
    back (its unavailability is below about 3 / n horizons at 95 %, the rule of three).
    """
    for d in result.demands:
        if 1.0 - d.availability.mean <= 0:
            continue
        if d.relative_precision() > precision:
            return False
    return True


ProgressFn = Callable[[int, float], None]


def _executor(
    workers: int, scheduler: str | None, scenario: Scenario
) -> tuple[Any, Callable[[], None]]:
    if scheduler is not None:
        from distributed import Client

        client = Client(scheduler)  # type: ignore[no-untyped-call]
        return client, client.close
    if workers > 1:
        pool = ProcessPoolExecutor(
            max_workers=workers, initializer=_install_scenario, initargs=(scenario,)
        )
        return pool, lambda: pool.shutdown(wait=False, cancel_futures=True)
    return None, lambda: None


def _submit(executor: Any, scenario: Scenario, seed: int, replications: range) -> list[Any]:
    if executor is None:
        return [("local", i) for i in replications]
    if isinstance(executor, Executor):
        return [executor.submit(run_installed, seed, i) for i in replications]
    # Dask: scatter the scenario once, then submit pure tasks keyed by replication.
    data = executor.scatter(scenario, broadcast=True)
    return [executor.submit(run_one, data, seed, i, pure=False) for i in replications]


def _result(handle: Any, scenario: Scenario, seed: int) -> _Sample:
    if isinstance(handle, tuple) and handle and handle[0] == "local":
        return run_one(scenario, seed, handle[1])
    sample: _Sample = handle.result()  # concurrent.futures or dask future
    return sample


def run_replications(
    scenario: Scenario,
    *,
    replications: int | None = None,
    precision: float | None = None,
    max_replications: int = 1000,
    min_replications: int = 8,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    scheduler: str | None = None,
    seed: int | None = None,
    progress: ProgressFn | None = None,
) -> MonteCarloResult:
    """Run replications 0, 1, 2, ... until `replications` are done or `precision` is reached."""
    seed_value = scenario.seed if seed is None else seed
    if replications is None and precision is None:
        replications = 20
    target = replications if replications is not None else max_replications
    executor, close = _executor(workers, scheduler, scenario)
    samples: list[_Sample] = []
    partial, reason = False, ""
    reached: bool | None = None
    last_stats_at, worst = -math.inf, math.inf
    try:
        next_index = 0
        while next_index < target:
            if precision is not None:
                size = max(batch_size, min_replications - next_index)
            else:
                size = target - next_index
            batch = range(next_index, min(target, next_index + size))
            handles = _submit(executor, scenario, seed_value, batch)
            try:
                for position, handle in enumerate(handles, start=1):
                    # In replication order: the result never depends on which finished first.
                    samples.append(_result(handle, scenario, seed_value))
                    if progress is not None:
                        # Statistics over all samples cost O(n): recompute the worst precision
                        # for the display a few times a second and at each batch's end only.
                        now = time.monotonic()
                        if now - last_stats_at >= PROGRESS_INTERVAL_S or position == len(handles):
                            last_stats_at = now
                            current = aggregate(scenario, seed_value, samples)
                            worst = worst_relative_precision(current)
                        progress(len(samples), worst)
            except KeyboardInterrupt:
                for handle in handles:
                    cancel = getattr(handle, "cancel", None)
                    if cancel is not None:
                        cancel()
                partial, reason = True, "interrupted"
                break
            next_index = batch.stop
            if precision is not None and next_index >= min_replications:
                current = aggregate(scenario, seed_value, samples)
                if _precise_enough(current, precision):
                    reached = True
                    break
        if precision is not None and reached is None and not partial:
            reached = False
    finally:
        close()
    notes: tuple[str, ...] = ()
    if precision is not None and reached is False:
        notes = (f"precision {precision} not reached within {max_replications} replications",)
    return aggregate(
        scenario,
        seed_value,
        samples,
        partial=partial,
        reason=reason,
        precision_target=precision,
        precision_reached=reached,
        notes=notes,
    )
