"""The HTML view of `twin rank`: one section per ranking (the total, each demand, upgrades),
rendered by the autoescaping template `rank.html.j2`: element ids, file names and notes from a
user's files are escaped wherever they land."""

from __future__ import annotations

import math
from dataclasses import dataclass

from twin.report.html_env import render
from twin.report.terminal_rank import saved_text
from twin.results.rank import MEASURE_TEXT, TOTAL, RankResult, UpgradeResult

# Rows per section: the HTML is read by people; the JSON holds every entry.
HTML_ROWS = 25


@dataclass(frozen=True)
class Section:
    anchor: str
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int]
    caption: str = ""


def _shown(shown: int, total: int) -> str:
    return f"{shown} of {total} shown; the JSON output holds all" if shown < total else ""


def _importance_section(result: RankResult, demand: str | None) -> Section:
    rows = [e for e in result.ranked(demand) if e.saved.high > 0]
    who = f"{TOTAL} (traffic-weighted)" if demand is None else demand
    return Section(
        anchor=TOTAL if demand is None else f"demand-{demand}",
        heading=f"SLA downtime saved for {who}, minutes a year",
        columns=("#", "element", "kind", "if", "saved min/yr [interval]", "method"),
        rows=tuple(
            (
                str(i),
                e.element,
                e.kind,
                MEASURE_TEXT[e.measure],
                saved_text(e.saved),
                e.saved.method,
            )
            for i, e in enumerate(rows[:HTML_ROWS], 1)
        ),
        numeric=frozenset({0, 4}),
        caption=_shown(min(HTML_ROWS, len(rows)), len(rows)),
    )


def render_rank_html(result: RankResult) -> str:
    """The importance ranking as one self-contained HTML page (deterministic)."""
    sections = [_importance_section(result, None)]
    sections += [_importance_section(result, d.id) for d in result.demands]
    return render(
        "rank.html.j2",
        title=f"{result.scenario}: what to fix first",
        name=result.scenario,
        subtitle="importance ranking",
        sections=sections,
        notes_list=list(result.notes),
    )


def _upgrade_section(result: UpgradeResult) -> Section:
    ranked = result.ranked()
    demand_ids = tuple(d for d, _ in ranked[0].per_demand) if ranked else ()
    unit = result.cost_unit
    rows = []
    for c in ranked:
        ratio = c.saved_per_cost
        rows.append(
            (
                c.id,
                f"{c.cost:g}" + (" (estimate)" if c.estimate else ""),
                saved_text(c.total),
                f"{ratio:.4g}" if math.isfinite(ratio) else "free",
                *(saved_text(s) for _, s in c.per_demand),
                c.total.method,
                c.basis,
            )
        )
    columns = ("upgrade", f"cost {unit}", "total min/yr saved", f"min/yr per {unit}")
    return Section(
        anchor="upgrades",
        heading=f"Upgrades from {result.candidates_file}",
        columns=(*columns, *demand_ids, "method", "cost basis"),
        rows=tuple(rows),
        numeric=frozenset(range(1, 4 + len(demand_ids))),
    )


def _plan_section(result: UpgradeResult) -> Section:
    return Section(
        anchor="plans",
        heading=f"Best set within {result.budget:g} {result.cost_unit}"
        if result.budget is not None
        else "Best set (no budget given)",
        columns=("rule", "upgrades", f"cost {result.cost_unit}", "total min/yr saved", "method"),
        rows=tuple(
            (
                p.rule,
                ", ".join(p.candidates) or "nothing",
                f"{p.cost:g}",
                saved_text(p.saved),
                p.saved.method,
            )
            for p in result.plans
        ),
        numeric=frozenset({2, 3}),
    )


def render_upgrades_html(result: UpgradeResult) -> str:
    """The upgrade ranking and the budget plans as one self-contained HTML page."""
    return render(
        "rank.html.j2",
        title=f"{result.scenario}: upgrades",
        name=result.scenario,
        subtitle="upgrade ranking",
        sections=[_upgrade_section(result), _plan_section(result)],
        notes_list=list(result.notes),
    )
