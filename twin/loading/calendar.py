"""The calendar keys of topology and scenario files → the model, with located problems.

The schema (`twin.loading.schema`) has checked each value alone (factor ranges, month names,
date syntax); what is left needs the values together: a seasonal shape with some risk in it, a
dated window that ends after it begins, a month range that leaves the resource some time to
work, and dates inside the years a network model can mean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from twin.errors import Problem
from twin.loading.schema import MAX_CALENDAR_YEAR, MIN_CALENDAR_YEAR
from twin.loading.yaml_marks import Mark
from twin.model import MONTH_NAMES, ClosedWindow

if TYPE_CHECKING:
    from twin.loading.scenario_schema import ClosedWindowSpec


def seasonal_factors(
    value: Sequence[float] | None, mark: Mark, what: str, problems: list[Problem]
) -> tuple[float, ...]:
    """The twelve monthly factors the schema read (from a list or a month map); () when none."""
    if value is None:
        return ()
    factors = tuple(value)
    if not any(f > 0 for f in factors):
        problems.append(
            mark.problem(
                f"{what}: every seasonal factor is 0, which leaves no month to fail in",
                "give at least one month a positive factor (a class that never fails has rate 0)",
            )
        )
        return ()
    return factors


def calendar_time(
    value: datetime | date, mark: Mark, what: str, problems: list[Problem], end_of_day: bool = False
) -> datetime | None:
    """`value` as an aware UTC datetime; a naive timestamp is UTC, a date its midnight (or the
    next midnight with `end_of_day`, so that a window `to:` a date includes that day)."""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    else:
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
        if end_of_day:
            moment += timedelta(days=1)
    if not MIN_CALENDAR_YEAR <= moment.year <= MAX_CALENDAR_YEAR:
        problems.append(
            mark.problem(
                f"{what} {value.isoformat()} is outside the allowed range: years "
                f"{MIN_CALENDAR_YEAR} to {MAX_CALENDAR_YEAR}",
                "write an ISO date such as 2027-01-10 or a timestamp such as 2027-01-10T06:00:00Z",
            )
        )
        return None
    return moment


def month_range(text: str) -> tuple[int, int]:
    """'dec-mar' → (12, 3); 'jan' → (1, 1). The schema has checked the names."""
    first, _, last = text.partition("-")
    return MONTH_NAMES.index(first) + 1, MONTH_NAMES.index(last or first) + 1


def closed_windows(
    specs: Sequence[ClosedWindowSpec],
    mark_of: Callable[..., Mark],
    what: str,
    problems: list[Problem],
) -> tuple[ClosedWindow, ...]:
    """The closed windows of one repair resource; `mark_of(j, *keys)` locates entry j."""
    windows: list[ClosedWindow] = []
    for j, spec in enumerate(specs):
        window = _closed_window(spec, lambda *keys, j=j: mark_of(j, *keys), what, problems)
        if window is not None:
            windows.append(window)
    return tuple(windows)


def _closed_window(
    spec: ClosedWindowSpec, mark_of: Callable[..., Mark], what: str, problems: list[Problem]
) -> ClosedWindow | None:
    dated = spec.from_ is not None or spec.to is not None
    if (spec.months is None) == (not dated):
        problems.append(
            mark_of().problem(
                f"{what}: a closed window needs either months: or from: and to:",
                "e.g. {months: dec-mar} every winter, or {from: 2027-01-05, to: 2027-01-20}",
            )
        )
        return None
    if spec.months is not None:
        first, last = month_range(spec.months)
        if (last - first) % 12 == 11:
            problems.append(
                mark_of("months").problem(
                    f"{what}: months {spec.months} closes the resource all year, so it "
                    "could never repair anything",
                    "close at most eleven months, or remove the resource",
                )
            )
            return None
        return ClosedWindow(
            spec.months,
            months=(first, last),
            reason=spec.reason,
            source=tuple(spec.source),
            estimate=spec.estimate,
        )
    return _dated_window(spec, mark_of, what, problems)


def _dated_window(
    spec: ClosedWindowSpec,
    mark_of: Callable[..., Mark],
    what: str,
    problems: list[Problem],
) -> ClosedWindow | None:
    if spec.from_ is None or spec.to is None:
        missing = "to" if spec.to is None else "from"
        problems.append(
            mark_of().problem(
                f"{what}: a dated closed window needs both from: and to: ({missing}: is missing)"
            )
        )
        return None
    start = calendar_time(spec.from_, mark_of("from"), f"{what}: from", problems)
    end = calendar_time(spec.to, mark_of("to"), f"{what}: to", problems, end_of_day=True)
    if start is None or end is None:
        return None
    if end <= start:
        problems.append(
            mark_of("to").problem(
                f"{what}: the closed window ends ({spec.to.isoformat()}) before it begins "
                f"({spec.from_.isoformat()})",
                "to: comes after from: (a date alone includes that day)",
            )
        )
        return None
    name = f"{spec.from_.isoformat()}/{spec.to.isoformat()}"
    return ClosedWindow(
        name,
        start=start,
        end=end,
        reason=spec.reason,
        source=tuple(spec.source),
        estimate=spec.estimate,
    )
