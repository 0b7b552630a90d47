"""Markdown summary of a contingency analysis, for a pull-request comment or a CI step summary.

The same worst failures as the terminal table, in the same order (`ContingencyResult.worst`),
with each demand over its RTT budget named with its RTT and, beside a calibrated one, the fibre
RTT. User strings (ids, labels) are escaped for Markdown; a table that lists only the worst
failures says how many it left out.
"""

from __future__ import annotations

from twin.report.markdown_text import md_code, md_text
from twin.results.contingency import ContingencyResult, FailureImpact
from twin.results.rtt import demand_rtts_text


def _row(f: FailureImpact) -> str:
    stretch = max(f.stretch.values(), default=1.0)
    link = f" on {md_code(f.max_utilisation_link)}" if f.max_utilisation_link else ""
    cells = (
        md_code(f.label),
        f"{f.unrouted_gbps:.6g}",
        md_text(", ".join(f.disconnected) or "-"),
        md_text(demand_rtts_text(f.over_rtt, f.over_rtt_ms) or "-"),
        f"×{stretch:.2f}",
        f"{f.max_utilisation:.3f}{link}",
        str(len(f.overloaded)),
    )
    return "| " + " | ".join(cells) + " |"


def contingency_markdown(result: ContingencyResult, top: int = 15) -> str:
    """The worst `top` failures as a Markdown table, then the base state and the worst load."""
    title = (
        f"## twin contingency: {md_code(result.topology)}, {result.mode} "
        f"({result.routing} routing, {result.metric} metric)"
    )
    lines = [title, ""]
    if result.partial:
        lines += [
            f"Partial: interrupted after {len(result.failures):,} of "
            f"{result.failures_total:,} failures.",
            "",
        ]
    worst = result.worst(top)
    lines += [
        "| failure | unrouted Gbit/s | disconnected | over RTT budget: RTT (fibre) "
        "| max stretch | max utilisation | overloaded links |",
        "|---|---|---|---|---|---|---|",
        *(_row(f) for f in worst),
        "",
    ]
    if len(worst) < len(result.failures):
        lines += [
            f"The worst {len(worst):,} of {len(result.failures):,} failures; "
            "the JSON output lists all.",
            "",
        ]
    if result.base_unroutable:
        lines += [
            f"Unroutable in the base state (not counted in any failure): "
            f"{len(result.base_unroutable)} demands, {result.base_unroutable_gbps:.6g} Gbit/s.",
            "",
        ]
    util, link, failure = result.worst_utilisation
    lines.append(
        f"No failure: max utilisation {result.base_max_utilisation:.3f} on "
        f"{md_code(result.base_max_utilisation_link or '-')}; worst over all failures "
        f"{util:.3f} on {md_code(link or '-')} after {md_code(failure)}."
    )
    return "\n".join(lines) + "\n"
