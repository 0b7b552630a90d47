"""Markdown table of a back-test, for the README and bench/results.md."""

from __future__ import annotations

from twin.report.markdown_text import md_text
from twin.results.backtest import BacktestResult
from twin.units import format_duration_h


def backtest_markdown(result: BacktestResult) -> str:
    """One row per reported restoration, then the coverage and scores, as Markdown."""
    lines = [
        "| incident | restored | reported (range) | modelled median | modelled 10-90 % "
        "| percentile | CRPS h | CRPS log |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for incident, o in result.rows():
        low_h, high_h = o.reported_range_h
        reported = (
            f"{format_duration_h(o.reported_h)} "
            f"({format_duration_h(low_h)} - {format_duration_h(high_h)})"
        )
        band = f"{format_duration_h(o.p10_h)} - {format_duration_h(o.p90_h)}"
        marker = "" if o.inside_band else " (outside)"
        cells = (
            md_text(incident.scenario.removeprefix("incident-")),
            md_text(o.id),
            reported,
            format_duration_h(o.p50_h),
            band,
            f"{o.percentile:.0f} %{marker}",
            f"{o.crps_h:.1f}",
            f"{o.crps_log:.3f}",
        )
        lines.append("| " + " | ".join(cells) + " |")
    s = result.summary
    lines.append("")
    lines.append(
        f"Inside the modelled 10-90 % band: {s.inside_band} of {s.observations} "
        f"({s.coverage:.0%}). Mean CRPS on log-time {s.mean_crps_log:.3f}, in hours "
        f"{s.mean_crps_h:.1f} h; median percentile {s.median_percentile:.0f} %. "
        f"{result.replications} replications per incident."
    )
    return "\n".join(lines) + "\n"
