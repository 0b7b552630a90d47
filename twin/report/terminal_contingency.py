"""Rich tables for contingency analysis: the worst failures first, then the overloads."""

from __future__ import annotations

from rich.console import Console

from twin.report.terminal_text import add_row, plain, titled_table
from twin.report.terminal_truncation import shown_of
from twin.results.contingency import ContingencyResult
from twin.results.rtt import demand_rtts_text


def print_contingency(console: Console, result: ContingencyResult, top: int = 15) -> None:
    title = (
        f"{result.topology}: {result.mode} with {result.routing} routing ({result.metric} metric), "
        f"{len(result.failures)} failures, {result.demands} demands"
    )
    if result.partial:
        title += f" (partial: interrupted after {len(result.failures)} of {result.failures_total})"
    worst = result.worst(top)
    table = titled_table(title, caption=shown_of(len(worst), len(result.failures)))
    for column in (
        "failure",
        "unrouted Gbit/s",
        "disconnected",
        "over RTT budget (fibre)",
        "max stretch",
        "max utilisation",
        "overloaded links",
    ):
        table.add_column(column, overflow="fold")
    for f in worst:
        stretch = max(f.stretch.values(), default=1.0)
        add_row(
            table,
            f.label,
            f"{f.unrouted_gbps:.6g}",
            ", ".join(f.disconnected) or "-",
            demand_rtts_text(f.over_rtt, f.over_rtt_ms) or "-",
            f"{stretch:.2f}",
            f"{f.max_utilisation:.3f} on {f.max_utilisation_link or '-'}",
            str(len(f.overloaded)),
        )
    console.print(table)
    if result.base_unroutable:
        console.print(
            f"unroutable in the base state (no path before any failure, not counted in any "
            f"failure): {len(result.base_unroutable)} demands, "
            f"{result.base_unroutable_gbps:.6g} Gbit/s",
            markup=False,
            highlight=False,
        )
    util, link, failure = result.worst_utilisation
    console.print(
        plain(
            f"no failure: max utilisation {result.base_max_utilisation:.3f} on "
            f"{result.base_max_utilisation_link or '-'}; worst over all failures {util:.3f} on "
            f"{link or '-'} after {failure}"
        )
    )
