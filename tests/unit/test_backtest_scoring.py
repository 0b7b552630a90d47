"""The back-test's scores against closed forms: CRPS of point masses, uniform and normal
distributions, type-7 quantiles, the mid-rank percentile and the 10-90 % coverage."""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest

from twin.backtest import scoring
from twin.backtest.library import score, summarise
from twin.model import Observation
from twin.results.backtest import IncidentResult


def _grid(n: int, inverse_cdf: object) -> list[float]:
    """n equally likely points of a distribution: its quantiles at (i + 1/2) / n."""
    assert callable(inverse_cdf)
    return [float(inverse_cdf((i + 0.5) / n)) for i in range(n)]


@pytest.mark.parametrize(("x", "y"), [(10.0, 12.0), (10.0, 10.0), (3.5, 0.25), (-4.0, 7.0)])
def test_crps_of_a_point_mass_is_the_absolute_error(x: float, y: float) -> None:
    assert scoring.crps([x] * 17, y) == pytest.approx(abs(x - y), abs=1e-12)


def _uniform_crps(a: float, b: float, y: float) -> float:
    """CRPS of U(a, b) at y: E|X - y| - (b - a) / 6, with E|X - y| in closed form."""
    width = b - a
    if y <= a:
        to_y = (a + b) / 2 - y
    elif y >= b:
        to_y = y - (a + b) / 2
    else:
        to_y = ((y - a) ** 2 + (b - y) ** 2) / (2 * width)
    return to_y - width / 6


@pytest.mark.parametrize("y", [-3.0, 2.0, 2.5, 6.1, 9.0, 14.0])
def test_crps_of_a_uniform_sample_matches_the_analytic_uniform(y: float) -> None:
    a, b, n = 2.0, 10.0, 4000
    sample = _grid(n, lambda p: a + (b - a) * p)
    # The grid's mean |X - X'| is (b - a)(n^2 - 1)/(3 n^2): within (b - a)/n^2 of the truth.
    assert scoring.crps(sample, y) == pytest.approx(_uniform_crps(a, b, y), abs=1e-5)


def _normal_crps(mu: float, sigma: float, y: float) -> float:
    z = (y - mu) / sigma
    std = NormalDist()
    return sigma * (z * (2 * std.cdf(z) - 1) + 2 * std.pdf(z) - 1 / math.sqrt(math.pi))


@pytest.mark.parametrize("y", [100.0, 104.0, 90.0, 131.0])
def test_crps_of_a_large_normal_sample_matches_the_closed_form(y: float) -> None:
    mu, sigma, n = 100.0, 8.0, 20000
    sample = _grid(n, NormalDist(mu, sigma).inv_cdf)
    # A quantile grid misses only the far tails: error well below 1e-3 sigma at n = 20000.
    assert scoring.crps(sample, y) == pytest.approx(_normal_crps(mu, sigma, y), abs=1e-3 * sigma)


def test_crps_is_a_proper_score_a_sharper_right_forecast_scores_better() -> None:
    wide = _grid(1000, NormalDist(0, 4).inv_cdf)
    sharp = _grid(1000, NormalDist(0, 1).inv_cdf)
    assert 0 <= scoring.crps(sharp, 0.0) < scoring.crps(wide, 0.0)
    assert scoring.crps([v + 5 for v in sharp], 5.0) == pytest.approx(scoring.crps(sharp, 0.0))


def test_crps_on_log_time_of_a_point_mass_is_the_log_ratio() -> None:
    assert scoring.crps_log([12.0] * 5, 6.0) == pytest.approx(math.log(2.0))
    assert scoring.crps_log([0.0] * 5, scoring.LOG_FLOOR_H) == pytest.approx(0.0)


def test_percentile_counts_ties_half() -> None:
    assert scoring.percentile([5.0] * 9, 5.0) == 50.0
    assert scoring.percentile([5.0] * 9, 5.1) == 100.0
    assert scoring.percentile([5.0] * 9, 4.9) == 0.0
    assert scoring.percentile([float(i) for i in range(100)], 49.5) == 50.0
    assert scoring.percentile([1.0, 2.0, 3.0, 4.0], 2.0) == pytest.approx(100 * 1.5 / 4)


def test_type_7_quantiles() -> None:
    data = [4.0, 1.0, 3.0, 2.0]
    assert scoring.quantile(data, 0.5) == pytest.approx(2.5)
    assert scoring.quantile(data, 0.1) == pytest.approx(1.3)  # position 0.3 between 1 and 2
    assert scoring.quantile(data, 0.0) == 1.0 and scoring.quantile(data, 1.0) == 4.0
    with pytest.raises(ValueError):
        scoring.quantile(data, 1.5)


def test_band_and_range_on_a_uniform_grid() -> None:
    sample = [float(i) for i in range(101)]  # q10 = 10, q90 = 90 exactly
    assert scoring.inside_band(sample, 10.0) and scoring.inside_band(sample, 90.0)
    assert not scoring.inside_band(sample, 9.9) and not scoring.inside_band(sample, 90.1)
    assert scoring.probability_between(sample, 20.0, 29.0) == pytest.approx(10 / 101)


def _incident(*observations: tuple[float, list[float | None]]) -> IncidentResult:
    scores = tuple(
        score(Observation(f"o{k}", y, (y, y), "elements-up", ("x",)), values, 1000.0)
        for k, (y, values) in enumerate(observations)
    )
    return IncidentResult("i", "", "", None, 0, 101, 1000.0, scores)


def test_coverage_is_the_share_of_reports_inside_the_band() -> None:
    sample: list[float | None] = [float(i) for i in range(101)]
    summary = summarise([_incident((50.0, sample), (5.0, sample)), _incident((95.0, sample))])
    assert summary.observations == 3 and summary.inside_band == 1
    assert summary.coverage == pytest.approx(1 / 3)
    assert summary.median_percentile == pytest.approx(50.0)  # of about 50, 5 and 95
    assert summary.log_score is None and "density" in summary.log_score_note


def test_censored_replications_count_at_the_horizon() -> None:
    values: list[float | None] = [None, None, 10.0, 10.0]
    result = score(Observation("o", 10.0, (9.0, 11.0), "elements-up", ("x",)), values, 1000.0)
    assert result.censored == 2
    assert result.p90_h == pytest.approx(1000.0) and result.p10_h == pytest.approx(10.0)
    assert result.mean_h == pytest.approx(505.0)


def _crps_by_pairs(samples: list[float], y: float) -> float:
    """The definition, term by term over all n^2 pairs (what the sorted formula must equal)."""
    n = len(samples)
    to_y = sum(abs(x - y) for x in samples) / n
    spread = sum(abs(a - b) for a in samples for b in samples) / (n * n)
    return to_y - spread / 2


@pytest.mark.parametrize("seed", range(5))
def test_the_sorted_crps_equals_the_pairwise_definition(seed: int) -> None:

    rng = random.Random(seed)
    samples = [rng.lognormvariate(3.0, 1.2) for _ in range(rng.randint(1, 60))]
    samples += samples[:3]  # ties
    y = rng.lognormvariate(3.0, 1.5)
    value = scoring.crps(samples, y)
    assert value == pytest.approx(_crps_by_pairs(samples, y), rel=1e-12, abs=1e-12)
    # Bounds that hold for every distribution: 0 <= CRPS <= E|X - y|.
    assert 0.0 <= value <= sum(abs(x - y) for x in samples) / len(samples) + 1e-12
