"""Rich summary of one simulation run: per demand, what a resilience team reads first."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from twin.report.terminal_text import add_row, joined, plain, styled, titled_table
from twin.report.terminal_truncation import shown_of
from twin.results import SimulationResult
from twin.units import WAIT_UNIT, format_duration_h

FAILED_LINKS_SHOWN = 10


def _pct(value: float) -> str:
    return f"{100.0 * value:.3f}%"


def _rtt(rtt_ms: float | None, fibre_rtt_ms: float | None) -> str:
    if rtt_ms is None:
        return "-"
    return f"{rtt_ms:.1f}" if fibre_rtt_ms is None else f"{rtt_ms:.1f} ({fibre_rtt_ms:.1f})"


def print_run_summary(console: Console, result: SimulationResult) -> None:
    """Per demand the figures a resilience team reads first, then why any SLA was missed, the
    repair pools, the links that failed and the run's notes."""
    console.print(_demand_table(result))
    for d in result.demands:
        if not d.sla_held:
            console.print(
                joined(
                    styled("SLA missed", "bold red"),
                    f" {d.id} ({d.source}→{d.destination}): {d.sla_note}",
                ),
                soft_wrap=True,
            )
    if result.resources:
        _print_resources(console, result)
    _print_failed_links(console, result)
    for note in result.notes:
        console.print(plain(f"note: {note}"))


def _demand_table(result: SimulationResult) -> Table:
    """One row per demand; the title says what was run and whether it was interrupted."""
    title = (
        f"{result.scenario}: {format_duration_h(result.horizon_h)} on {result.topology}, "
        f"seed {result.seed}"
    )
    if result.partial:
        title += " (partial: interrupted)"
    table = titled_table(title)
    for column in (
        "demand",
        "avail.",
        "SLA avail.",
        "target",
        "SLA down min/yr",
        "outages",
        "longest",
        "base RTT ms (fibre)",
        "p99 RTT ms (fibre)",
        "failovers",
        "lost Gbit",
        "SLA held",
    ):
        table.add_column(column, justify="right" if column != "demand" else "left")
    for d in result.demands:
        target = "-" if d.sla_availability_target is None else f"{d.sla_availability_target:g}"
        add_row(
            table,
            d.id,
            _pct(d.availability),
            _pct(d.sla_availability),
            target,
            f"{d.sla_downtime_min_per_year:.1f}",
            str(d.outage_count),
            "-"
            if d.max_time_to_restore_h is None
            else format_duration_h(d.max_time_to_restore_h, WAIT_UNIT),
            _rtt(d.base_rtt_ms, d.base_fibre_rtt_ms),
            _rtt(d.rtt_p99_ms, d.fibre_rtt_p99_ms),
            str(d.failovers),
            f"{d.traffic_lost_gbit:.3g}",
            styled("yes", "green") if d.sla_held else styled("no", "bold red"),
        )
    return table


def _print_failed_links(console: Console, result: SimulationResult) -> None:
    """The links that failed, most downtime first, cut at FAILED_LINKS_SHOWN (the caption says
    so and where the rest is)."""
    failed = sorted((link for link in result.links if link.failures), key=lambda x: -x.downtime_h)
    if not failed:
        return
    links = titled_table(
        "links that failed (most downtime first)",
        caption=shown_of(min(len(failed), FAILED_LINKS_SHOWN), len(failed), "`--json` for all"),
    )
    for column in ("link", "failures", "downtime", "mean utilisation"):
        links.add_column(column)
    for link in failed[:FAILED_LINKS_SHOWN]:
        add_row(
            links,
            link.id,
            str(link.failures),
            format_duration_h(link.downtime_h),
            _pct(link.utilisation_mean),
        )
    console.print(links)


def _print_resources(console: Console, result: SimulationResult) -> None:
    """The repair pools; a column of the time their jobs stood still for closed windows
    (summed from the run's records) when any did."""
    held_h: dict[str, float] = {}
    for record in result.element_outages:
        if record.resource is not None and record.window_wait_h > 0:
            held_h[record.resource] = held_h.get(record.resource, 0.0) + record.window_wait_h
    res = titled_table("repair resources")
    columns = ["resource", "kind", "units", "jobs", "mean wait", "max wait", "busy"]
    if held_h:
        columns.append("held by closed windows")
    for column in columns:
        res.add_column(column)
    for r in result.resources:
        cells = [
            r.id,
            r.kind,
            str(r.count),
            str(r.jobs),
            format_duration_h(r.mean_wait_h, WAIT_UNIT),
            format_duration_h(r.max_wait_h, WAIT_UNIT),
            _pct(r.busy_fraction),
        ]
        if held_h:
            cells.append(format_duration_h(held_h.get(r.id, 0.0), WAIT_UNIT))
        add_row(res, *cells)
    console.print(res)
