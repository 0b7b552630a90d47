"""Student t quantiles against published tables and against the CDF they invert (issue 13)."""

from __future__ import annotations

import math

import pytest

from twin import student_t
from twin.montecarlo import interval_of, t95

# Two-sided 95 % (p = 0.975) and 99 % (p = 0.995) points of Student's t, published to nine
# decimals (R `qt`, Boost.Math's students_t quantile, SciPy `t.ppf` all print these). Rounded to
# three decimals they are the values of the NIST/SEMATECH e-Handbook of Statistical Methods,
# table 1.3.6.7.2, and of Abramowitz & Stegun table 26.10.
PUBLISHED: dict[int, tuple[float, float]] = {
    1: (12.706204736, 63.656741163),
    2: (4.302652730, 9.924843201),
    3: (3.182446305, 5.840909310),
    4: (2.776445105, 4.604094871),
    5: (2.570581836, 4.032142984),
    6: (2.446911851, 3.707428021),
    7: (2.364624252, 3.499483297),
    8: (2.306004135, 3.355387331),
    9: (2.262157163, 3.249835542),
    10: (2.228138852, 3.169272673),
    11: (2.200985160, 3.105806516),
    12: (2.178812830, 3.054539589),
    13: (2.160368656, 3.012275839),
    14: (2.144786688, 2.976842734),
    15: (2.131449546, 2.946712883),
    16: (2.119905299, 2.920781622),
    17: (2.109815578, 2.898230520),
    18: (2.100922040, 2.878440473),
    19: (2.093024054, 2.860934606),
    20: (2.085963447, 2.845339710),
    21: (2.079613845, 2.831359558),
    22: (2.073873068, 2.818756061),
    23: (2.068657610, 2.807335684),
    24: (2.063898562, 2.796939505),
    25: (2.059538553, 2.787435814),
    26: (2.055529439, 2.778714533),
    27: (2.051830516, 2.770682957),
    28: (2.048407142, 2.763262455),
    29: (2.045229642, 2.756385904),
    30: (2.042272456, 2.749995654),
    40: (2.021075390, 2.704459267),
    60: (2.000297822, 2.660283029),
    120: (1.979930405, 2.617421145),
}


@pytest.mark.parametrize("dof", sorted(PUBLISHED))
def test_quantile_matches_published_table(dof: int) -> None:
    t975, t995 = PUBLISHED[dof]
    assert student_t.quantile(0.975, dof) == pytest.approx(t975, abs=1e-6)
    assert student_t.quantile(0.995, dof) == pytest.approx(t995, abs=1e-6)
    assert student_t.quantile(0.025, dof) == pytest.approx(-t975, abs=1e-6)
    assert t95(dof) == pytest.approx(t975, abs=1e-6)


def test_degrees_of_freedom_between_table_rows_are_not_rounded_up() -> None:
    """The old table used 25's value for 21-24 and 120's for 61-119: too narrow intervals.

    Here every quantile must lie strictly between its tabulated neighbours (t decreases with
    the degrees of freedom), and beyond 120 stay above the normal quantile 1.959964 it tends to.
    """
    assert 2.073873068 < t95(21) < 2.085963447 and t95(21) == pytest.approx(2.079613845, abs=1e-6)
    for dof in range(61, 120):
        assert PUBLISHED[120][0] < t95(dof) < PUBLISHED[60][0]
    z975 = 1.959963984540054  # NormalDist().inv_cdf(0.975), published as 1.959964
    for dof in (121, 500, 10_000, 1_000_000):
        assert z975 < t95(dof) < PUBLISHED[120][0]
        # A&S 26.7.5: t = z + (z^3 + z) / (4 v) + O(1/v^2).
        assert t95(dof) == pytest.approx(z975 + (z975**3 + z975) / (4 * dof), abs=5.0 / dof**2)


def test_closed_forms_for_one_and_two_degrees_of_freedom() -> None:
    """Cauchy: F(t) = 1/2 + atan(t)/pi; two degrees: F(t) = 1/2 + t / (2 sqrt(2 + t^2))."""
    for t in (-40.0, -3.0, -0.2, 0.0, 0.7, 5.0, 1e3):
        assert student_t.cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-14)
        assert student_t.cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), abs=1e-14)


def test_cdf_against_closed_form_for_three_degrees() -> None:
    """v = 3: F(t) = 1/2 + (atan(u) + u / (1 + u^2)) / pi with u = t / sqrt(3) (A&S 26.7.3)."""
    for t in (-12.0, -1.5, 0.1, 0.9, 2.5, 30.0):
        u = t / math.sqrt(3.0)
        expected = 0.5 + (math.atan(u) + u / (1 + u * u)) / math.pi
        assert student_t.cdf(t, 3) == pytest.approx(expected, abs=1e-13)


@pytest.mark.parametrize(
    "dof", [*range(1, 41), 45, 57, 61, 99, 119, 121, 250, 1000, 12_345, 10**6, 0.5, 2.5, 7.25]
)
def test_cdf_of_quantile_is_p(dof: float) -> None:
    for p in (1e-9, 1e-4, 0.01, 0.025, 0.1, 0.3, 0.49, 0.51, 0.75, 0.9, 0.95, 0.975, 0.995, 0.9999):
        t = student_t.quantile(p, dof)
        assert student_t.cdf(t, dof) == pytest.approx(p, rel=1e-10, abs=1e-15)
        # and it is the quantile, not any root: a nudge either way moves the CDF across p
        step = 1e-7 * max(1.0, abs(t))
        assert student_t.cdf(t - step, dof) < p < student_t.cdf(t + step, dof)


def test_quantile_refuses_impossible_arguments() -> None:
    for p in (0.0, 1.0, -0.1, math.nan):
        with pytest.raises(ValueError, match="probability"):
            student_t.quantile(p, 5)
    for dof in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="degrees of freedom"):
            student_t.quantile(0.9, dof)


def test_interval_half_width_uses_exact_t() -> None:
    """Values 1..22 (n = 22, 21 degrees of freedom): s^2 = n (n + 1) / 12 = 253/6 by hand."""
    values = [float(i) for i in range(1, 23)]
    interval = interval_of(values)
    expected_half = 2.079613845 * math.sqrt(22 * 23 / 12) / math.sqrt(22)
    assert interval.mean == pytest.approx(11.5)
    assert interval.half_width == pytest.approx(expected_half, abs=1e-6)
