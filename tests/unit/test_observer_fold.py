"""The observer's end-of-run fold gives, to the last bit, what adding each interval to each
measure as it ended would: the same sums in the same order, the same dict key order."""

from __future__ import annotations

import random
from collections.abc import Iterable

from twin.model import Demand, Sla
from twin.sim.observer import _DemandAcc, _fold_demand

Row = tuple[float | None, bool, float, float | None, bool]


def _spells(rng: random.Random, count: int) -> list[tuple[float, Row]]:
    rtts = [None, 31.7, 45.25, 80.125, 99.9]  # few values: dwell keys repeat, as in a run
    spells = []
    for _ in range(count):
        rtt = rng.choice(rtts)
        over = rtt is not None and rtt > 80.0
        fibre = None if rtt is None else rtt * 0.8
        dropped = rng.choice([0.0, 0.0, 12.5])
        sla_ok = rtt is not None and not over and not dropped
        spells.append((rng.expovariate(0.1), (rtt, sla_ok, dropped, fibre, over)))
    return spells


def _per_interval(acc: _DemandAcc, spells: list[tuple[float, Row]]) -> None:
    """The measures credited interval by interval, on the accumulator's fields."""
    for dt, (rtt, sla_ok, dropped_gbps, fibre, over) in spells:
        if rtt is not None:
            acc.connected_h += dt
            acc.rtt_dwell_h[rtt] = acc.rtt_dwell_h.get(rtt, 0.0) + dt
            if fibre is not None:
                acc.fibre_of_rtt[rtt] = fibre
            if over:
                acc.over_rtt_h += dt
            if sla_ok:
                acc.sla_ok_h += dt
        if dropped_gbps:
            acc.lost_gbit += dropped_gbps * dt * 3600.0


def _fields(acc: _DemandAcc) -> tuple[object, ...]:
    return (
        acc.connected_h,
        acc.over_rtt_h,
        acc.sla_ok_h,
        acc.lost_gbit,
        list(acc.rtt_dwell_h.items()),
        list(acc.fibre_of_rtt.items()),
    )


def test_fold_matches_per_interval_accumulation_bit_for_bit() -> None:
    demand = Demand("d", "a", "b", 100.0, sla=Sla(availability=0.999, max_rtt_ms=80.0))
    for seed in range(50):
        spells = _spells(random.Random(seed), 200)
        folded, reference = _DemandAcc(demand), _DemandAcc(demand)
        # Traffic lost in loss windows during the run is already in the sum the fold adds to.
        folded.lost_gbit = reference.lost_gbit = 0.1
        _fold_demand(folded, spells)
        _per_interval(reference, spells)
        assert _fields(folded) == _fields(reference)
        # The sums are of the intervals (a fold that dropped or repeated one would differ).
        assert folded.connected_h == sum_in_order(dt for dt, row in spells if row[0] is not None)


def sum_in_order(values: Iterable[float]) -> float:
    total = 0.0
    for value in values:
        total += value
    return total


def test_weighted_quantile_of_one_sample_is_what_the_general_rule_gives() -> None:
    from twin.sim.observer import weighted_quantile

    def general(samples: list[tuple[float, float]], q: float) -> float | None:
        total = sum_in_order(d for _, d in samples)
        if total <= 0:
            return None
        acc = 0.0
        for value, duration in sorted(samples):
            acc += duration
            if acc >= q * total - 1e-12:
                return value
        return sorted(samples)[-1][0]

    for sample in [(0.0, 87660.0), (0.37, 1e-9), (0.5, 0.0), (2.0, -0.0), (0.9, 5.0)]:
        for q in (0.0, 0.5, 0.99, 1.0):
            assert weighted_quantile([sample], q) == general([sample], q)
    # Two samples take the general path: the heavier one holds the median.
    assert weighted_quantile([(0.2, 3.0), (0.1, 1.0)], 0.5) == 0.2
