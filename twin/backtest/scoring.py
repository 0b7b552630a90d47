"""How well a modelled distribution of restoration times forecast what happened.

Everything here works on the empirical distribution of a Monte Carlo sample, exactly: no
kernel, no binning, no fitted family.

- `percentile`: where the reported time falls in the sample, the probability integral
  transform (PIT) with ties counted half, so a point mass at the reported value gives 50 %.
  Over many incidents a calibrated model gives PITs spread evenly over 0-100 %.
- `quantile`: the sample quantile with linear interpolation between order statistics
  (Hyndman and Fan type 7, the default of R and numpy), for the 10-50-90 % band.
- `crps`: the continuous ranked probability score of the empirical distribution,
  CRPS(F, y) = E|X - y| - 1/2 E|X - X'| with X, X' drawn independently from the sample
  (Gneiting and Raftery 2007, eq. 21). It is a proper scoring rule in the units of the
  variable: 0 for a point forecast that hit, |x - y| for a point forecast x that missed.
  E|X - X'| over all n^2 ordered pairs is computed from the sorted sample in O(n log n):
  sum_ij |x_i - x_j| = 2 sum_i (2i - n + 1) x_(i) with 0-based ranks i.
- `crps_log`: the same on log-times, so that a factor of two costs the same on a seven-hour
  splice as on a five-month repair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Log-time needs positive times: a modelled or reported time below this floor (a demand never
# disconnected has restoration time 0) is scored as the floor, one minute.
LOG_FLOOR_H = 1.0 / 60.0


def percentile(samples: Sequence[float], reported: float) -> float:
    """Share of the sample below `reported`, ties counted half, in per cent (0-100)."""
    if not samples:
        raise ValueError("percentile of an empty sample")
    below = sum(1 for x in samples if x < reported)
    equal = sum(1 for x in samples if x == reported)
    return 100.0 * (below + 0.5 * equal) / len(samples)


def quantile(samples: Sequence[float], q: float) -> float:
    """The type-7 sample quantile (linear between order statistics) for 0 <= q <= 1."""
    if not samples:
        raise ValueError("quantile of an empty sample")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile level {q} is outside [0, 1]")
    ordered = sorted(samples)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def crps(samples: Sequence[float], observed: float) -> float:
    """CRPS of the empirical distribution of `samples` against the outcome `observed`."""
    n = len(samples)
    if n == 0:
        raise ValueError("CRPS of an empty sample")
    ordered = sorted(samples)
    to_outcome = math.fsum(abs(x - observed) for x in ordered) / n
    spread = 2.0 * math.fsum((2 * i - n + 1) * x for i, x in enumerate(ordered)) / (n * n)
    return to_outcome - 0.5 * spread


def crps_log(samples: Sequence[float], observed: float) -> float:
    """CRPS on natural-log times (each time floored at `LOG_FLOOR_H`)."""
    return crps(
        [math.log(max(x, LOG_FLOOR_H)) for x in samples], math.log(max(observed, LOG_FLOOR_H))
    )


def inside_band(samples: Sequence[float], reported: float, low_q: float = 0.1) -> bool:
    """Whether `reported` lies in the central band [q(low_q), q(1 - low_q)], ends included."""
    return quantile(samples, low_q) <= reported <= quantile(samples, 1.0 - low_q)


def probability_between(samples: Sequence[float], low: float, high: float) -> float:
    """The sample's probability of [low, high] (the reported range), ends included."""
    if not samples:
        raise ValueError("probability of an empty sample")
    return sum(1 for x in samples if low <= x <= high) / len(samples)
