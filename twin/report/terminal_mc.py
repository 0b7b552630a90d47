"""Rich summary of a Monte Carlo run: means with 95 % intervals against the SLA."""

from __future__ import annotations

import math

from rich.console import Console

from twin.report.terminal_outlook import print_outlook
from twin.report.terminal_text import add_row, plain, styled, titled_table
from twin.results.montecarlo import Interval, MonteCarloResult
from twin.results.sla import Verdict


def _ci(i: Interval, digits: int = 6) -> str:
    if not math.isfinite(i.low) or not math.isfinite(i.high):
        return f"{i.mean:.{digits}f}"
    return f"{i.mean:.{digits}f} [{i.low:.{digits}f}, {i.high:.{digits}f}]"


# How each verdict reads in a terminal table, and its colour.
_VERDICT = {
    Verdict.NO_SLA: ("-", ""),
    Verdict.HELD: ("meets (whole interval)", "green"),
    Verdict.MISSED: ("misses (whole interval)", "bold red"),
    Verdict.UNDECIDED: ("undecided: interval straddles target", "yellow"),
}


def print_mc_summary(console: Console, result: MonteCarloResult) -> None:
    title = f"{result.scenario}: {result.replications} replications, seed {result.seed}"
    if result.partial:
        title += f" — PARTIAL ({result.reason})"
    table = titled_table(title)
    for column in (
        "demand",
        "availability [95% CI]",
        "SLA availability [95% CI]",
        "SLA down min/yr [95% CI]",
        "target",
        "verdict",
    ):
        table.add_column(column)
    for d in result.demands:
        target = d.sla_target
        verdict = styled(*_VERDICT[d.verdict()])
        add_row(
            table,
            d.id,
            _ci(d.availability),
            _ci(d.sla_availability),
            _ci(d.sla_downtime_min_per_year, 1),
            "-" if target is None else f"{target:g}",
            verdict,
        )
    console.print(table)
    print_outlook(console, result)
    if result.precision_target is not None:
        state = "reached" if result.precision_reached else "NOT reached"
        watched = ", ".join(result.precision_demands) or "every demand"
        console.print(
            plain(
                f"precision target {result.precision_target:g} (relative half-width of "
                f"unavailability, watching {watched}) {state} after {result.replications} "
                "replications"
            )
        )
    else:
        console.print(plain(f"fixed {result.replications} replications (no precision target)"))
    for note in result.notes:
        console.print(plain(f"note: {note}"))
