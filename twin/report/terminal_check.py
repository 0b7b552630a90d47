"""Rich table of the CI gate's outcomes: failures in red first, so the reason is on screen."""

from __future__ import annotations

from rich.console import Console

from twin.report.terminal_text import add_row, styled, titled_table
from twin.results.check import CheckReport
from twin.results.rtt import measured_text


def _number(value: float | None) -> str:
    return measured_text(value)


def print_check_report(console: Console, report: CheckReport) -> None:
    table = titled_table("twin check", show_lines=False)
    for column in ("", "scenario", "assertion", "measured", "limit", "verdict", "declared at"):
        table.add_column(column, overflow="fold")
    ordered = sorted(report.outcomes, key=lambda o: o.passed)
    for o in ordered:
        add_row(
            table,
            styled("PASS", "green") if o.passed else styled("FAIL", "bold red"),
            o.scenario,
            o.name,
            measured_text(o.measured, o.measured_fibre_rtt_ms),
            _number(o.limit),
            o.message,
            f"{o.source_path}:{o.line}",
        )
    console.print(table)
    if report.partial:
        console.print(styled(report.interrupted_note, "bold red"))
    if report.passed:
        console.print(styled(f"all {len(report.outcomes)} assertions hold", "green"))
    elif report.failed:
        console.print(
            styled(f"{len(report.failed)} of {len(report.outcomes)} assertions failed", "bold red")
        )
