"""Student's t distribution: CDF and exact quantiles in pure Python.

Confidence intervals of Monte Carlo results need the t quantile for any number of degrees of
freedom; a table rounded to the next tabulated value makes intervals too narrow (issue 13), and
SciPy is not a core dependency. So the quantile is solved here to full double precision:

- the upper tail is ``P(T > t) = I_x(v/2, 1/2) / 2`` with ``x = v / (v + t^2)`` (Abramowitz &
  Stegun 26.7.1 with 26.5.2), where ``I_x(a, b)`` is the regularized incomplete beta function;
- ``I_x(a, b)`` is evaluated by its continued fraction (DLMF 8.17.22) with the modified Lentz
  algorithm (Lentz 1976; Thompson & Barnett 1986), on the side of ``x`` where it converges fast
  (the symmetry ``I_x(a, b) = 1 - I_{1-x}(b, a)``, DLMF 8.17.4);
- the quantile is found by Newton's method on the tail, started from the Cornish-Fisher
  expansion around the normal quantile (A&S 26.7.5) and kept inside a bracket that bisection
  narrows whenever a Newton step would leave it, so it converges for every ``p`` and ``v``.

One and two degrees of freedom have closed forms (Cauchy; A&S 26.7.4), used directly.
"""

from __future__ import annotations

import math
from statistics import NormalDist

_CF_MAX_TERMS = 100_000
_CF_EPS = 1e-16
_TINY = 1e-300
_QUANTILE_MAX_STEPS = 200


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of ``I_x(a, b)`` (DLMF 8.17.22) by the modified Lentz method.

    Converges quickly for ``x < (a + 1) / (a + b + 2)``; the caller picks that side.
    """
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    value = d
    for m in range(1, _CF_MAX_TERMS):
        # Even term d_{2m}, then odd term d_{2m+1} of the fraction.
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            step = c * d
            value *= step
        if abs(step - 1.0) < _CF_EPS:
            return value
    raise ArithmeticError(f"incomplete beta continued fraction did not converge ({a}, {b}, {x})")


def _stirling_tail(x: float) -> float:
    """``lgamma(x) - ((x - 1/2) ln x - x + ln(2 pi) / 2)`` for large x (DLMF 5.11.1)."""
    inv = 1.0 / x
    inv2 = inv * inv
    return inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)))


def _log_inverse_beta(a: float, b: float) -> float:
    """``ln(1 / B(a, b)) = lgamma(a + b) - lgamma(a) - lgamma(b)``, accurate for large a or b.

    With many degrees of freedom the three log-gammas are ~1e7 and their difference loses ten
    digits; there ``lgamma(big + small) - lgamma(big)`` comes from Stirling's series instead,
    written so that nothing large cancels.
    """
    big, small = max(a, b), min(a, b)
    if big < 64.0:
        return math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    ratio = (
        small * math.log(big)
        + (big + small - 0.5) * math.log1p(small / big)
        - small
        + _stirling_tail(big + small)
        - _stirling_tail(big)
    )
    return ratio - math.lgamma(small)


def regularized_incomplete_beta(a: float, b: float, x: float) -> float:
    """``I_x(a, b)`` for ``a, b > 0`` and ``0 <= x <= 1``."""
    if not (a > 0.0 and b > 0.0):
        raise ValueError(f"incomplete beta needs a, b > 0, got a={a}, b={b}")
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"incomplete beta needs 0 <= x <= 1, got {x}")
    if x in (0.0, 1.0):
        return x
    log_front = _log_inverse_beta(a, b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def _check_dof(dof: float) -> None:
    if not (dof > 0.0 and math.isfinite(dof)):
        raise ValueError(f"degrees of freedom must be positive and finite, got {dof}")


def upper_tail(t: float, dof: float) -> float:
    """``P(T > t)`` for Student's t with `dof` degrees of freedom."""
    _check_dof(dof)
    if math.isnan(t):
        return math.nan
    if t < 0.0:
        return 1.0 - upper_tail(-t, dof)
    if math.isinf(t):
        return 0.0
    t2 = t * t
    # x = v / (v + t^2), and 1 - x = t^2 / (v + t^2) computed without cancellation.
    x = dof / (dof + t2)
    if x < (dof / 2.0 + 1.0) / (dof / 2.0 + 2.5):
        return 0.5 * regularized_incomplete_beta(dof / 2.0, 0.5, x)
    return 0.5 * (1.0 - regularized_incomplete_beta(0.5, dof / 2.0, t2 / (dof + t2)))


def cdf(t: float, dof: float) -> float:
    """``P(T <= t)`` for Student's t with `dof` degrees of freedom."""
    return 1.0 - upper_tail(t, dof) if t >= 0.0 else upper_tail(-t, dof)


def pdf(t: float, dof: float) -> float:
    """Density of Student's t with `dof` degrees of freedom."""
    _check_dof(dof)
    # 1 / (sqrt(v) B(v/2, 1/2)) = Gamma((v+1)/2) / (sqrt(v pi) Gamma(v/2)), as Gamma(1/2) = sqrt(pi)
    log_norm = _log_inverse_beta(dof / 2.0, 0.5) - 0.5 * math.log(dof)
    return math.exp(log_norm - (dof + 1.0) / 2.0 * math.log1p(t * t / dof))


def _cornish_fisher(z: float, dof: float) -> float:
    """Start of the Newton iteration: A&S 26.7.5, the expansion of t in powers of 1/v."""
    z2 = z * z
    g1 = (z2 + 1.0) * z / 4.0
    g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0
    g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0
    return z + g1 / dof + g2 / dof**2 + g3 / dof**3


def _upper_quantile(q: float, dof: float) -> float:
    """The ``t > 0`` with ``P(T > t) = q`` for ``0 < q < 1/2``."""
    if dof == 1.0:
        return 1.0 / math.tan(math.pi * q)  # tan(pi (1/2 - q)) without cancellation
    if dof == 2.0:
        p = 1.0 - q
        return (2.0 * p - 1.0) / math.sqrt(2.0 * p * q)
    low, high = 0.0, math.inf
    t = _cornish_fisher(NormalDist().inv_cdf(1.0 - q), dof)
    if not (t > 0.0 and math.isfinite(t)):
        t = 1.0
    for _ in range(_QUANTILE_MAX_STEPS):
        excess = upper_tail(t, dof) - q
        if excess > 0.0:
            low = t  # tail too heavy: t is too small
        elif excess < 0.0:
            high = t
        else:
            return t
        density = pdf(t, dof)
        candidate = t + excess / density if density > 0.0 else math.nan
        if not low < candidate < high:  # Newton would leave the bracket: bisect instead
            candidate = 2.0 * t if math.isinf(high) else (low + high) / 2.0
        if abs(candidate - t) <= 4.0 * math.ulp(t):
            return candidate
        t = candidate
    return t


def quantile(p: float, dof: float) -> float:
    """The t with ``P(T <= t) = p`` for Student's t with `dof` degrees of freedom."""
    _check_dof(dof)
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must lie strictly between 0 and 1, got {p}")
    if p == 0.5:
        return 0.0
    if p > 0.5:
        return _upper_quantile(1.0 - p, dof)
    return -_upper_quantile(p, dof)
