"""Markdown summaries for pull-request comments and `$GITHUB_STEP_SUMMARY`.

Reviewers read these in a browser: failures first, each with the file and line that declared
the promise, then a compact table of everything that held.
"""

from __future__ import annotations

from twin.report.markdown_text import md_code, md_text
from twin.results.check import CheckOutcome, CheckReport
from twin.results.diff import TopologyDiff
from twin.results.rtt import measured_text as _rtt


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.6g}"


def _row(o: CheckOutcome) -> str:
    mark = "✅" if o.passed else "❌"
    measured = _rtt(o.measured, o.measured_fibre_rtt_ms)
    return (
        f"| {mark} | {md_text(o.scenario)} | {md_text(o.name)} | {measured} | "
        f"{_number(o.limit)} | {md_text(o.message)} | {md_code(f'{o.source_path}:{o.line}')} |"
    )


def render_check_markdown(report: CheckReport) -> str:
    failed, total = len(report.failed), len(report.outcomes)
    verdict = "all assertions hold" if report.passed else f"{failed} of {total} assertions FAILED"
    if report.partial:
        verdict = f"INTERRUPTED, {verdict}" if failed else "INTERRUPTED"
    lines = [f"## twin check: {verdict}", ""]
    if report.partial:
        lines += [f"⚠️ {report.interrupted_note}.", ""]
    header = [
        "| | scenario | assertion | measured | limit | verdict | declared at |",
        "|---|---|---|---:|---:|---|---|",
    ]
    if report.failed:
        lines += ["### Failed", "", *header, *(_row(o) for o in report.failed), ""]
    held = [o for o in report.outcomes if o.passed]
    if held:
        lines += ["### Held", "", *header, *(_row(o) for o in held), ""]
    return "\n".join(lines)


def render_diff_markdown(diff: TopologyDiff) -> str:
    lines = [f"## twin diff: {md_code(diff.base)} → {md_code(diff.head)}", ""]
    if not diff.elements:
        lines += ["No element changed.", ""]
    else:
        lines += ["| element | id | change | fields |", "|---|---|---|---|"]
        for e in diff.elements:
            fields = "; ".join(f"{f.field}: {f.before!r} → {f.after!r}" for f in e.fields)
            lines.append(f"| {e.kind} | {md_code(e.id)} | {e.change} | {md_text(fields)} |")
        lines.append("")
    if diff.demands:
        fibre = " (fibre)" if diff.calibrated else ""  # a calibration: fibre RTTs beside its RTTs
        lines += [
            f"| demand | best RTT ms{fibre} | disjoint paths (link/SRLG) | SPOFs | availability "
            f"| N-1 worst RTT ms{fibre} | verdict |",
            "|---|---|---|---|---|---|---|",
        ]
        for d in diff.demands:
            b, a = d.before, d.after
            verdict = (
                "❌ " + "; ".join(d.regressions)
                if d.regressions
                else ("✅ " + "; ".join(d.improvements) if d.improvements else "unchanged")
            )
            cells = [
                f"{md_code(d.demand_id)} {md_text(d.source)}→{md_text(d.destination)}",
                f"{_rtt(b.rtt_ms, b.fibre_rtt_ms)} → {_rtt(a.rtt_ms, a.fibre_rtt_ms)}",
                f"{b.link_disjoint_paths}/{b.srlg_disjoint_paths} → "
                f"{a.link_disjoint_paths}/{a.srlg_disjoint_paths}",
                f"{len(b.spof_links) + len(b.spof_srlgs)} → "
                f"{len(a.spof_links) + len(a.spof_srlgs)}",
                f"{_number(b.availability)} → {_number(a.availability)}",
                f"{_rtt(b.n1_worst_rtt_ms, b.n1_worst_fibre_rtt_ms)} → "
                f"{_rtt(a.n1_worst_rtt_ms, a.n1_worst_fibre_rtt_ms)}",
                md_text(verdict),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
