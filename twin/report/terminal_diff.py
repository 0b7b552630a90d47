"""Rich tables of a topology diff: what changed in the file, then what it did per demand."""

from __future__ import annotations

from rich.console import Console

from twin.report.terminal_text import add_row, plain, styled, titled_table
from twin.results.diff import TopologyDiff
from twin.results.rtt import rtt_text

RttPair = tuple[float | None, float | None]  # (RTT, fibre RTT) in ms


def _number(value: float | None, digits: int = 1) -> str:
    return "disconnected" if value is None else f"{value:.{digits}f}"


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
    fibre = " (fibre)" if diff.calibrated else ""  # a calibration: fibre RTTs beside its RTTs
    rtt_columns = (f"best RTT ms{fibre}", "paths L/S", "SPOFs", "availability")
    for column in ("demand", *rtt_columns, f"N-1 worst RTT{fibre}"):
        demands.add_column(column, no_wrap=True)
    demands.add_column("verdict", no_wrap=True)
    details: list[str] = []
    for d in diff.demands:
        b, a = d.before, d.after
        if d.regressions:
            verdict = styled("worse", "bold red")
            details.append(f"{d.demand_id} worse: " + "; ".join(d.regressions))
        elif d.improvements:
            verdict = styled("better", "green")
            details.append(f"{d.demand_id} better: " + "; ".join(d.improvements))
        else:
            verdict = plain("unchanged")
        add_row(
            demands,
            d.demand_id,
            _rtt_change((b.rtt_ms, b.fibre_rtt_ms), (a.rtt_ms, a.fibre_rtt_ms)),
            f"{b.link_disjoint_paths}/{b.srlg_disjoint_paths} → "
            f"{a.link_disjoint_paths}/{a.srlg_disjoint_paths}",
            f"{len(b.spof_links) + len(b.spof_srlgs)} → {len(a.spof_links) + len(a.spof_srlgs)}",
            _change(b.availability, a.availability, 7),
            _rtt_change(
                (b.n1_worst_rtt_ms, b.n1_worst_fibre_rtt_ms),
                (a.n1_worst_rtt_ms, a.n1_worst_fibre_rtt_ms),
            ),
            verdict,
        )
    console.print(demands)
    # What changed, one line per demand below the table: lists of links do not fit in a cell
    # of a table meant to stay within 120 columns.
    for line in details:
        console.print(plain(line))


def _change(before: float | None, after: float | None, digits: int) -> str:
    """`42.6 → 40.1`; a value missing on both sides (no path) is 'still disconnected'."""
    if before is None and after is None:
        return "still disconnected"
    return f"{_number(before, digits)} → {_number(after, digits)}"


def _rtt_change(before: RttPair, after: RttPair) -> str:
    """`80.3 (fibre 42.6) → 78.1 (fibre 40.9)`: each side's RTT with its fibre RTT beside it
    when a calibration makes them differ."""
    if before[0] is None and after[0] is None:
        return "still disconnected"
    return f"{_rtt(*before)} → {_rtt(*after)}"


def _rtt(rtt_ms: float | None, fibre_rtt_ms: float | None) -> str:
    return "disconnected" if rtt_ms is None else rtt_text(rtt_ms, fibre_rtt_ms, unit="")
