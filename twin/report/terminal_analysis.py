"""Rich tables of `twin analyze`: where each demand goes, how close to physics, what breaks it."""

from __future__ import annotations

from rich.console import Console

from twin.report.terminal_text import add_row, joined, styled, titled_table
from twin.results.analysis import PathAnalysis


def _rtts(paths: tuple[object, ...]) -> str:
    values = [f"{p.rtt_ms:.1f}" for p in paths]  # type: ignore[attr-defined]
    return f"{len(values)}: " + ", ".join(values) if values else "0"


def print_path_analysis(console: Console, analysis: PathAnalysis) -> None:
    suffix = " (planned links in service)" if analysis.include_planned else ""
    table = titled_table(f"{analysis.topology}: paths per demand{suffix}")
    for column in (
        "demand",
        "RTT ms",
        "fibre RTT ms",
        "length km",
        "floor ms",
        "stretch",
        "link-disjoint (RTT ms)",
        "SRLG-disjoint ≥ (RTT ms)",
        "single points of failure",
    ):
        table.add_column(column, overflow="fold")
    for d in analysis.demands:
        name = f"{d.demand_id} ({d.source}→{d.destination})"
        if d.best is None:
            add_row(
                table,
                name,
                styled("no path", "bold red"),
                "-",
                "-",
                f"{d.floor_rtt_ms:.1f}",
                "-",
                "0",
                "0",
                "-",
            )
            continue
        spofs = [f"link {x}" for x in d.spof_links]
        spofs += [f"node {x}" for x in d.spof_nodes]
        spofs += [f"SRLG {x}" for x in d.spof_srlgs]
        add_row(
            table,
            name,
            f"{d.best.rtt_ms:.1f}",
            f"{d.best.fibre_rtt_ms:.1f}",
            f"{d.best.length_km:,.0f}",
            f"{d.floor_rtt_ms:.1f}",
            f"{d.stretch:.2f}" if d.stretch is not None else "-",
            _rtts(d.link_disjoint),
            _rtts(d.srlg_disjoint),
            styled(", ".join(spofs), "bold red") if spofs else styled("none", "green"),
        )
    console.print(table)
    for d in analysis.demands:
        if d.best is not None:
            console.print(
                joined(styled(d.demand_id, "bold"), ": " + " → ".join(d.best.nodes)),
                soft_wrap=True,
            )
