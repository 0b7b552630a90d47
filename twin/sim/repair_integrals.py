"""Closed-form expectations of repair times that the conditional estimator integrates.

The conditional Monte Carlo estimator (`twin.sim.rare`) needs, for a repair time R of a known
distribution and a mobilisation m, the expected time an outage would last if it ends at
whichever comes first of the repair (m + R) and a known rescue time y:

    E_g(y) = E[min(m + R, y)]

and its integral over the failure instant, which moves y:

    K(y) = integral from 0 to y of E_g(u) du.

Both follow from the partial moments M_k(z) = E[R^k; R < z], which are closed-form for the
three repair models of `twin.model.RepairTime` (fixed, exponential, lognormal):
E[min(R, z)] = z (1 - F(z)) + M_1(z) and
integral_0^z E[min(R, v)] dv = z^2 / 2 - E[(z - R)_+^2] / 2, with
E[(z - R)_+^2] = z^2 F(z) - 2 z M_1(z) + M_2(z). Exact integrals keep the estimator unbiased:
a numerical quadrature would add a bias of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from twin.model import RepairTime

_STANDARD = NormalDist()


def _phi(x: float) -> float:
    """Standard normal distribution function."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


@dataclass(frozen=True)
class RepairLaw:
    """A repair-time distribution with its parameters worked out once (the estimator evaluates
    these integrals at every change of the network)."""

    kind: str
    value_h: float  # fixed: the time; exponential: the mean; lognormal: the median
    mu: float = 0.0
    sigma: float = 0.0

    def quantile(self, u: float) -> float:
        """The repair time at probability `u` in (0, 1) (inverse distribution function)."""
        if self.kind == "fixed":
            return self.value_h
        u = max(u, 1e-300)  # u = 0 has probability 2^-53 (a zero shift): any value will do
        if self.kind == "exponential":
            return -self.value_h * math.log1p(-u)
        return math.exp(self.mu + self.sigma * _STANDARD.inv_cdf(u))

    @classmethod
    def of(cls, repair: RepairTime) -> RepairLaw:
        if repair.kind == "exponential":
            return cls("exponential", repair.mean_h)
        if repair.kind == "lognormal" and repair.sigma > 0.0:
            return cls("lognormal", repair.median_h, math.log(repair.median_h), repair.sigma)
        return cls("fixed", repair.median_h)


def partial_moments(law: RepairLaw, z: float) -> tuple[float, float, float]:
    """(F(z), M_1(z), M_2(z)) of the repair time: P(R < z), E[R; R < z], E[R^2; R < z]."""
    if z <= 0.0:
        return 0.0, 0.0, 0.0
    if law.kind == "fixed":
        r = law.value_h
        return (1.0, r, r * r) if r < z else (0.0, 0.0, 0.0)
    if law.kind == "exponential":
        mean = law.value_h
        tail = math.exp(-z / mean)
        return (
            1.0 - tail,
            mean - (z + mean) * tail,
            2.0 * mean * mean - (z * z + 2.0 * mean * z + 2.0 * mean * mean) * tail,
        )
    mu, sigma = law.mu, law.sigma
    x = (math.log(z) - mu) / sigma
    s2 = sigma * sigma
    return (
        _phi(x),
        math.exp(mu + s2 / 2.0) * _phi(x - sigma),
        math.exp(2.0 * mu + 2.0 * s2) * _phi(x - 2.0 * sigma),
    )


def expected_min(repair: RepairLaw, mobilisation_h: float, y: float) -> float:
    """E[min(m + R, y)]: the expected outage if it ends at the repair or at `y`, whichever
    is first (y itself when y <= m, negative y included)."""
    if y <= mobilisation_h:
        return y
    z = y - mobilisation_h
    cdf, m1, _ = partial_moments(repair, z)
    return mobilisation_h + z * (1.0 - cdf) + m1


def integrated_min(repair: RepairLaw, mobilisation_h: float, y: float) -> float:
    """K(y): the integral of `expected_min` from 0 to y (0 when y <= 0)."""
    if y <= 0.0:
        return 0.0
    m = mobilisation_h
    if y <= m:
        return y * y / 2.0
    z = y - m
    cdf, m1, m2 = partial_moments(repair, z)
    below_sq = z * z * cdf - 2.0 * z * m1 + m2  # E[(z - R)_+^2]
    return m * m / 2.0 + m * z + (z * z - below_sq) / 2.0
