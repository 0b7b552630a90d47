"""Rich summary of a Monte Carlo run: means with 95 % intervals against the SLA."""

from __future__ import annotations

import math

from rich.console import Console

from twin.report.terminal_outlook import print_outlook
from twin.report.terminal_text import add_row, plain, styled, titled_table
from twin.results.montecarlo import Interval, MonteCarloResult
from twin.results.sla import Verdict


def ci_text(i: Interval, digits: int = 6) -> str:
    """A mean and its 95 % interval; the mean alone when the interval is not finite (one
    replication gives no spread)."""
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
        "estimator",
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
            ci_text(d.availability),
            ci_text(d.sla_availability),
            ci_text(d.sla_downtime_min_per_year, 1),
            d.estimator,
            "-" if target is None else f"{target:g}",
            verdict,
        )
    console.print(table)
    print_outlook(console, result)
    _print_survivability(console, result)
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


def _print_survivability(console: Console, result: MonteCarloResult) -> None:
    """Traffic lost per year and time over the RTT budget, per demand and in total."""
    rows = [
        (d.id, d.traffic_lost_gbit_per_year, d.over_rtt_share, d.estimator)
        for d in result.demands
        if d.traffic_lost_gbit_per_year is not None and d.over_rtt_share is not None
    ]
    if not rows:
        return
    table = titled_table("traffic survivability (95% CI)")
    for column in ("demand", "traffic lost Gbit/yr", "share of year over RTT budget", "estimator"):
        table.add_column(column)
    for demand_id, lost, over, estimator in rows:
        add_row(table, demand_id, ci_text(lost, 1), _percent(over), estimator)
    lost_total, over_total = result.total_traffic_lost_gbit_per_year, result.total_over_rtt_share
    if lost_total is not None and over_total is not None:
        add_row(
            table,
            "total (traffic-weighted share)",
            ci_text(lost_total, 1),
            _percent(over_total),
            "",
        )
    console.print(table)
    console.print(
        plain(
            f"rare events: {result.rare_events} (plain = the runs' time-averages; conditional = "
            "the same runs with the unbiased rare-event correction, docs/rare-events.md)"
        )
    )


def _percent(i: Interval) -> str:
    scaled = Interval(i.mean * 100.0, i.low * 100.0, i.high * 100.0, i.n)
    return ci_text(scaled, 4) + " %"
