"""The calendar (issue 15, item 4): start dates, seasonal failure rates, closed repair windows.

Every expected value is derived here: window remainders and month lengths from the standard
library's calendar, expected failure counts from the integral of the rate, and intervals that
must cover that integral across seeds. None is copied from a run.
"""

from __future__ import annotations

import calendar
import itertools
import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from twin import model
from twin.results import SimulationResult
from twin.sim import simulate
from twin.sim.calendar import (
    SeasonalHazard,
    closed_intervals,
    month_of,
    month_segments,
    window_end_h,
    work_end_h,
)
from twin.units import HOURS_PER_YEAR

START = datetime(2027, 1, 1, tzinfo=UTC)
MOB_H, REPAIR_H = 48.0, 240.0
WINTER = model.ClosedWindow("dec-mar", months=(12, 3))


def _hours_to(moment: datetime) -> float:
    return (moment - START).total_seconds() / 3600.0


# --- pure calendar functions -------------------------------------------------------------------


def test_month_of_follows_the_calendar_across_a_leap_february() -> None:
    start = datetime(2028, 2, 28, tzinfo=UTC)  # 2028 is a leap year: 29 February exists
    assert month_of(start, 24.0) == 2
    assert month_of(start, 47.999) == 2
    assert month_of(start, 48.0) == 3


def test_month_segments_have_the_calendar_lengths() -> None:
    edges, months = month_segments(START, HOURS_PER_YEAR * 2)
    assert months[:13] == (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1)
    lengths_h = [b - a for a, b in itertools.pairwise(edges)][:12]
    assert lengths_h == [calendar.monthrange(2027, m)[1] * 24.0 for m in range(1, 13)]
    assert edges[-1] == HOURS_PER_YEAR * 2


def test_a_month_range_wraps_the_year_end() -> None:
    (first, second) = closed_intervals(START, (WINTER,), 340 * 24.0)
    # December 2026 - March 2027 (open at the start), then December 2027 onwards.
    assert first == (
        _hours_to(datetime(2026, 12, 1, tzinfo=UTC)),
        _hours_to(datetime(2027, 4, 1, tzinfo=UTC)),
        "dec-mar",
    )
    assert second[0] == _hours_to(datetime(2027, 12, 1, tzinfo=UTC))
    assert window_end_h((first, second), 10 * 24.0) == _hours_to(datetime(2027, 4, 1, tzinfo=UTC))
    assert window_end_h((first, second), _hours_to(datetime(2027, 4, 1, tzinfo=UTC))) is None


def test_overlapping_windows_merge_and_keep_the_first_name() -> None:
    storm = model.ClosedWindow(
        "storm",
        start=datetime(2027, 3, 25, tzinfo=UTC),
        end=datetime(2027, 4, 10, tzinfo=UTC),
    )
    intervals = closed_intervals(START, (WINTER, storm), 200 * 24.0)
    assert intervals[0][1:] == (_hours_to(datetime(2027, 4, 10, tzinfo=UTC)), "dec-mar")


def test_work_outside_every_window_is_unchanged() -> None:
    intervals = closed_intervals(START, (WINTER,), HOURS_PER_YEAR)
    begin_h = _hours_to(datetime(2027, 5, 3, 7, 30, tzinfo=UTC))
    schedule = work_end_h(intervals, begin_h, 1234.5)
    assert schedule.end_h == begin_h + 1234.5 and schedule.held == () and schedule.window is None


def test_work_started_in_a_window_waits_for_its_remainder() -> None:
    intervals = closed_intervals(START, (WINTER,), HOURS_PER_YEAR)
    begin_h = 10 * 24.0
    end_of_winter_h = _hours_to(datetime(2027, 4, 1, tzinfo=UTC))
    schedule = work_end_h(intervals, begin_h, 100.0)
    assert schedule.end_h == end_of_winter_h + 100.0
    assert schedule.held_h == end_of_winter_h - begin_h
    assert schedule.window == "dec-mar"


def test_work_under_way_when_a_window_opens_resumes_after_it() -> None:
    intervals = closed_intervals(START, (WINTER,), 2 * HOURS_PER_YEAR)
    opens_h = _hours_to(datetime(2027, 12, 1, tzinfo=UTC))
    closes_h = _hours_to(datetime(2028, 4, 1, tzinfo=UTC))
    schedule = work_end_h(intervals, opens_h - 30.0, 100.0)
    assert schedule.held == ((opens_h, closes_h),)
    assert schedule.end_h == closes_h + 70.0


