"""The calendar of a simulation: which month an hour falls in, seasonal failure rates and the
windows when a repair resource cannot work.

Simulated time is hours from t = 0; a scenario's start date (UTC) pins t = 0 to the calendar.
Everything here is a pure function of (start, what the scenario says, horizon), so the engine
stays free of date arithmetic and the mathematics can be tested on its own:

- `SeasonalHazard`: the cumulative failure intensity of a class whose rate changes by month.
  Failures form a non-homogeneous Poisson process while the element is up; the time to the next
  one is found by inverting the cumulative intensity (Cinlar's method: an Exp(1) draw is the
  intensity still to accumulate), which takes exactly one random number per failure, like the
  constant-rate draw it replaces, so adding seasons never shifts another draw of the stream.
- `closed_intervals` and `work_end_h`: a repair job's clock stands still while a window of its
  resource is open; a job that would start inside one waits for it to end.

Months are calendar months in UTC; leap years fall where the calendar puts them.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from twin.model import ClosedWindow, seasonal_shape

_HOUR = timedelta(hours=1)


def as_utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime (a naive one is read as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def datetime_at(start: datetime, t_h: float) -> datetime:
    """The calendar time (UTC) of simulation hour `t_h`."""
    return as_utc(start) + timedelta(hours=t_h)


def hours_between(start: datetime, moment: datetime) -> float:
    """Simulation hours from `start` to `moment` (negative before the start)."""
    return (as_utc(moment) - as_utc(start)) / _HOUR


def month_of(start: datetime, t_h: float) -> int:
    """The calendar month (1-12) that simulation hour `t_h` falls in."""
    return datetime_at(start, t_h).month


def _first_of_next_month(moment: datetime) -> datetime:
    if moment.month == 12:
        return datetime(moment.year + 1, 1, 1, tzinfo=UTC)
    return datetime(moment.year, moment.month + 1, 1, tzinfo=UTC)


def month_segments(start: datetime, end_h: float) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """The calendar months that [0, end_h] crosses: their edges in hours (first 0, last
    `end_h`) and each segment's month (1-12), one fewer than the edges."""
    start = as_utc(start)
    edges = [0.0]
    months = [start.month]
    boundary = _first_of_next_month(start)
    while (boundary_h := hours_between(start, boundary)) < end_h:
        edges.append(boundary_h)
        months.append(boundary.month)
        boundary = _first_of_next_month(boundary)
    edges.append(end_h)
    return tuple(edges), tuple(months)


