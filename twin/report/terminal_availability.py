"""Rich table of analytic availability: the value, how it was obtained, minutes down per year."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console

from twin.analysis.availability import AvailabilityResult
from twin.report.terminal_text import add_row, titled_table


def print_availability(console: Console, results: Mapping[str, AvailabilityResult]) -> None:
    table = titled_table("steady-state availability (failure classes, independent components)")
    for column in ("demand", "availability", "lower", "upper", "down min/yr", "method"):
        table.add_column(column, overflow="fold")
    for demand_id, r in results.items():
        add_row(
            table,
            f"{demand_id} ({r.source}→{r.destination})",
            f"{r.value:.9f}",
            f"{r.lower:.9f}",
            f"{r.upper:.9f}",
            f"{r.unavailability_min_per_year:.1f}",
            f"{r.method} ({r.states_examined} pivots/states, {r.components} components)",
        )
    console.print(table)
