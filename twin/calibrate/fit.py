"""A robust fit of measured RTT = stretch × fibre RTT + overhead, held above the fibre floor.

The estimator is Huber's M-estimator (Huber 1964), solved by iteratively reweighted least
squares with the scale re-estimated each round as 1.4826 × the median absolute residual (MAD).
Residuals within 1.345 scales count fully (95 % efficiency under normal noise); beyond, their
weight falls as 1/|r|, so a pair that a detour or a bad probe pushes 100 ms up moves the fit
by a bounded amount instead of dragging it. The constraints stretch ≥ 1 and overhead ≥ 0 (never
faster than fibre) are kept in each weighted step by checking the unconstrained solution and,
if it is infeasible, the solutions on the boundary, keeping the feasible one of least loss.
Pure Python: two parameters need no linear-algebra library.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

HUBER_K = 1.345
MAD_TO_SIGMA = 1.4826
MIN_STRETCH = 1.0
MIN_OVERHEAD_MS = 0.0
MAX_ITERATIONS = 200
TOLERANCE = 1e-10


@dataclass(frozen=True)
class LineFit:
    stretch: float
    overhead_ms: float
    iterations: int
    scale_ms: float

    def predict_ms(self, fibre_rtt_ms: float) -> float:
        return max(fibre_rtt_ms, self.stretch * fibre_rtt_ms + self.overhead_ms)


def _weighted_ls(x: Sequence[float], y: Sequence[float], w: Sequence[float]) -> tuple[float, float]:
    """Unconstrained weighted least squares y ≈ s·x + o."""
    sw = sum(w)
    mx = sum(wi * xi for wi, xi in zip(w, x, strict=True)) / sw
    my = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sw
    sxx = sum(wi * (xi - mx) ** 2 for wi, xi in zip(w, x, strict=True))
    sxy = sum(wi * (xi - mx) * (yi - my) for wi, xi, yi in zip(w, x, y, strict=True))
    slope = sxy / sxx if sxx > 0 else MIN_STRETCH
    return slope, my - slope * mx


def _loss(x: Sequence[float], y: Sequence[float], w: Sequence[float], s: float, o: float) -> float:
    return sum(wi * (yi - s * xi - o) ** 2 for wi, xi, yi in zip(w, x, y, strict=True))


def constrained_step(
    x: Sequence[float], y: Sequence[float], w: Sequence[float]
) -> tuple[float, float]:
    """Weighted least squares with stretch ≥ 1 and overhead ≥ 0 (the KKT cases of two bounds)."""
    s, o = _weighted_ls(x, y, w)
    if s >= MIN_STRETCH and o >= MIN_OVERHEAD_MS:
        return s, o
    sw = sum(w)
    on_stretch = (
        MIN_STRETCH,
        max(MIN_OVERHEAD_MS, sum(wi * (yi - xi) for wi, xi, yi in zip(w, x, y, strict=True)) / sw),
    )
    sxx = sum(wi * xi * xi for wi, xi in zip(w, x, strict=True))
    sxy = sum(wi * xi * yi for wi, xi, yi in zip(w, x, y, strict=True))
    on_overhead = (max(MIN_STRETCH, sxy / sxx if sxx > 0 else MIN_STRETCH), MIN_OVERHEAD_MS)
    return min((on_stretch, on_overhead), key=lambda c: _loss(x, y, w, *c))


def _huber_weights(residuals: Sequence[float], scale: float) -> list[float]:
    cut = HUBER_K * scale
    return [1.0 if abs(r) <= cut else cut / abs(r) for r in residuals]


def huber_fit(fibre_rtt_ms: Sequence[float], measured_ms: Sequence[float]) -> LineFit:
    """Huber fit of measured = stretch × fibre + overhead under the floor constraints.

    Needs at least two pairs. The scale has a floor (1 µs, or 1e-6 of the typical RTT) so that
    measurements the model explains exactly do not make it zero.
    """
    if len(fibre_rtt_ms) != len(measured_ms) or len(fibre_rtt_ms) < 2:
        raise ValueError("a fit needs at least two pairs with a fibre RTT and a measurement")
    x, y = list(fibre_rtt_ms), list(measured_ms)
    floor_scale = max(1e-3, 1e-6 * statistics.median(abs(v) for v in y))
    s, o = constrained_step(x, y, [1.0] * len(x))
    scale = floor_scale
    for iteration in range(1, MAX_ITERATIONS + 1):
        residuals = [yi - s * xi - o for xi, yi in zip(x, y, strict=True)]
        mad = statistics.median(abs(r) for r in residuals)
        scale = max(floor_scale, MAD_TO_SIGMA * mad)
        new_s, new_o = constrained_step(x, y, _huber_weights(residuals, scale))
        if abs(new_s - s) <= TOLERANCE * max(1.0, s) and abs(new_o - o) <= TOLERANCE * max(
            1.0, abs(o)
        ):
            return LineFit(new_s, new_o, iteration, scale)
        s, o = new_s, new_o
    return LineFit(s, o, MAX_ITERATIONS, scale)


def least_squares_fit(fibre_rtt_ms: Sequence[float], measured_ms: Sequence[float]) -> LineFit:
    """Plain (constrained) least squares: what the robust fit is compared with."""
    s, o = constrained_step(list(fibre_rtt_ms), list(measured_ms), [1.0] * len(fibre_rtt_ms))
    return LineFit(s, o, 1, 0.0)
