"""`twin report` for topology diffs: what a change to a topology file does, for a reviewer.

Same page style as the run and contingency reports, a third question: not "what happened" or
"what would happen if", but "what does this pull request change?". The verdict line says how
many demands got better, worse or stayed the same, and names the worst regression with its
reason; the map shows the HEAD topology with added links in green, changed ones amber and removed
ones (drawn from the BASE topology, when it can still be found) dashed red; then every element
added, removed or changed field by field, and per demand its measures base → head (best RTT,
disjoint paths, single points of failure, analytic availability, N-1 worst case), regressions
highlighted.

The diff document (`twin diff BASE HEAD --json FILE`) carries ids and changed fields, not
geometry: the map needs the topologies themselves, found from the labels the document records
(a file, or ``REV:PATH`` in git) like the other reports find theirs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup

from twin.atomic import canonical_json
from twin.errors import InputError
from twin.model import Link, Node, Topology
from twin.provenance import file_sha256
from twin.report.html_env import render, twin_version
from twin.report.html_map import NO_DATA, LegendRow, LinkPaint, map_legend, render_map_svg
from twin.report.run_view import format_percent
from twin.results.diff import (
    DIFF_SCHEMA,
    DemandDelta,
    DemandMeasures,
    ElementChange,
    FieldChange,
    Thresholds,
    TopologyDiff,
)
from twin.results.rtt import rtt_text

# How each kind of change is drawn on the map: (colour, legend text).
ADDED_COLOUR = "#2e7d32"
CHANGED_COLOUR = "#f9a825"
REMOVED_COLOUR = "#c62828"
REMOVED_DASH = "6 4"
# Drawing order and weight on the map: removed on top, then added, then changed.
_RANK = {"removed": 3.0, "added": 2.0, "changed": 1.0}
STATUS_LABEL = {"worse": "worse", "better": "better", "unchanged": "unchanged"}
# The measure each regression / improvement sentence of `compare_demand` starts with, by column.
_COLUMN_PREFIXES: Mapping[str, tuple[str, ...]] = {
    "rtt": ("best RTT ms",),
    "disjoint": ("link-disjoint paths", "SRLG-disjoint paths"),
    "spof": ("new single points of failure", "single points of failure removed"),
    "availability": ("availability",),
    "n1": ("N-1 worst RTT ms",),
}


@dataclass(frozen=True)
class DiffSide:
    """One side of the diff as found now: its label, and its topology unless it cannot be read."""

    label: str
    topology: Topology | None = None
    sha256: str | None = None
    problem: str = ""  # why `topology` is None

    def describe(self) -> str:
        if self.topology is None:
            return f"not loaded: {self.problem or 'not found'}"
        topo = self.topology
        return f"{topo.name}: {len(topo.nodes)} nodes, {len(topo.links)} links"


def load_side(label: str, bases: Sequence[Path] = (Path("."),)) -> DiffSide:
    """The topology a diff side names, found as `twin diff` saw it: a file relative to one of
    `bases` (the working directory, beside the diff file), or ``REV:PATH`` read from git.

    Never raises: a side that cannot be read comes back without a topology, saying why.
    """
    from twin.loading import load_topology
    from twin.revisions import is_revision_spec, materialise

    def first_problem(exc: InputError) -> str:
        p = exc.problems[0]
        return f"{p.path}: {p.message}" if p.path and p.path not in p.message else p.message

    if is_revision_spec(label):
        try:
            with materialise(label) as local:
                return DiffSide(label, load_topology(local), file_sha256(local))
        except InputError as exc:
            return DiffSide(label, problem=first_problem(exc))
    path = Path(label)
    candidates = [path] if path.is_absolute() else [base / path for base in bases]
    for candidate in candidates:
        if candidate.is_file():
            try:
                return DiffSide(label, load_topology(candidate), file_sha256(candidate))
            except InputError as exc:
                return DiffSide(label, problem=first_problem(exc))
    return DiffSide(label, problem="no such file here or beside the diff")


# ----------------------------------------------------------------------------------------------
# Reading the document
# ----------------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------------
# Verdicts
# ----------------------------------------------------------------------------------------------


def demand_status(delta: DemandDelta) -> str:
    """worse (any regression beyond the thresholds), better, or unchanged."""
    if delta.regressions:
        return "worse"
    if delta.improvements:
        return "better"
    return "unchanged"


def demand_sentence(delta: DemandDelta) -> str:
    status = demand_status(delta)
    if status == "worse":
        return "worse: " + "; ".join(delta.regressions)
    if status == "better":
        return "better: " + "; ".join(delta.improvements)
    return "unchanged within the thresholds"


def _severity(delta: DemandDelta) -> tuple[bool, float, int, float]:
    """How bad a regression is: lost reachability, then availability lost, then how many
    measures got worse, then RTT added."""
    b, a = delta.before, delta.after
    unreachable = any("unreachable" in r for r in delta.regressions)
    lost = (
        b.availability - a.availability
        if b.availability is not None and a.availability is not None
        else 0.0
    )
    slower = a.rtt_ms - b.rtt_ms if a.rtt_ms is not None and b.rtt_ms is not None else 0.0
    return (unreachable, lost, len(delta.regressions), slower)


def worst_regression(demands: Sequence[DemandDelta]) -> DemandDelta | None:
    """The demand that got worst (see `_severity`); ties go to the first in id order."""
    worse = sorted((d for d in demands if d.regressions), key=lambda d: d.demand_id)
    return max(worse, key=_severity) if worse else None


def verdict_line(diff: TopologyDiff) -> str:
    """One sentence a reviewer reads first: counts, and the worst regression with its reason."""
    if not diff.demands:
        return "No demand was compared: only the elements below changed."
    counts = dict.fromkeys(STATUS_LABEL, 0)
    for d in diff.demands:
        counts[demand_status(d)] += 1
    total = len(diff.demands)
    text = (
        f"Of {total} demand{'s' if total != 1 else ''}, {counts['worse']} got worse, "
        f"{counts['better']} better, {counts['unchanged']} unchanged."
    )
    worst = worst_regression(diff.demands)
    if worst is None:
        return text + " No demand got worse beyond the thresholds."
    return (
        text
        + f" Worst regression: {worst.demand_id} ({worst.source} → {worst.destination}): "
        + "; ".join(worst.regressions)
        + "."
    )


# ----------------------------------------------------------------------------------------------
# Map
# ----------------------------------------------------------------------------------------------


def _value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def field_text(change: FieldChange) -> str:
    return f"{change.field}: {_value(change.before)} → {_value(change.after)}"


def map_topology(head: Topology, base: Topology | None, diff: TopologyDiff) -> Topology:
    """HEAD, plus the links (and their end nodes) the diff removed, taken from BASE."""
    if base is None:
        return head
    removed = [
        base.links[c.id]
        for c in diff.elements
        if c.kind == "link" and c.change == "removed" and c.id in base.links
    ]
    if not removed:
        return head
    nodes: dict[str, Node] = dict(head.nodes)
    links: dict[str, Link] = dict(head.links)
    for link in removed:
        for end in (link.a, link.b):
            if end not in nodes and end in base.nodes:
                nodes[end] = base.nodes[end]
        if link.a in nodes and link.b in nodes:
            links[link.id] = dataclasses.replace(link, status="active")  # drawn, whatever it was
    return dataclasses.replace(head, nodes=nodes, links=links)


def link_paint(diff: TopologyDiff, drawn: Topology) -> dict[str, LinkPaint]:
    """Every drawn link coloured by what the diff did to it (grey: untouched)."""
    changes = {c.id: c for c in diff.elements if c.kind == "link"}
    paint: dict[str, LinkPaint] = {}
    for link in drawn.links.values():
        change = changes.get(link.id)
        if change is None:
            paint[link.id] = LinkPaint(NO_DATA, "unchanged")
        elif change.change == "added":
            note = "added in HEAD" + (f" ({link.status})" if link.status != "active" else "")
            paint[link.id] = LinkPaint(ADDED_COLOUR, note, _RANK["added"])
        elif change.change == "changed":
            note = "changed: " + "; ".join(field_text(f) for f in change.fields)
            paint[link.id] = LinkPaint(CHANGED_COLOUR, note, _RANK["changed"])
        else:
            paint[link.id] = LinkPaint(
                REMOVED_COLOUR,
                "removed: in BASE only",
                _RANK["removed"],
                marked=True,
                dash=REMOVED_DASH,
            )
    return paint


def _legend(removed_links: int, base: DiffSide, added_nodes: bool, removed_nodes: bool) -> Markup:
    rows = [
        LegendRow(ADDED_COLOUR, "added in HEAD", "line"),
        LegendRow(CHANGED_COLOUR, "changed (hover for the fields)", "line"),
    ]
    if removed_links == 0:
        rows.append(LegendRow(REMOVED_COLOUR, "removed ✕ (none in this diff)", "dashed"))
    elif base.topology is not None:
        rows.append(LegendRow(REMOVED_COLOUR, "removed ✕ (drawn from BASE)", "dashed"))
    else:
        rows.append(
            LegendRow(REMOVED_COLOUR, f"{removed_links} removed link(s): in the table only", "none")
        )
        rows.append(LegendRow("#66707a", "(BASE topology not found, no geometry)", "none"))
    rows.append(LegendRow(NO_DATA, "unchanged", "line"))
    if added_nodes:
        rows.append(LegendRow("#1f2933", "● filled node, bold name: added in HEAD", "none"))
    if removed_nodes:
        rows.append(LegendRow(REMOVED_COLOUR, "○ red ring: node removed (from BASE)", "none"))
    return map_legend("Change from BASE to HEAD", rows, width=270.0)


# ----------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------


def _details(change: ElementChange, head: Topology, base: Topology | None) -> str:
    """What the element is (from HEAD, or BASE for a removed one): ends, kind, length, name."""
    topo = base if change.change == "removed" else head
    if topo is None:
        return "(BASE topology not loaded)"
    if change.kind == "link" and change.id in topo.links:
        link = topo.links[change.id]
        text = (
            f"{link.a} – {link.b}, {link.kind}, {link.length_km:,.0f} km, "
            f"{link.capacity_gbps:,.0f} Gbit/s"
        )
        if link.status != "active":
            text += f", {link.status}"
        return f"{link.name} ({text})" if link.name else text
    if change.kind == "node" and change.id in topo.nodes:
        node = topo.nodes[change.id]
        return f"{node.name}, {node.country}, {node.role}"
    if change.kind == "srlg" and change.id in topo.srlgs:
        return topo.srlgs[change.id].description or "–"
    return "–"


def _cell_css(delta: DemandDelta, column: str) -> str:
    """ "worse" / "better" when a regression / improvement sentence is about this column."""
    prefixes = _COLUMN_PREFIXES[column]
    if any(r.startswith(prefixes) for r in delta.regressions):
        return "worse"
    if any(r.startswith(prefixes) for r in delta.improvements):
        return "better"
    return ""


def _rtt(value: float | None, fibre_rtt_ms: float | None) -> str:
    """An RTT cell, with the fibre RTT beside it when a calibration makes them differ."""
    return "unreachable" if value is None else rtt_text(value, fibre_rtt_ms, unit="")


def _n1(m: DemandMeasures) -> str:
    if m.rtt_ms is None:
        return "unreachable"
    if m.n1_worst_rtt_ms is None:
        return "cut by one failure"
    return rtt_text(m.n1_worst_rtt_ms, m.n1_worst_fibre_rtt_ms, unit="")


def _availability(value: float | None) -> str:
    return "–" if value is None else format_percent(value)


def _spofs(delta: DemandDelta) -> tuple[int, int, list[tuple[str, str]]]:
    """SPOF counts base and head, and every SPOF of either side: gone, new or kept."""
    before = set(delta.before.spof_links) | set(delta.before.spof_srlgs)
    after = set(delta.after.spof_links) | set(delta.after.spof_srlgs)
    states = [
        (spof, "gone" if spof not in after else ("new" if spof not in before else "kept"))
        for spof in sorted(before | after)
    ]
    return len(before), len(after), states


def _demand_row(d: DemandDelta) -> dict[str, Any]:
    b, a = d.before, d.after
    rtt_delta = (
        f"{a.rtt_ms - b.rtt_ms:+.1f} ms" if a.rtt_ms is not None and b.rtt_ms is not None else ""
    )
    spofs_before, spofs_after, spofs = _spofs(d)
    return {
        "delta": d,
        "status": demand_status(d),
        "css": SimpleNamespace(**{column: _cell_css(d, column) for column in _COLUMN_PREFIXES}),
        "rtt": (_rtt(b.rtt_ms, b.fibre_rtt_ms), _rtt(a.rtt_ms, a.fibre_rtt_ms), rtt_delta),
        "disjoint": (
            f"{b.link_disjoint_paths}/{b.srlg_disjoint_paths}",
            f"{a.link_disjoint_paths}/{a.srlg_disjoint_paths}",
        ),
        "spofs_before": spofs_before,
        "spofs_after": spofs_after,
        "spofs": spofs,
        "availability": (_availability(b.availability), _availability(a.availability)),
        "n1": (_n1(b), _n1(a)),
    }


# ----------------------------------------------------------------------------------------------
# Page
# ----------------------------------------------------------------------------------------------


def _thresholds_text(t: Thresholds) -> str:
    return (
        f"best RTT +{t.rtt_ms:g} ms, availability −{t.availability:g}, "
        f"N-1 worst RTT +{t.n1_rtt_ms:g} ms"
    )


def _map(diff: TopologyDiff, head: Topology, base: DiffSide) -> Markup:
    """HEAD with the removed links of BASE: added green, changed amber, removed dashed red."""
    drawn = map_topology(head, base.topology, diff)
    removed_links = sum(1 for e in diff.elements if e.kind == "link" and e.change == "removed")
    added_nodes = [e.id for e in diff.elements if e.kind == "node" and e.change == "added"]
    removed_nodes = [
        e.id
        for e in diff.elements
        if e.kind == "node" and e.change == "removed" and e.id in drawn.nodes
    ]
    return render_map_svg(
        drawn,
        {},
        highlight_nodes=added_nodes,
        failed_nodes=removed_nodes,
        paint=link_paint(diff, drawn),
        legend_svg=_legend(removed_links, base, bool(added_nodes), bool(removed_nodes)),
    )


def _provenance(
    diff: TopologyDiff, head: DiffSide, base: DiffSide, digest: str
) -> list[tuple[str, str]]:
    return [
        ("base", base.label),
        ("base topology", base.describe()),
        ("base file SHA-256", base.sha256 or "unavailable"),
        ("head", head.label),
        ("head topology", head.describe()),
        ("head file SHA-256", head.sha256 or "unavailable"),
        ("regression thresholds", _thresholds_text(diff.thresholds)),
        ("diff schema", DIFF_SCHEMA),
        ("twin version", twin_version()),
        ("results SHA-256", digest),
    ]


def render_diff_html(diff: TopologyDiff, head: DiffSide, base: DiffSide) -> str:
    """The diff report as one self-contained HTML string (deterministic).

    `head.topology` is required (the map is drawn on it); without `base.topology` removed links
    are listed in the element table only, and the legend says so.
    """
    if head.topology is None:
        raise ValueError(f"cannot draw the diff without its HEAD topology ({head.label})")
    digest = hashlib.sha256(canonical_json(diff.to_dict()).encode("utf-8")).hexdigest()
    statuses = [demand_status(d) for d in diff.demands]
    worse = statuses.count("worse")
    return render(
        "diff.html.j2",
        title=f"{head.topology.name}: topology diff report",
        head=head,
        base=base,
        statuses=statuses,
        worse=worse,
        worse_text=(
            f"{worse} of {len(diff.demands)} demands worse"
            if worse
            else f"no demand worse ({len(diff.demands)} compared)"
        ),
        counts={c: sum(1 for e in diff.elements if e.change == c) for c in _RANK},
        removed_links=sum(1 for e in diff.elements if e.kind == "link" and e.change == "removed"),
        verdict=verdict_line(diff),
        thresholds=_thresholds_text(diff.thresholds),
        map_svg=_map(diff, head.topology, base),
        elements=[
            (c, _details(c, head.topology, base.topology), [field_text(f) for f in c.fields])
            for c in diff.elements
        ],
        demands=[_demand_row(d) for d in diff.demands],
        fibre=" (fibre)" if diff.calibrated else "",  # a calibration: fibre RTTs beside its RTTs
        provenance=_provenance(diff, head, base, digest),
    )
