"""Closed windows stop a job's clock and nothing else, whatever the windows and the job.

For random month ranges, dated windows, start dates and jobs: the job ends after exactly its
work plus the spans it was held, every held span lies inside a window, and no hour of work
falls inside one (the work done between the held spans adds up to the job). Seasonal hazards:
the integral's inverse returns the time it came from.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.model import ClosedWindow
from twin.sim.calendar import SeasonalHazard, closed_intervals, window_end_h, work_end_h
from twin.units import HOURS_PER_YEAR

PROPS = settings(max_examples=150, deadline=None)
HORIZON_H = 3 * HOURS_PER_YEAR

starts = st.datetimes(min_value=datetime(1999, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
month_windows = (
    st.tuples(st.integers(1, 12), st.integers(1, 12))
    .filter(lambda m: (m[1] - m[0]) % 12 != 11)
    .map(lambda m: ClosedWindow(f"m{m[0]}-{m[1]}", months=m))
)
dated_windows = st.tuples(starts, st.floats(1.0, 2000.0)).map(
    lambda w: ClosedWindow("dated", start=w[0], end=w[0] + timedelta(hours=w[1]))
)
windows = st.lists(st.one_of(month_windows, dated_windows), max_size=3)


@PROPS
@given(
    start=starts,
    closed=windows,
    begin_h=st.floats(0.0, HOURS_PER_YEAR),
    work_h=st.floats(0.0, 4000.0),
)
def test_a_job_works_only_outside_windows(
    start: datetime, closed: list[ClosedWindow], begin_h: float, work_h: float
) -> None:
    intervals = closed_intervals(start, closed, HORIZON_H)
    schedule = work_end_h(intervals, begin_h, work_h)
    assert schedule.end_h == pytest.approx(begin_h + work_h + schedule.held_h, abs=1e-6)
    for from_h, to_h in schedule.held:
        assert window_end_h(intervals, from_h) == to_h  # held from inside a window to its end
    # The stretches between held spans are outside every window and add up to the work.
    worked, now = 0.0, begin_h
    for from_h, to_h in schedule.held:
        assert from_h >= now
        worked += from_h - now
        now = to_h
    worked += schedule.end_h - now
    assert worked == pytest.approx(work_h, abs=1e-6)
    if not schedule.held:
        assert schedule.end_h == begin_h + work_h


@PROPS
@given(
    start=starts,
    # A month without risk, or one with at least a hundredth of a typical month's: the inverse
    # divides by the factor, so a factor of 1e-6 would turn rounding in the integral into
    # microseconds of error, a conditioning fact rather than a fault.
    factors=st.lists(
        st.one_of(st.just(0.0), st.floats(0.01, 100.0)), min_size=12, max_size=12
    ).filter(lambda f: sum(f) > 0.1),
    t_h=st.floats(0.0, HOURS_PER_YEAR),
)
def test_the_inverse_of_the_seasonal_integral_returns_the_time(
    start: datetime, factors: list[float], t_h: float
) -> None:
    hazard = SeasonalHazard.build(start, factors, HOURS_PER_YEAR)
    integral = hazard.integral_h(t_h)
    back = hazard.time_of(integral)
    # Months without risk leave the integral flat: any time in them maps to the flat's start.
    assert back <= t_h + 1e-6
    assert hazard.integral_h(back) == pytest.approx(integral, rel=1e-9, abs=1e-6)
