"""Rich table of analytic availability: the value or its certified interval, how it was
obtained, minutes down per year, and for bounds the achieved relative width and whether the
time budget ran out before the target width."""

from __future__ import annotations

import math
from collections.abc import Mapping

from rich.console import Console

from twin.analysis.availability import AvailabilityResult
from twin.report.terminal_text import add_row, plain, titled_table


def _width(r: AvailabilityResult) -> str:
    if r.exact:
        return "exact"
    relative = r.relative_width
    return "unbounded" if math.isinf(relative) else f"{relative:.1%}"


def _note(r: AvailabilityResult) -> str:
    if r.interrupted:
        return "interrupted: not analysed"
    if r.exact:
        return ""
    if r.budget_exhausted:
        return "time budget ran out"
    return "" if r.converged else "state cap reached before the target width"


def print_availability(console: Console, results: Mapping[str, AvailabilityResult]) -> None:
    title = "steady-state availability (failure classes, independent components)"
    interrupted = sum(1 for r in results.values() if r.interrupted)
    if interrupted:
        title += f" (partial: interrupted, {interrupted} of {len(results)} not analysed)"
    table = titled_table(title)
    for column in ("demand", "availability", "lower", "upper", "down min/yr", "width", "note"):
        table.add_column(column, overflow="fold")
    methods: dict[str, int] = {}
    for demand_id, r in results.items():
        methods[r.method] = methods.get(r.method, 0) + 1
        add_row(
            table,
            f"{demand_id} ({r.source}→{r.destination})",
            f"{r.value:.9f}",
            f"{r.lower:.9f}",
            f"{r.upper:.9f}",
            f"{r.unavailability_min_per_year:.3g}",
            _width(r),
            _note(r),
        )
    console.print(table)
    for method, count in methods.items():
        console.print(plain(f"{count} demand(s): {method}"))
    short = sum(1 for r in results.values() if r.budget_exhausted)
    if short:
        console.print(
            plain(
                f"{short} of {len(results)} demands: the time budget ran out before their bounds "
                "reached the target width (--time-budget to give more; the intervals shown are "
                "still certified)."
            )
        )
