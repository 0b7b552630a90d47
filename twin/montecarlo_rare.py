"""Which estimator reports each demand, and the figures each estimator gives per replication.

Two unbiased estimators come out of the same replications (docs/rare-events.md):
- **plain**: the time-average of the simulated run;
- **conditional**: the same run plus the zero-mean correction of `twin.sim.rare`, which replaces
  the rare jump a failure causes by its expectation. Its variance is far lower whenever outages
  are rare; it costs extra work per replication and per demand it follows.

`auto` follows every watched demand through a pilot (the first batch of replications), then
keeps the conditional estimator for the demands whose pilot unavailability is below
`RARE_THRESHOLD`; the decision depends only on those fixed replications, so it is the same
whatever the number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from twin.model import RareEventsMode
from twin.results import DemandResult
from twin.units import HOURS_PER_YEAR

RareMode = RareEventsMode
RARE_MODES: tuple[RareMode, ...] = ("auto", "on", "off")
# Pilot unavailability below which `auto` reports a demand through the conditional estimator.
# Measured (docs/rare-events.md): its variance is lower at every unavailability tried (12x at
# 0.25, 40x at 2e-3 on the corridor, far more below), but it costs ~1.2-1.9x the time per
# replication for each demand followed; above ~1e-2 plain sampling reaches ±10 % in a few dozen
# ten-year replications anyway, below it plain variance grows as 1 / unavailability.
RARE_THRESHOLD = 1e-2
PLAIN = "plain"
CONDITIONAL = "conditional"

# The figures of one replication for one demand, in this order.
FIGURES = (
    "availability",
    "sla_availability",
    "downtime_min_per_year",
    "sla_downtime_min_per_year",
    "traffic_lost_gbit",
    "over_rtt_share",
)


def conditional_figures(
    demand: DemandResult, horizon_h: float, corrections: Sequence[float]
) -> tuple[float, ...]:
    """A run's figures for one demand with the estimator's corrections (`MEASURES` order:
    hours down, hours out of SLA by state, hours over the RTT budget, Gbit dropped) added.

    Not clipped: one replication may read slightly above 1 or below 0; only the mean over
    replications is an estimate, and clipping each value would bias it.
    """
    down_h, sla_bad_h, over_h, lost_gbit = corrections
    down = (1.0 - demand.availability) + down_h / horizon_h  # share of the horizon
    sla_down = (1.0 - demand.sla_availability) + sla_bad_h / horizon_h
    minutes_per_year = HOURS_PER_YEAR * 60.0
    return (
        1.0 - down,
        1.0 - sla_down,
        down * minutes_per_year,
        sla_down * minutes_per_year,
        demand.traffic_lost_gbit + lost_gbit,
        demand.over_rtt_share + over_h / horizon_h,
    )


def followed(mode: RareMode, watched: Sequence[str]) -> frozenset[str]:
    """The demands the pilot follows with the conditional estimator."""
    return frozenset() if mode == "off" else frozenset(watched)


def choose_conditional(
    mode: RareMode, watched: Sequence[str], pilot: Sequence[Mapping[str, tuple[float, ...]]]
) -> frozenset[str]:
    """The demands reported through the conditional estimator after the pilot (`pilot`: each
    replication's conditional figures per demand)."""
    if mode == "off":
        return frozenset()
    if mode == "on":
        return frozenset(watched)
    chosen = set()
    for demand_id in watched:
        values = [figures[demand_id][0] for figures in pilot if demand_id in figures]
        if values and 1.0 - math.fsum(values) / len(values) < RARE_THRESHOLD:
            chosen.add(demand_id)
    return frozenset(chosen)


def totals(
    figures: Mapping[str, tuple[float, ...]], gbps: Mapping[str, float]
) -> tuple[float, float]:
    """One replication's network totals: traffic lost (Gbit) summed over the demands, and
    the share of time over the RTT budget weighted by each demand's traffic."""
    lost = math.fsum(f[4] for f in figures.values())
    weight = math.fsum(gbps.values())
    over = math.fsum(f[5] * gbps[d] for d, f in figures.items()) / weight if weight > 0 else 0.0
    return lost, over
