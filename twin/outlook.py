"""The outlook from a state: what each replication says about a demand, and the odds over many.

A run from a state (`twin.model.State`) starts with elements down. Per demand, one replication
gives three numbers (`OutlookSample`): when the demand is first *restored* (connected and within
its RTT budget, at or after hour 0; never, inside the horizon, is infinity); the SLA minutes it
lost over the horizon; and whether a *new* fault (not one the state listed) disconnected it
before the state's outage ended (the last of the state's faults restored), with the elements
of those new faults.

Over the replications (`outlook_of`) they become the restoration curve, P(restored by t) on a
regular grid, the mean SLA minutes lost, and the further-cut probability with the elements
that drive it. Probabilities get Wilson score 95 % intervals, which stay meaningful at 0 and 1
(a curve that is exactly 0 before a fixed repair ends has a real interval, not a point).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from twin.results import SimulationResult
from twin.results.interval import Interval
from twin.results.outlook import Outlook, Proportion, RestorationPoint, RiskDriver
from twin.results.run import DemandResult
from twin.units import HOURS_PER_YEAR

# The two-sided 95 % standard normal quantile, for the Wilson score interval.
_Z95 = 1.959963984540054
# Curve steps worth reading off a chart (hours): the finest that keeps at most MAX_POINTS.
_STEPS_H = (1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 168.0, 336.0, 720.0, 2160.0, 8760.0)
MAX_POINTS = 120
# How many of the elements behind the further-cut risk a result keeps.
TOP_DRIVERS = 5


@dataclass(frozen=True)
class OutlookSample:
    """One replication's outlook of one demand (small: it travels between processes)."""

    restored_h: float
    sla_minutes_lost: float
    further_cut_by: tuple[str, ...] | None  # None: no new fault disconnected it in time


def wilson(successes: int, n: int) -> Proportion:
    """`successes` out of `n` with its Wilson score 95 % interval (Wilson 1927)."""
    if n <= 0:
        return Proportion(math.nan, 0.0, 1.0, 0)
    p = successes / n
    z2 = _Z95 * _Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Proportion(p, max(0.0, centre - half), min(1.0, centre + half), n)


def restored_at_h(demand: DemandResult) -> float:
    """The first time from hour 0 at which `demand` is connected and within its RTT budget
    (infinity when that never happens inside the run)."""
    limit = demand.sla_max_rtt_ms
    series = demand.rtt_series
    for index, (t_h, rtt_ms) in enumerate(series):
        if index + 1 < len(series) and series[index + 1][0] == t_h:
            continue  # several changes at one instant: only the last one holds
        if rtt_ms is not None and (limit is None or rtt_ms <= limit):
            return t_h
    return math.inf


def state_outage_end_h(result: SimulationResult) -> float:
    """When the last fault the state listed came back (the horizon if one never did)."""
    ends = [r.end_h(result.horizon_h) for r in result.element_outages if r.found_down]
    return max(ends, default=0.0)


def _further_cut_by(
    result: SimulationResult, demand: DemandResult, until_h: float
) -> tuple[str, ...] | None:
    records = result.element_outages
    elements: dict[str, None] = {}
    for outage in demand.outages:
        if outage.start_h >= until_h:
            continue
        for index in outage.caused_by:
            if not records[index].found_down:
                elements[records[index].element] = None
    return tuple(elements) if elements else None


def outlook_samples(result: SimulationResult) -> dict[str, OutlookSample]:
    """Every demand's outlook in one replication."""
    until_h = state_outage_end_h(result)
    to_minutes = result.horizon_h / HOURS_PER_YEAR
    return {
        d.id: OutlookSample(
            restored_at_h(d),
            d.sla_downtime_min_per_year * to_minutes,
            _further_cut_by(result, d, until_h),
        )
        for d in result.demands
    }


@dataclass(frozen=True)
class OutlookMeasure:
    """What `twin.montecarlo.replicate` keeps of each run for a `restored_by` check."""

    timeline: bool = False

    def __call__(self, result: SimulationResult) -> dict[str, OutlookSample]:
        return outlook_samples(result)


OUTLOOK = OutlookMeasure()


def curve_times_h(horizon_h: float) -> tuple[float, ...]:
    """The restoration curve's grid: 0, one step, ..., up to the horizon (included)."""
    step = next((s for s in _STEPS_H if horizon_h / s <= MAX_POINTS), _STEPS_H[-1])
    count = math.floor(horizon_h / step + 1e-9)
    times = [i * step for i in range(count + 1)]
    if times[-1] < horizon_h:
        times.append(horizon_h)
    return tuple(times)


def restored_by(samples: Sequence[OutlookSample], t_h: float) -> Proportion:
    """P(restored by `t_h`) over the replications, with its interval."""
    return wilson(sum(1 for s in samples if s.restored_h <= t_h), len(samples))


def outlook_of(
    samples: Sequence[OutlookSample], horizon_h: float, sla_minutes_lost: Interval
) -> Outlook:
    """The odds over the replications of one demand (`sla_minutes_lost` is their interval,
    computed by the caller with the interval rule every Monte Carlo measure uses)."""
    n = len(samples)
    restored = sorted(s.restored_h for s in samples)
    curve = []
    for t_h in curve_times_h(horizon_h):
        p = wilson(bisect.bisect_right(restored, t_h), n)
        curve.append(RestorationPoint(t_h, p.p, p.low, p.high))
    counts: dict[str, int] = {}
    for s in samples:
        for element in s.further_cut_by or ():
            counts[element] = counts.get(element, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_DRIVERS]
    return Outlook(
        restoration=tuple(curve),
        restored_in_horizon=wilson(sum(1 for r in restored if r <= horizon_h), n),
        sla_minutes_lost=sla_minutes_lost,
        further_cut=wilson(sum(1 for s in samples if s.further_cut_by is not None), n),
        further_cut_drivers=tuple(RiskDriver(e, c / n) for e, c in ranked),
    )