def test_seasonal_hazard_integral_and_inverse_agree() -> None:
    factors = (0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    hazard = SeasonalHazard.build(START, factors, HOURS_PER_YEAR)
    mar_h = _hours_to(datetime(2027, 3, 1, tzinfo=UTC))
    apr_h = _hours_to(datetime(2027, 4, 1, tzinfo=UTC))
    # Nothing accumulates in January and February; the inverse skips them.
    assert hazard.integral_h(mar_h) == 0.0
    for t_h in (mar_h + 1.0, apr_h + 100.0, apr_h + 600.0):
        assert hazard.time_of(hazard.integral_h(t_h)) == pytest.approx(t_h, abs=1e-9)
    # From 1 January, a draw lands in March or April, never in a month without risk.
    shape = model.seasonal_shape(factors)
    assert hazard.next_failure_h(0.0, 1.0, 1.0 / shape[2] / 24.0) == pytest.approx(mar_h + 24.0)


# --- closed windows in the engine --------------------------------------------------------------


def _network(
    fc: model.FailureClass,
    links: dict[str, model.Link],
    resource: model.RepairResource,
    start: datetime | None = START,
    **extra: object,
) -> model.Scenario:
    """A scenario on nodes a (AZ) and b (KZ) joined by `links`, demand a-b, one repair pool."""
    nodes = {
        "a": model.Node("a", "A", "AZ", "pop", 40.0, 50.0),
        "b": model.Node("b", "B", "KZ", "pop", 43.0, 51.0),
    }
    topology = model.Topology("net", nodes, links, {}, {fc.id: fc})
    demands = (model.Demand("ab", "a", "b", 1.0),)
    return model.Scenario(
        "net",
        topology,
        "net.yaml",
        HOURS_PER_YEAR,
        1,
        demands,
        repair_resources=(resource,),
        start=start,
        **extra,
    )


def _one_cable(
    start: datetime | None, cut_at_h: float, closed: tuple[model.ClosedWindow, ...]
) -> model.Scenario:
    fc = model.FailureClass("sub", "per_link", 0.0, model.RepairTime("fixed", REPAIR_H))
    links = {"x": model.Link("x", "a", "b", "submarine", 400.0, 10.0, "sub", sea="caspian")}
    cut = model.ScheduledEvent("cut", "cut", model.Target("link", ("x",)), cut_at_h, repair=True)
    vessel = model.RepairResource(
        "vessel", "ship", 1, ("caspian",), mobilisation_h=MOB_H, closed=closed
    )
    return _network(fc, links, vessel, start, events=(cut,))


def test_a_winter_window_delays_a_repair_by_exactly_its_remainder() -> None:
    """Cut on 11 January inside December-March: the vessel cannot work until 1 April, then
    needs M + R; without the window it is back at cut + M + R. The difference is the rest of
    the winter, to the hour."""
    cut_h = 10 * 24.0
    spring_h = _hours_to(datetime(2027, 4, 1, tzinfo=UTC))
    free = simulate(_one_cable(START, cut_h, ()))
    held = simulate(_one_cable(START, cut_h, (WINTER,)))
    (free_record,) = free.element_outages
    (record,) = held.element_outages
    assert free_record.restored_at_h == cut_h + MOB_H + REPAIR_H
    assert record.restored_at_h == spring_h + MOB_H + REPAIR_H
    assert record.restored_at_h - free_record.restored_at_h == spring_h - cut_h
    assert (record.window_wait_h, record.window) == (spring_h - cut_h, "dec-mar")
    assert record.restored_at_h - record.repair_started_at_h == (
        record.mobilisation_h + record.repair_h + record.window_wait_h
    )
    (start_entry,) = [e for e in held.timeline if e.kind == "repair-start"]
    assert f"{spring_h - cut_h:.1f} h held by closed window dec-mar" in start_entry.detail
    # The demand's outage lasts as long as the element is down.
    (outage,) = held.demand("ab").outages
    assert (outage.start_h, outage.end_h) == (cut_h, record.restored_at_h)


def test_a_repair_outside_every_window_is_unchanged() -> None:
    cut_h = _hours_to(datetime(2027, 5, 10, tzinfo=UTC))
    free = simulate(_one_cable(START, cut_h, ()))
    held = simulate(_one_cable(START, cut_h, (WINTER,)))
    assert held.element_outages == free.element_outages
    assert held.demands == free.demands


def test_a_dated_window_holds_a_repair_under_way() -> None:
    """A storm from 5 to 9 June (a date alone includes that day) stops the job for 5 days."""
    cut_h = _hours_to(datetime(2027, 6, 1, tzinfo=UTC))
    storm = model.ClosedWindow(
        "storm", start=datetime(2027, 6, 5, tzinfo=UTC), end=datetime(2027, 6, 10, tzinfo=UTC)
    )
    (record,) = simulate(_one_cable(START, cut_h, (storm,))).element_outages
    assert record.restored_at_h == cut_h + MOB_H + REPAIR_H + 5 * 24.0
    assert record.window_wait_h == 5 * 24.0


def test_a_record_held_at_the_horizon_counts_the_hours_up_to_it() -> None:
    cut_h = 10 * 24.0
    horizon_h = 30 * 24.0
    result = simulate(_one_cable(START, cut_h, (WINTER,)), horizon_h=horizon_h)
    (record,) = result.element_outages
    assert record.restored_at_h is None
    assert record.window_wait_h == horizon_h - cut_h


def test_without_a_start_windows_do_not_apply_and_the_result_says_so() -> None:
    cut_h = 10 * 24.0
    scenario = _one_cable(None, cut_h, (WINTER,))
    result = simulate(scenario)
    (record,) = result.element_outages
    assert record.restored_at_h == cut_h + MOB_H + REPAIR_H
    assert any("closed windows" in note for note in result.notes)
    # A start given to simulate places them (as a state file's as_of will).
    (placed,) = simulate(scenario, start=START).element_outages
    assert placed.restored_at_h == _hours_to(datetime(2027, 4, 1, tzinfo=UTC)) + MOB_H + REPAIR_H


def test_a_naive_start_is_read_as_utc() -> None:
    cut_h = 10 * 24.0
    naive = simulate(_one_cable(START.replace(tzinfo=None), cut_h, (WINTER,)))
    aware = simulate(_one_cable(START, cut_h, (WINTER,)))
    assert naive.element_outages == aware.element_outages


# --- seasonal failure rates in the engine ------------------------------------------------------


def _fleet(factors: tuple[float, ...], rate_per_year: float, count: int) -> model.Scenario:
    """`count` parallel equipment links failing at `rate_per_year` each with a 1 ms repair, so
    the time they spend down is negligible and failures follow the rate's integral."""
    fc = model.FailureClass(
        "eq", "per_link", rate_per_year, model.RepairTime("fixed", 1e-3 / 3600), seasonal=factors
    )
    links = {
        f"l{i}": model.Link(f"l{i}", "a", "b", "submarine", 80.0, 10.0, "eq", sea="caspian")
        for i in range(count)
    }
    ships = model.RepairResource("ship", "ship", count, ("caspian",))
    return _network(fc, links, ships, stochastic_failures=True)


def _failure_times(result: SimulationResult) -> list[float]:
    return [r.failed_at_h for r in result.element_outages if r.cause_kind == "failure"]


def test_factors_in_one_month_put_every_failure_in_that_month() -> None:
    june_only = tuple(1.0 if m == 6 else 0.0 for m in range(1, 13))
    scenario = _fleet(june_only, 2.0, 20)
    times = [t for seed in range(3) for t in _failure_times(simulate(scenario, seed=seed))]
    assert len(times) > 50  # 20 links x 2 a year x 3 runs: about 120 (a test that could pass empty)
    assert {month_of(START, t) for t in times} == {6}


def test_expected_failures_in_a_year_equal_the_integral_of_the_rate() -> None:
    """E[N] = sum over links of the integral of rate x shape over 2027 (a 365-day year): the
    annual-mean rate per hour times sum_m shape_m x hours in month m. N is Poisson (repairs
    take a millisecond), so a 99.9 % normal interval around the mean of many replications
    must cover it, for every seed."""
    factors = (3.0, 2.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 2.0, 3.0)
    links, rate = 10, 4.0
    days = [calendar.monthrange(2027, m)[1] for m in range(1, 13)]
    mean_factor = (
        math.fsum(
            f * d
            for f, d in zip(
                factors, (31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), strict=True
            )
        )
        / 365.25
    )
    expected = (
        links
        * rate
        / HOURS_PER_YEAR
        * math.fsum(f / mean_factor * d * 24.0 for f, d in zip(factors, days, strict=True))
    )
    scenario = replace(_fleet(factors, rate, links), horizon_h=365 * 24.0)
    replications = 150
    for seed in (1, 2, 3):
        counts = [
            len(_failure_times(simulate(scenario, seed=seed, replication=r, timeline=False)))
            for r in range(replications)
        ]
        mean = sum(counts) / replications
        half_width = 3.29 * math.sqrt(expected / replications)
        assert abs(mean - expected) <= half_width, (seed, mean, expected)


def test_winter_failures_outnumber_summer_ones_as_the_factors_say() -> None:
    """Factor 4 in January against 1 in July (both 31 days): the January count is Poisson with
    four times July's mean, so over 60 link-years January must clearly lead."""
    factors = tuple(4.0 if m == 1 else 1.0 for m in range(1, 13))
    scenario = _fleet(factors, 3.0, 20)
    times = [t for seed in range(3) for t in _failure_times(simulate(scenario, seed=seed))]
    january = sum(1 for t in times if month_of(START, t) == 1)
    july = sum(1 for t in times if month_of(START, t) == 7)
    shape = model.seasonal_shape(factors)
    expected_july = 60 * 3.0 * shape[6] * 31 / 365.25
    assert january > 2 * july
    assert abs(july - expected_july) < 4 * math.sqrt(expected_july)


def test_without_a_start_a_seasonal_class_runs_at_its_annual_mean() -> None:
    factors = tuple(1.0 if m == 6 else 0.0 for m in range(1, 13))
    scenario = replace(_fleet(factors, 2.0, 20), start=None)
    months = {month_of(START, t) for t in _failure_times(simulate(scenario))}
    assert len(months) > 6


def test_seasonal_shape_keeps_the_annual_rate() -> None:
    shape = model.seasonal_shape((2.0,) * 12)
    assert shape == pytest.approx((1.0,) * 12)
    fc = model.FailureClass("c", "per_link", 3.0, model.RepairTime("fixed", 1.0), seasonal=shape)
    assert fc.failures_per_year(0.0) == 3.0


# --- common random numbers --------------------------------------------------------------------


def _history(result: SimulationResult, element: str) -> tuple[list[float], list[float]]:
    """An element's up-times (first failure from 0, then each failure from the last restore)
    and its drawn repair times."""
    records = [r for r in result.element_outages if r.element == element]
    ups, last = [], 0.0
    for record in records:
        ups.append(record.failed_at_h - last)
        last = record.restored_at_h if record.restored_at_h is not None else math.inf
    return ups, [r.repair_h or 0.0 for r in records]


def test_adding_a_window_moves_no_random_draw() -> None:
    """Same seed, with and without a winter window on the ship: every link draws the same
    up-times and repair times (a window draws nothing); only when repairs end moves."""
    constant = (1.0,) * 12
    base = _fleet(constant, 6.0, 4)
    fc = replace(base.topology.failure_classes["eq"], repair=model.RepairTime("fixed", 200.0))
    topology = replace(base.topology, failure_classes={"eq": fc})
    free = replace(base, topology=topology)
    windowed = replace(
        free, repair_resources=(replace(free.repair_resources[0], closed=(WINTER,)),)
    )
    a, b = simulate(free, seed=5), simulate(windowed, seed=5)
    assert any(r.window_wait_h > 0 for r in b.element_outages)  # the window did bite
    for link in topology.links:
        ups_a, repairs_a = _history(a, link)
        ups_b, repairs_b = _history(b, link)
        n = min(len(ups_a), len(ups_b))
        assert n > 0
        assert ups_a[:n] == pytest.approx(ups_b[:n], rel=1e-12)
        assert repairs_a[:n] == repairs_b[:n]


def test_a_start_one_day_later_shifts_the_calendar_not_the_draws() -> None:
    """The same Exp(1) draws drive a seasonal run from either start: with a constant shape the
    failure times do not depend on the date at all."""
    constant = (1.0,) * 12
    scenario = _fleet(constant, 6.0, 4)
    later = replace(scenario, start=START + timedelta(days=1))
    assert _failure_times(simulate(scenario)) == pytest.approx(
        _failure_times(simulate(later)), rel=1e-9
    )


# --- a run from a state -------------------------------------------------------------------------


def test_a_run_from_a_state_starts_its_calendar_at_as_of() -> None:
    """TCFO down since a day before 11 January with a fixed repair R; its vessel (mobilisation
    M = 48 h) took the job at the fault, so M - 24 h of mobilisation and all of R are left. The
    state's as_of is the run's hour 0 and its calendar date: the winter window holds the rest of
    the job until 1 April, so it ends the window's remainder later than it would without it."""
    as_of = datetime(2027, 1, 11, tzinfo=UTC)
    spring_h = (datetime(2027, 4, 1, tzinfo=UTC) - as_of).total_seconds() / 3600.0
    state = model.State(
        as_of="2027-01-11T00:00:00Z",
        down=(model.DownElement("link", "x", -24.0, cause="sub"),),
    )
    left_h = MOB_H - 24.0 + REPAIR_H
    free = replace(_one_cable(None, 0.0, ()), events=(), state=state)
    held = replace(_one_cable(None, 0.0, (WINTER,)), events=(), state=state)
    (free_record,) = simulate(free).element_outages
    (record,) = simulate(held).element_outages
    assert free_record.restored_at_h == pytest.approx(left_h)
    assert record.restored_at_h == pytest.approx(spring_h + left_h)
    assert (record.window_wait_h, record.window) == (spring_h, "dec-mar")
