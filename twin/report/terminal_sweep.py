"""Rich table of `twin sweep`: each variant's availability per demand, with 95 % intervals."""

from __future__ import annotations

from rich.table import Table

from twin.report.terminal_mc import ci_text
from twin.report.terminal_text import add_row, plain, titled_table
from twin.results.sweep import SweepResult


def sweep_table(result: SweepResult, replications: int) -> Table:
    title = f"{result.scenario}: sweep ({replications} replications per variant)"
    if result.partial:
        title += f" (partial: interrupted after {len(result.variants)} variant(s))"
    table = titled_table(title)
    table.add_column("variant")
    demand_ids = [d.id for d in result.variants[0].result.demands] if result.variants else []
    # Connectivity alone hides what the SLA counts (time over the RTT budget, e.g. on a long
    # detour while a cable waits for the weather): each demand shows both.
    for demand_id in demand_ids:
        table.add_column(plain(f"{demand_id} availability [95% CI]"))
        table.add_column(plain(f"{demand_id} SLA availability [95% CI]"))
    for variant in result.variants:
        cells = []
        for demand_id in demand_ids:
            stats = variant.result.demand(demand_id)
            cells += [ci_text(stats.availability), ci_text(stats.sla_availability)]
        add_row(table, variant.label, *cells)
    return table