@dataclass(frozen=True)
class SeasonalHazard:
    """The integral of a monthly rate shape over simulated time, and its inverse.

    `shape[m - 1]` multiplies a class's annual-mean rate in month m (`seasonal_shape`: mean 1);
    `cumulative[i]` is the shape's integral from 0 to `edges[i]`, in hours, so a class with
    mean rate r per hour expects r * (cumulative(b) - cumulative(a)) failures in [a, b].
    """

    edges: tuple[float, ...]
    factors: tuple[float, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def build(cls, start: datetime, factors: Sequence[float], end_h: float) -> SeasonalHazard:
        shape = seasonal_shape(tuple(factors))
        edges, months = month_segments(start, end_h)
        per_segment = tuple(shape[m - 1] for m in months)
        cumulative = [0.0]
        for i, factor in enumerate(per_segment):
            cumulative.append(cumulative[-1] + factor * (edges[i + 1] - edges[i]))
        return cls(edges, per_segment, tuple(cumulative))

    def integral_h(self, t_h: float) -> float:
        """The shape's integral from 0 to `t_h` (within the edges)."""
        i = min(max(bisect_right(self.edges, t_h) - 1, 0), len(self.factors) - 1)
        return self.cumulative[i] + self.factors[i] * (t_h - self.edges[i])

    def time_of(self, integral_h: float) -> float:
        """The first time the integral reaches `integral_h`; infinity past the last edge."""
        if integral_h > self.cumulative[-1]:
            return math.inf
        i = max(bisect_left(self.cumulative, integral_h) - 1, 0)
        factor = self.factors[i]
        if factor <= 0.0:  # only when integral_h is 0 and the first month has no risk
            return self.edges[i]
        return self.edges[i] + (integral_h - self.cumulative[i]) / factor

    def next_failure_h(self, now_h: float, unit_draw: float, rate_per_h: float) -> float:
        """When an element up at `now_h`, failing at `rate_per_h` on average, next fails, given
        an Exp(1) draw; infinity when that falls past the last edge (the horizon)."""
        target = self.integral_h(now_h) + unit_draw / rate_per_h
        return max(now_h, self.time_of(target))


@lru_cache(maxsize=64)
def seasonal_hazard(start: datetime, factors: tuple[float, ...], end_h: float) -> SeasonalHazard:
    """`SeasonalHazard.build`, shared by the replications of a run (it is immutable)."""
    return SeasonalHazard.build(start, factors, end_h)


# A closed window as simulated hours: [from_h, to_h) and the name of the window that opened it.
Interval = tuple[float, float, str]


def _month_range_intervals(start: datetime, window: ClosedWindow, end_h: float) -> list[Interval]:
    assert window.months is not None
    first, last = window.months
    out: list[Interval] = []
    start = as_utc(start)
    year = start.year - 1  # a wrapping window that opened last year may still be open
    while True:
        opens = datetime(year, first, 1, tzinfo=UTC)
        close_year = year + 1 if last < first else year
        closes = _first_of_next_month(datetime(close_year, last, 1, tzinfo=UTC))
        from_h = hours_between(start, opens)
        if from_h >= end_h:
            return out
        out.append((from_h, hours_between(start, closes), window.name))
        year += 1


def closed_intervals(
    start: datetime, windows: Sequence[ClosedWindow], end_h: float
) -> tuple[Interval, ...]:
    """Every stretch of [.., end_h) when one of `windows` is open, merged and sorted; a merged
    stretch keeps the name of the window that opened it. A stretch may end past `end_h`."""
    raw: list[Interval] = []
    for window in windows:
        if window.months is not None:
            raw.extend(_month_range_intervals(start, window, end_h))
        elif window.start is not None and window.end is not None:
            from_h = hours_between(start, window.start)
            if from_h < end_h:
                raw.append((from_h, hours_between(start, window.end), window.name))
    raw.sort()
    merged: list[Interval] = []
    for from_h, to_h, name in raw:
        if merged and from_h <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], to_h), last[2])
        else:
            merged.append((from_h, to_h, name))
    return tuple(merged)


@lru_cache(maxsize=64)
def cached_closed_intervals(
    start: datetime, windows: tuple[ClosedWindow, ...], end_h: float
) -> tuple[Interval, ...]:
    """`closed_intervals`, shared by the replications of a run."""
    return closed_intervals(start, windows, end_h)


def window_end_h(intervals: Sequence[Interval], t_h: float) -> float | None:
    """When the closed window open at `t_h` ends, or None when none is open then."""
    i = bisect_right(intervals, (t_h, math.inf, "")) - 1
    if i >= 0 and intervals[i][0] <= t_h < intervals[i][1]:
        return intervals[i][1]
    return None


def _interval_end(interval: Interval) -> float:
    return interval[1]


@dataclass(frozen=True)
class WorkSchedule:
    """When a job of `work_h` hours begun at some time ends, and the spans it stood still."""

    end_h: float
    held: tuple[tuple[float, float], ...]
    window: str | None  # the first window that held it

    @property
    def held_h(self) -> float:
        return math.fsum(to_h - from_h for from_h, to_h in self.held)


def work_end_h(intervals: Sequence[Interval], begin_h: float, work_h: float) -> WorkSchedule:
    """A job of `work_h` hours begun at `begin_h` whose clock stops while a window is open.

    It waits for a window open at `begin_h` to end, works until the next one opens, waits again,
    and so on. A job outside every window ends at `begin_h + work_h`, the exact same float.
    """
    now, left = begin_h, work_h
    held: list[tuple[float, float]] = []
    name: str | None = None
    i = bisect_right(intervals, now, key=_interval_end)
    for from_h, to_h, window in intervals[i:]:
        if from_h > now:
            if left <= from_h - now:
                break
            left -= from_h - now
            now = from_h
        held.append((now, to_h))
        name = name or window
        now = to_h
    return WorkSchedule(now + left, tuple(held), name)
