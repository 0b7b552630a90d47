"""Rich tables for `twin rank`: what each element or upgrade saves, best first, with intervals."""

from __future__ import annotations

import math

from rich.console import Console

from twin.report.terminal_text import add_row, plain, titled_table
from twin.report.terminal_truncation import shown_of
from twin.results.rank import (
    MEASURE_TEXT,
    TOTAL,
    RankResult,
    Saved,
    UpgradeResult,
)


def saved_text(s: Saved) -> str:
    """'12.3' when exact, '12.3 [10.1, 14.6]' otherwise (minutes a year)."""
    if s.low == s.high:
        return f"{s.value:.4g}"
    low = f"{s.low:.4g}" if math.isfinite(s.low) else "-inf"
    high = f"{s.high:.4g}" if math.isfinite(s.high) else "inf"
    return f"{s.value:.4g} [{low}, {high}]"


def _method_short(method: str) -> str:
    return method.split(":", 1)[0]


def print_rank(
    console: Console, result: RankResult, demand: str | None = None, top: int = 15
) -> None:
    """The ranking for one demand (None: the traffic-weighted total), and every note."""
    rows = [e for e in result.ranked(demand) if e.saved.high > 0]
    shown = rows[:top]
    who = TOTAL + " (traffic-weighted)" if demand is None else demand
    title = f"{result.scenario}: SLA downtime saved, minutes a year, for {who}"
    if result.partial:
        title += " (partial: interrupted)"
    zero = len(result.ranked(demand)) - len(rows)
    rest = "`--top N` or `--json` for all"
    caption = shown_of(len(shown), len(rows), rest)
    table = titled_table(title, caption=caption)
    for column in ("#", "element", "kind", "if", "saved min/yr [95% or bounds]", "method"):
        table.add_column(column, overflow="fold")
    for i, e in enumerate(shown, 1):
        add_row(
            table,
            str(i),
            e.element,
            e.kind,
            MEASURE_TEXT[e.measure],
            saved_text(e.saved),
            _method_short(e.saved.method),
        )
    console.print(table)
    if zero:
        console.print(plain(f"{zero} more element/measure pairs save nothing (not listed)"))
    base = ", ".join(f"{d.id} {d.downtime_min_per_year:.4g}" for d in result.demands)
    console.print(plain(f"analytic downtime today, min/yr: {base}"))
    for note in result.notes:
        console.print(plain(f"note: {note}"))


def print_upgrades(console: Console, result: UpgradeResult, top: int = 15) -> None:
    ranked = result.ranked()
    shown = ranked[:top]
    title = f"{result.scenario}: upgrades from {result.candidates_file}"
    if result.partial:
        title += " (partial: interrupted)"
    table = titled_table(title, caption=shown_of(len(shown), len(ranked)))
    demand_ids = [d for d, _ in ranked[0].per_demand] if ranked else []
    columns = ["upgrade", f"cost {result.cost_unit}", "total min/yr saved"]
    columns += [f"min/yr per {result.cost_unit}", *demand_ids, "method"]
    for column in columns:
        table.add_column(plain(column), overflow="fold")
    for c in shown:
        per_cost = c.saved_per_cost
        add_row(
            table,
            c.id,
            f"{c.cost:g}" + (" (est.)" if c.estimate else ""),
            saved_text(c.total),
            f"{per_cost:.4g}" if math.isfinite(per_cost) else "free",
            *(saved_text(s) for _, s in c.per_demand),
            _method_short(c.total.method),
        )
    console.print(table)
    for plan in result.plans:
        chosen = ", ".join(plan.candidates) or "nothing"
        console.print(
            plain(
                f"best set within {result.budget:g} {result.cost_unit} ({plan.rule}): {chosen}; "
                f"cost {plan.cost:g}, saves {saved_text(plan.saved)} min/yr in total "
                f"({_method_short(plan.saved.method)})"
            )
        )
    for note in result.notes:
        console.print(plain(f"note: {note}"))
