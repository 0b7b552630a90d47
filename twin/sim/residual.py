"""Residual repair time: how much longer a repair takes, given how long it has already run.

An element found down at the start of a simulation ("now") has been under repair for `elapsed`
hours. Its remaining time is the repair distribution conditioned on lasting longer than that,
R - e given R > e, whose survival function is S(e + t) / S(e):

- fixed R: exactly R - e (zero when the repair is overdue: the model says it is done);
- exponential: memoryless, a fresh draw with the same mean whatever e;
- lognormal: drawn by inverting the conditional survival, S(e + t) = S(e) V with V uniform on
  (0, 1], which stays exact far into the tail where drawing and rejecting would loop for long.

Each draw takes exactly one value from the stream it is given (none for a fixed repair), so a
state's draws do not shift an element's other streams.
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist

from twin.model import RepairTime

_NORMAL = NormalDist()
# Survival probabilities are kept inside (0, 1) for the inverse normal CDF; 1e-300 is far past
# any elapsed time a state file allows (ten years against a median of hours).
_TINY = 1e-300


def residual_repair_h(repair: RepairTime, elapsed_h: float, rng: random.Random) -> float:
    """The remaining repair time of a repair that has run `elapsed_h` hours."""
    if elapsed_h <= 0.0:
        return repair.sample_h(rng)
    if repair.kind == "fixed":
        return max(0.0, repair.median_h - elapsed_h)
    if repair.kind == "exponential":
        return repair.sample_h(rng)
    mu, sigma = math.log(repair.median_h), repair.sigma
    survived = _NORMAL.cdf(-(math.log(elapsed_h) - mu) / sigma)
    v = 1.0 - rng.random()  # uniform on (0, 1]
    target = min(max(survived * v, _TINY), 1.0 - 1e-16)
    total_h = math.exp(mu - sigma * _NORMAL.inv_cdf(target))
    return max(0.0, total_h - elapsed_h)
