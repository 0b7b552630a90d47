"""Rich tables of a topology diff: what changed in the file, then what it did per demand."""

from __future__ import annotations

from rich.console import Console

from twin.analysis.topology_diff import TopologyDiff
from twin.report.terminal_text import add_row, joined, plain, styled, titled_table


def _number(value: float | None, digits: int = 1) -> str:
    return "unreachable" if value is None else f"{value:.{digits}f}"


def print_diff(console: Console, diff: TopologyDiff) -> None:
    elements = titled_table(f"{diff.base} → {diff.head}: elements")
    for column in ("kind", "id", "change", "fields"):
        elements.add_column(column, overflow="fold")
    style = {"added": "green", "removed": "red", "changed": "yellow"}
    for e in diff.elements:
        fields = "; ".join(f"{f.field}: {f.before!r} → {f.after!r}" for f in e.fields)
        add_row(elements, e.kind, e.id, styled(e.change, style[e.change]), fields)
    if diff.elements:
        console.print(elements)
    else:
        console.print(plain("no element changed"))
    if not diff.demands:
        return
    demands = titled_table("per demand (base → head)")
    for column in (
        "demand",
        "best RTT ms",
        "disjoint link/SRLG",
        "SPOFs",
        "availability",
        "N-1 worst RTT ms",
        "verdict",
    ):
        demands.add_column(column, overflow="fold")
    for d in diff.demands:
        b, a = d.before, d.after
        if d.regressions:
            verdict = joined(styled("worse", "bold red"), ": " + "; ".join(d.regressions))
        elif d.improvements:
            verdict = joined(styled("better", "green"), ": " + "; ".join(d.improvements))
        else:
            verdict = plain("unchanged")
        add_row(
            demands,
            f"{d.demand_id} ({d.source}→{d.destination})",
            f"{_number(b.rtt_ms)} → {_number(a.rtt_ms)}",
            f"{b.link_disjoint_paths}/{b.srlg_disjoint_paths} → "
            f"{a.link_disjoint_paths}/{a.srlg_disjoint_paths}",
            f"{', '.join(b.spof_links + b.spof_srlgs) or '-'} → "
            f"{', '.join(a.spof_links + a.spof_srlgs) or '-'}",
            f"{_number(b.availability, 7)} → {_number(a.availability, 7)}",
            f"{_number(b.n1_worst_rtt_ms)} → {_number(a.n1_worst_rtt_ms)}",
            verdict,
        )
    console.print(demands)
